import { describe, expect, it } from 'vitest';
import type { AgentStep, RunView } from '@weft/schemas';
import { apiMocks, checkCalls, checkRun, describeDifferences, differences, fileProblems, needsPrivateWeft, WorkflowTestFile } from './workflow-tests.js';

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

describe('recorded answers, approvals and fixtures in test files', () => {
  const parse = (c: Record<string, unknown>, file: Record<string, unknown> = {}) => WorkflowTestFile.parse({ workflow: 'a.json', ...file, cases: [{ name: 'x', ...c }] });

  it('reads a bare string as a text answer and a bare word as a decision', () => {
    const spec = parse({ llm: { agent: [{ toolCalls: [{ name: 'lookup', arguments: { sku: 'A1' } }] }, 'done'] }, approvals: { refund: 'approve', manager: { decision: 'reject', comment: 'no' } } });
    const c = spec.cases[0]!;
    expect(c.llm).toEqual({ agent: [{ toolCalls: [{ name: 'lookup', arguments: { sku: 'A1' } }] }, { text: 'done' }] });
    expect(c.approvals).toEqual({ refund: { decision: 'approve' }, manager: { decision: 'reject', comment: 'no' } });
  });

  it('refuses changed arguments on a rejection, and an HTTP answer without an absolute URL', () => {
    expect(WorkflowTestFile.safeParse({ workflow: 'a.json', cases: [{ name: 'x', approvals: { refund: { decision: 'reject', arguments: { amount: 1 } } } }] }).success).toBe(false);
    expect(WorkflowTestFile.safeParse({ workflow: 'a.json', http: [{ url: '/relative' }], cases: [{ name: 'x' }] }).success).toBe(false);
  });

  it('needs the hosts of every secret a file stores', () => {
    const bare = WorkflowTestFile.safeParse({ workflow: 'a.json', secrets: { API_KEY: 'k' }, cases: [{ name: 'x' }] });
    expect(bare.error?.issues[0]).toMatchObject({ path: ['secrets', 'API_KEY'], message: expect.stringContaining('"hosts"') });
    const unbound = WorkflowTestFile.safeParse({ workflow: 'a.json', secrets: { API_KEY: { value: 'k', hosts: [] } }, cases: [{ name: 'x' }] });
    expect(unbound.error?.issues[0]?.path).toEqual(['secrets', 'API_KEY', 'hosts']);
  });

  it('runs a file on a private Weft only when it records answers or brings fixtures', () => {
    expect(needsPrivateWeft(parse({}))).toBe(false);
    expect(needsPrivateWeft(parse({ approvals: { refund: 'approve' }, expect: { calls: [] } }))).toBe(false);
    expect(needsPrivateWeft(parse({ llm: { agent: ['hi'] } }))).toBe(true);
    expect(needsPrivateWeft(parse({}, { http: [{ url: 'https://example.com/a' }] }))).toBe(true);
    expect(needsPrivateWeft(parse({}, { secrets: { API_KEY: { value: 'k', hosts: ['api.example.com'] } } }))).toBe(true);
  });

  it('names recorded answers for nodes the workflow lacks by their JSON path', () => {
    expect(fileProblems(parse({ llm: { agent: ['hi'], ghost: ['boo'] } }), ['start', 'agent'])).toEqual([{ path: '$.cases[0].llm.ghost', message: 'the workflow has no node "ghost"' }]);
  });
});

describe('checkCalls', () => {
  const step = (agent: string, turn: number, part: number, status: AgentStep['status'], data: Record<string, unknown>): AgentStep => ({
    agent,
    nodeId: 'agent',
    turn,
    part,
    kind: 'call',
    status,
    data: { callId: `c${part}`, tool: data['name'], key: 'k', arguments: {}, ...data } as never,
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: null,
  });
  const steps: AgentStep[] = [
    { agent: 'agent', nodeId: 'agent', turn: 1, part: 0, kind: 'turn', status: 'succeeded', data: { text: '', toolCalls: [] } as never, startedAt: '', endedAt: null },
    step('agent', 1, 1, 'succeeded', { name: 'lookup', arguments: { sku: 'A1' } }),
    step('agent', 2, 1, 'rejected', { name: 'refund', arguments: { amount: 250 }, approval: { status: 'rejected', reason: 'r' } }),
  ];

  it('compares only the fields a case gives, in transcript order', () => {
    expect(checkCalls([{ tool: 'lookup' }, { tool: 'refund', status: 'rejected', approval: 'rejected' }], steps)).toEqual([]);
    expect(checkCalls([{ tool: 'lookup', approval: null, arguments: { sku: 'A1' } }, { agent: 'agent', tool: 'refund' }], steps)).toEqual([]);
  });

  it('names each differing field by its path, or the calls made when their number differs', () => {
    expect(checkCalls([{ tool: 'lookup', status: 'failed' }, { tool: 'refund', approval: 'approved' }], steps)).toEqual([
      '$.calls[0].status: expected "failed", got "succeeded"',
      '$.calls[1].approval: expected "approved", got "rejected"',
    ]);
    expect(checkCalls([{ tool: 'lookup' }], steps)).toEqual(['calls: expected 1, got 2 (agent: lookup succeeded, agent: refund rejected)']);
  });
});
