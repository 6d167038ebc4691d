import { z } from 'zod';
import { jsonPath, type RunMock, type RunView } from '@weft/schemas';

const Mock = z.union([
  z.object({ output: z.unknown(), ports: z.array(z.string().min(1)).optional() }).strict(),
  // Anything else is the output itself.
  z.unknown().transform((output) => ({ output })),
]);

const NodeExpectation = z.object({ status: z.string().optional(), output: z.unknown().optional() }).strict();

const TestCase = z
  .object({
    name: z.string().min(1),
    input: z.unknown().default({}),
    mocks: z.record(z.string().min(1), Mock).optional(),
    expect: z
      .object({
        status: z.string().default('completed'),
        output: z.unknown().optional(),
        nodes: z.record(z.string().min(1), NodeExpectation).optional(),
      })
      .strict()
      .default({ status: 'completed' }),
  })
  .strict();

/** A file of workflow tests: the workflow (a path relative to the file) and its cases. */
export const WorkflowTestFile = z
  .object({
    workflow: z.string().min(1),
    cases: z.array(TestCase).min(1),
  })
  .strict();
export type WorkflowTestFile = z.infer<typeof WorkflowTestFile>;
export type TestCase = z.infer<typeof TestCase>;

/** The mocks of a case in the shape the run API takes. */
export function apiMocks(c: TestCase): Record<string, RunMock> | undefined {
  if (!c.mocks) return undefined;
  return Object.fromEntries(Object.entries(c.mocks).map(([id, m]) => [id, m as RunMock]));
}

/** Whether two JSON values are equal, whatever the order of object keys. */
export function deepEqual(a: unknown, b: unknown): boolean {
  return differences(a, b, []).length === 0;
}

/** One place where a value differs from what was expected. */
export interface Difference {
  readonly path: string;
  readonly expected: unknown;
  readonly actual: unknown;
  /** Set when a key is only on one side. */
  readonly missing?: 'actual' | 'expected';
}

/** Every place where `actual` differs from `expected`, by JSON path below `at`. */
export function differences(expected: unknown, actual: unknown, at: readonly (string | number)[] = []): Difference[] {
  if (Object.is(expected, actual)) return [];
  if (Array.isArray(expected) && Array.isArray(actual)) {
    const out: Difference[] = [];
    for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
      if (i >= actual.length) out.push({ path: jsonPath([...at, i]), expected: expected[i], actual: undefined, missing: 'actual' });
      else if (i >= expected.length) out.push({ path: jsonPath([...at, i]), expected: undefined, actual: actual[i], missing: 'expected' });
      else out.push(...differences(expected[i], actual[i], [...at, i]));
    }
    return out;
  }
  if (isObject(expected) && isObject(actual)) {
    const out: Difference[] = [];
    for (const k of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
      if (!(k in actual)) out.push({ path: jsonPath([...at, k]), expected: expected[k], actual: undefined, missing: 'actual' });
      else if (!(k in expected)) out.push({ path: jsonPath([...at, k]), expected: undefined, actual: actual[k], missing: 'expected' });
      else out.push(...differences(expected[k], actual[k], [...at, k]));
    }
    return out;
  }
  return [{ path: jsonPath(at), expected, actual }];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const show = (v: unknown) => (v === undefined ? 'nothing' : JSON.stringify(v));

/** Readable lines for the differences: `$.a: expected 1, got 2`. */
export function describeDifferences(diffs: readonly Difference[]): string[] {
  return diffs.map((d) =>
    d.missing === 'actual'
      ? `${d.path}: expected ${show(d.expected)}, missing`
      : d.missing === 'expected'
        ? `${d.path}: not expected, got ${show(d.actual)}`
        : `${d.path}: expected ${show(d.expected)}, got ${show(d.actual)}`,
  );
}

/** What a finished run got wrong against a case's expectations, one readable line each; empty when it passes. */
export function checkRun(c: TestCase, run: RunView): string[] {
  const problems: string[] = [];
  const { expect } = c;
  if (run.status !== expect.status) {
    const why = run.error ? ` (${run.error.nodeId ? `node ${run.error.nodeId}: ` : ''}${run.error.message})` : '';
    problems.push(`status: expected "${expect.status}", got "${run.status}"${why}`);
  }
  if ('output' in expect) problems.push(...describeDifferences(differences(expect.output, run.output ?? null)).map((l) => `output ${l}`));
  for (const [nodeId, e] of Object.entries(expect.nodes ?? {})) {
    const node = run.nodes.find((n) => n.id === nodeId);
    if (!node) {
      problems.push(`node ${nodeId}: the workflow has no such node`);
      continue;
    }
    if (e.status !== undefined && node.status !== e.status) problems.push(`node ${nodeId} status: expected "${e.status}", got "${node.status}"`);
    if ('output' in e) problems.push(...describeDifferences(differences(e.output, node.output ?? null)).map((l) => `node ${nodeId} output ${l}`));
  }
  return problems;
}
