import { describe, expect, it } from 'vitest';
import type { RunView } from '@weft/schemas';
import { apiMocks, checkRun, describeDifferences, differences, WorkflowTestFile } from './workflow-tests.js';

const run = (over: Partial<RunView>): RunView => ({
  id: 'run_1',
  workflowId: 'wf_1',
  version: 1,
  hash: 'h',
  status: 'completed',
  input: {},
  output: null,
  error: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  startedAt: null,
  finishedAt: null,
  nodes: [],
  ...over,
});

describe('workflow test files', () => {
  it('expects a completed run unless a case says otherwise, and takes a bare value as a mock output', () => {
    const spec = WorkflowTestFile.parse({ workflow: 'a.json', cases: [{ name: 'x', mocks: { a: 'hi', b: { output: 1, ports: ['true'] }, c: { price: 2 } } }] });
    expect(spec.cases[0]!.expect.status).toBe('completed');
    expect(apiMocks(spec.cases[0]!)).toEqual({ a: { output: 'hi' }, b: { output: 1, ports: ['true'] }, c: { output: { price: 2 } } });
  });

  it('rejects a case without a name', () => {
    expect(WorkflowTestFile.safeParse({ workflow: 'a.json', cases: [{ input: {} }] }).success).toBe(false);
  });
});

describe('differences', () => {
  it('ignores the order of object keys', () => {
    expect(differences({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toEqual([]);
  });

  it('names each differing, missing and unexpected value by its JSON path', () => {
    const lines = describeDifferences(differences({ a: 1, b: { c: [1, 2] }, gone: true }, { a: 2, b: { c: [1] }, extra: 'x' }));
    expect(lines).toEqual(['$.a: expected 1, got 2', '$.b.c[1]: expected 2, missing', '$.gone: expected true, missing', '$.extra: not expected, got "x"']);
  });
});

describe('checkRun', () => {
  it('reports the status with the failing node, output differences and node expectations', () => {
    const c = WorkflowTestFile.parse({ workflow: 'a.json', cases: [{ name: 'x', expect: { output: { n: 1 }, nodes: { a: { status: 'succeeded', output: 2 }, zz: {} } } }] }).cases[0]!;
    const problems = checkRun(c, run({ status: 'failed', error: { type: 'E', message: 'boom', nodeId: 'a' }, output: { n: 1 }, nodes: [{ id: 'a', type: 't', status: 'failed', attempts: 1, output: 3, error: null, startedAt: null, finishedAt: null }] }));
    expect(problems).toEqual(['status: expected "completed", got "failed" (node a: boom)', 'node a status: expected "succeeded", got "failed"', 'node a output $: expected 2, got 3', 'node zz: the workflow has no such node']);
  });

  it('passes a run that meets every expectation', () => {
    const c = WorkflowTestFile.parse({ workflow: 'a.json', cases: [{ name: 'x', expect: { output: { n: [1] } } }] }).cases[0]!;
    expect(checkRun(c, run({ output: { n: [1] } }))).toEqual([]);
  });
});
