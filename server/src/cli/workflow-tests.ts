import { z } from 'zod';
import { CollectionName, DocumentInput, SecretHosts } from '@weft/nodes/executors';
import { jsonPath, SecretName, type AgentCallData, type AgentStep, type RunMock, type RunView } from '@weft/schemas';

const Mock = z.union([
  z.object({ output: z.unknown(), ports: z.array(z.string().min(1)).optional() }).strict(),
  // Anything else is the output itself.
  z.unknown().transform((output) => ({ output })),
]);

/** A secret a test file stores: its value and, as for any stored secret, the hosts it may be sent to. */
const TestSecret = z
  .object(
    { value: z.string().min(1, 'a secret cannot be empty'), hosts: SecretHosts },
    { error: 'a secret is { "value": "…", "hosts": ["api.example.com"] }: its value and the hosts it may be sent to' },
  )
  .strict();

const NodeExpectation = z.object({ status: z.string().optional(), output: z.unknown().optional() }).strict();

const JsonObject = z.record(z.string(), z.unknown());

/** A tool call a recorded model answer asks for. */
const RecordedToolCall = z
  .object({
    id: z.string().min(1).max(64).optional(),
    name: z.string().min(1).max(64),
    arguments: JsonObject.default({}),
  })
  .strict();

const AnswerObject = z
  .object({
    text: z.union([z.string(), JsonObject]).optional(),
    toolCalls: z.array(RecordedToolCall).optional(),
    usage: z.object({ input: z.number().int().min(0), output: z.number().int().min(0) }).strict().optional(),
  })
  .strict();

/**
 * One recorded model answer: text (a bare string, or an object sent as JSON text), tool calls,
 * or both, with the tokens it reports.
 */
export const RecordedAnswer = z.union([z.string().transform((text): z.infer<typeof AnswerObject> => ({ text })), AnswerObject]);
export type RecordedAnswer = z.infer<typeof RecordedAnswer>;

const DecisionObject = z
  .object({
    decision: z.enum(['approve', 'reject']),
    comment: z.string().max(5000).optional(),
    arguments: JsonObject.optional(),
  })
  .strict()
  .refine((d) => d.decision === 'approve' || d.arguments === undefined, { message: 'arguments can be changed only when approving', path: ['arguments'] });

/** What a case decides when a tool call (by tool name) or an approval node (by id) waits for a person. */
const Decision = z.union([z.enum(['approve', 'reject']).transform((decision): z.infer<typeof DecisionObject> => ({ decision })), DecisionObject]);
export type Decision = z.infer<typeof Decision>;

/** An agent's tool call as a case expects it, compared on the fields given. */
const CallExpectation = z
  .object({
    agent: z.string().min(1).optional(),
    tool: z.string().min(1),
    status: z.enum(['running', 'waiting', 'succeeded', 'failed', 'rejected']).optional(),
    approval: z.enum(['waiting', 'approved', 'edited', 'rejected', 'timed_out']).nullable().optional(),
    arguments: JsonObject.optional(),
  })
  .strict();
export type CallExpectation = z.infer<typeof CallExpectation>;

/** An HTTP answer given, offline, to a request a node sends (matched by method and exact URL). */
const RecordedHttp = z
  .object({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']).default('GET'),
    url: z.url({ protocol: /^https?$/ }).transform((u) => new URL(u).href),
    status: z.number().int().min(200).max(599).default(200),
    headers: z.record(z.string(), z.string()).default({}),
    body: z.unknown().optional(),
  })
  .strict();
export type RecordedHttp = z.infer<typeof RecordedHttp>;

const TestCase = z
  .object({
    name: z.string().min(1),
    input: z.unknown().default({}),
    mocks: z.record(z.string().min(1), Mock).optional(),
    llm: z.record(z.string().min(1), z.array(RecordedAnswer).min(1)).optional(),
    approvals: z.record(z.string().min(1), Decision).optional(),
    expect: z
      .object({
        status: z.string().default('completed'),
        output: z.unknown().optional(),
        nodes: z.record(z.string().min(1), NodeExpectation).optional(),
        calls: z.array(CallExpectation).optional(),
      })
      .strict()
      .default({ status: 'completed' }),
  })
  .strict();

/**
 * A file of workflow tests: the workflow (a path relative to the file), its cases, and what a
 * private Weft is given before they run (recorded HTTP answers, collections, secrets).
 */
export const WorkflowTestFile = z
  .object({
    workflow: z.string().min(1),
    http: z.array(RecordedHttp).optional(),
    collections: z.record(CollectionName, z.array(DocumentInput).min(1)).optional(),
    secrets: z.record(SecretName, TestSecret).optional(),
    cases: z.array(TestCase).min(1),
  })
  .strict();
export type WorkflowTestFile = z.infer<typeof WorkflowTestFile>;
export type TestCase = z.infer<typeof TestCase>;

/**
 * Whether the file runs on a private Weft that `weft test` starts: recorded LLM answers and the
 * fixtures need a Weft whose LLM, HTTP and data the test controls.
 */
export function needsPrivateWeft(spec: WorkflowTestFile): boolean {
  return spec.http !== undefined || spec.collections !== undefined || spec.secrets !== undefined || spec.cases.some((c) => c.llm !== undefined);
}

/** Problems of a test file against its workflow: recorded answers for nodes it does not have. */
export function fileProblems(spec: WorkflowTestFile, nodeIds: readonly string[]): { path: string; message: string }[] {
  return spec.cases.flatMap((c, i) =>
    Object.keys(c.llm ?? {})
      .filter((id) => !nodeIds.includes(id))
      .map((id) => ({ path: jsonPath(['cases', i, 'llm', id]), message: `the workflow has no node "${id}"` })),
  );
}

/** The mocks of a case in the shape the run API takes. */
export function apiMocks(c: TestCase): Record<string, RunMock> | undefined {
  if (!c.mocks) return undefined;
  return Object.fromEntries(Object.entries(c.mocks).map(([id, m]) => [id, m as RunMock]));
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

/** The tool calls of a run's transcript, compared with what a case expects: each expected field of each call, in transcript order. */
export function checkCalls(expected: readonly CallExpectation[], steps: readonly AgentStep[]): string[] {
  const calls = steps
    .filter((s) => s.kind === 'call')
    .map((s) => {
      const d = s.data as AgentCallData;
      return { agent: s.agent, tool: d.name, status: s.status, approval: d.approval?.status ?? null, arguments: d.arguments };
    });
  const seen = calls.map((c) => `${c.agent}: ${c.tool} ${c.status}`).join(', ') || 'none';
  if (calls.length !== expected.length) return [`calls: expected ${expected.length}, got ${calls.length} (${seen})`];
  return expected.flatMap((e, i) => {
    const actual = calls[i]!;
    const picked = Object.fromEntries(Object.keys(e).map((k) => [k, actual[k as keyof typeof actual]]));
    return describeDifferences(differences(e, picked, ['calls', i]));
  });
}
