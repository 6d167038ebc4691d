import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FINAL_RUN_STATUSES, jsonPath, validateWorkflow, type AgentStep, type RunEvent, type RunSummary, type RunView, type WorkflowSummary, errorMessage, errorCode } from '@weft/schemas';
import { loadConfig } from '../config.js';
import type { LiveRunState } from '@weft/workers/definitions';
import { RUN_WAIT_MAX_MS } from '../routes/runs.js';
import type { RerunPlan } from '../runs/index.js';
import { agentLines } from './agent-lines.js';
import { ApiClient, ApiFailure, DEFAULT_URL, UsageError } from './client.js';
import type { PrivateWeft } from './private-weft.js';
import { readPipedValue, SECRET_HELP, secretsCommand } from './secret-commands.js';
import { apiMocks, checkCalls, checkRun, fileProblems, needsPrivateWeft, WorkflowTestFile, type TestCase } from './workflow-tests.js';
import { loadNodeTypes } from '@weft/workers/process';

/** Help lines of the client commands, for `weft help`. */
export const CLIENT_HELP = `API client (finds Weft at WEFT_URL, else the running \`weft start\`, else ${DEFAULT_URL}; token in WEFT_TOKEN):
  validate <file>               check a workflow file locally, every problem with its JSON path (no server needed)
  push <file>                   store a workflow: a new version of the one with the same name, else a new workflow
  run <workflow> [--input <file>|-] [--follow]
                                start a run (workflow id or name); --follow prints each node's progress, each
                                agent's turns and tool calls, and the result, exit 0 when the run completes
  runs list [--workflow <w>] [--status <s>] [--limit <n>]
  runs show <runId>             a run and its nodes
  runs logs <runId>             a run's event log (follows a run that has not ended)
  cancel <runId>
  approve <runId> [--node <id>] [--comment <text>]
  reject <runId> [--node <id>] [--comment <text>]
  rerun <runId> --from <node> [--dry-run]
  export <workflow> [--out <file>]
  import <file>
  test <file>… [--timeout <s>]  run workflow tests: cases with input, mocked nodes, recorded LLM answers,
                                approval decisions and expected results (files with recorded answers run
                                on a private Weft this command starts and stops)
${SECRET_HELP}`;

type Out = (line: string) => void;
const out: Out = (line) => process.stdout.write(`${line}\n`);
const err: Out = (line) => process.stderr.write(`${line}\n`);

/** Runs one client command and returns the exit code: 0 done, 1 failed, 2 used wrongly. */
export async function clientCommand(command: string, args: string[]): Promise<number> {
  try {
    return await dispatch(command, args);
  } catch (e) {
    if (e instanceof UsageError || errorCode(e)?.startsWith('ERR_PARSE_ARGS_')) {
      err(`weft ${command}: ${errorMessage(e)}`);
      return 2;
    }
    if (e instanceof ApiFailure) {
      err(`${e.code}: ${e.message}`);
      for (const i of e.issues) err(`  ${i.path}: ${i.message}`);
      return 1;
    }
    throw e;
  }
}

function dispatch(command: string, args: string[]): Promise<number> {
  switch (command) {
    case 'validate':
      return validate(args);
    case 'push':
      return push(args);
    case 'run':
      return run(args);
    case 'runs':
      return runs(args);
    case 'cancel':
      return cancel(args);
    case 'approve':
    case 'reject':
      return decide(command, args);
    case 'rerun':
      return rerun(args);
    case 'export':
      return exportWorkflow(args);
    case 'import':
      return importWorkflow(args);
    case 'test':
      return test(args);
    case 'secrets':
      return secretsCommand(args, { api: client, stdin: readPipedValue, out });
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

function client(): ApiClient {
  return ApiClient.fromEnv(process.env, loadConfig().WEFT_DATA_DIR);
}

/** The one positional argument a command takes. */
function one(positionals: string[], usage: string): string {
  if (positionals.length !== 1) throw new UsageError(`usage: weft ${usage}`);
  return positionals[0]!;
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${errorMessage(e)}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ApiFailure(0, 'invalid_json', `${file} is not JSON: ${errorMessage(e)}`);
  }
}

async function validate(args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, strict: true });
  const file = one(positionals, 'validate <file>');
  const doc = readJson(file);
  const { registry } = await loadNodeTypes(loadConfig());
  const result = validateWorkflow(doc, registry);
  for (const p of result.problems) out(`${p.severity.padEnd(7)} ${p.path}  ${p.message} (${p.code})`);
  const errors = result.problems.filter((p) => p.severity === 'error').length;
  const warnings = result.problems.length - errors;
  if (result.ok && errors === 0) {
    out(`${file}: valid${warnings ? `, ${warnings} warning(s)` : ''}`);
    return 0;
  }
  out(`${file}: ${errors} error(s)${warnings ? `, ${warnings} warning(s)` : ''}`);
  return 1;
}

/** The id of a workflow given by id or by name. */
async function workflowId(api: ApiClient, ref: string): Promise<string> {
  if (/^wf_[a-z0-9]+$/.test(ref)) return ref;
  const matches = (await api.listAll<WorkflowSummary>('/api/workflows')).filter((w) => w.name === ref);
  if (matches.length === 0) throw new ApiFailure(404, 'not_found', `no workflow named "${ref}"`);
  if (matches.length > 1) throw new ApiFailure(409, 'ambiguous', `${matches.length} workflows are named "${ref}" (${matches.map((w) => w.id).join(', ')}): give the id`);
  return matches[0]!.id;
}

/**
 * Stores a document: a new version of the workflow of the same name, else a new workflow. With
 * `unlessSame`, a latest version of the same content is used as it is.
 */
async function pushDocument(api: ApiClient, doc: unknown, opts: { unlessSame?: boolean } = {}): Promise<{ id: string; version: number; created: boolean }> {
  const name = (doc as { name?: unknown } | null)?.name;
  const existing = typeof name === 'string' ? (await api.listAll<WorkflowSummary>('/api/workflows')).filter((w) => w.name === name) : [];
  if (existing.length > 1) throw new ApiFailure(409, 'ambiguous', `${existing.length} workflows are named "${String(name)}" (${existing.map((w) => w.id).join(', ')}); rename one`);
  if (existing[0] && opts.unlessSame) {
    const [{ hash }, latest] = await Promise.all([
      api.request<{ hash: string }>('POST', '/api/workflows/validate', doc),
      api.request<{ version: number; hash: string }>('GET', `/api/workflows/${existing[0].id}`),
    ]);
    if (hash === latest.hash) return { id: existing[0].id, version: latest.version, created: false };
  }
  if (existing[0]) {
    const saved = await api.request<{ id: string; version: number }>('PUT', `/api/workflows/${existing[0].id}`, doc);
    return { ...saved, created: false };
  }
  const saved = await api.request<{ id: string; version: number }>('POST', '/api/workflows', doc);
  return { ...saved, created: true };
}

async function push(args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, strict: true });
  const file = one(positionals, 'push <file>');
  const saved = await pushDocument(client(), readJson(file));
  out(`${saved.id} version ${saved.version}${saved.created ? ' (new workflow)' : ''}`);
  return 0;
}

async function run(args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, strict: true, options: { input: { type: 'string' }, follow: { type: 'boolean', short: 'f' } } });
  const ref = one(positionals, 'run <workflow id|name> [--input <file>|-] [--follow]');
  const input = values.input === undefined ? {} : readJson(values.input);
  const api = client();
  const id = await workflowId(api, ref);
  const { runId } = await api.request<{ runId: string }>('POST', `/api/workflows/${id}/runs`, { input });
  out(runId);
  if (!values.follow) return 0;
  const view = await follow(api, runId);
  return view.status === 'completed' ? 0 : 1;
}

const ms = (from: string, to: string) => `${Math.max(0, Date.parse(to) - Date.parse(from))} ms`;

/** Prints each node event and each agent step of the run as it happens, then the run's status and output. */
async function follow(api: ApiClient, runId: string): Promise<RunView> {
  const started = new Map<string, string>();
  const width = 16;
  const nodeLine = (e: RunEvent): string | undefined => {
    if (!e.nodeId) return undefined;
    const key = `${e.nodeId}#${e.attempt ?? 0}`;
    if (e.type === 'started' || e.type === 'waiting' || e.type === 'compensating') started.set(key, e.at);
    if (e.type === 'started') return undefined; // the line comes when the attempt ends, with its duration
    const since = started.get(key);
    const reused = (e.data as { reused?: boolean } | null)?.reused;
    const error = (e.data as { error?: { message?: string } } | null)?.error?.message;
    const parts = [`  ${e.nodeId.padEnd(width)}`, e.type.padEnd(12), reused ? 'mocked/reused' : `attempt ${e.attempt ?? '-'}`];
    if (since && e.type !== 'waiting') parts.push(ms(since, e.at));
    if (error) parts.push(`— ${error}`);
    return parts.join('  ');
  };
  // Agent lines need the step's details from the transcript: events are handled one after another, so lines keep their order.
  let printing = Promise.resolve();
  await api.events(
    runId,
    (e) => {
      printing = printing
        .then(async () => {
          if (e.type === 'agent_text') return;
          const lines = e.type === 'agent' ? await agentLines(api, runId, e) : [nodeLine(e)];
          for (const l of lines) if (l !== undefined) out(l);
        })
        .catch(() => undefined);
    },
    async () => FINAL_RUN_STATUSES.includes((await api.request<RunView>('GET', `/api/runs/${runId}`)).status),
  );
  await printing;
  const view = await api.request<RunView>('GET', `/api/runs/${runId}`);
  out(`run ${runId} ${view.status}${view.startedAt && view.finishedAt ? ` in ${ms(view.startedAt, view.finishedAt)}` : ''}`);
  if (view.error) out(`error: ${view.error.nodeId ? `node ${view.error.nodeId}: ` : ''}${view.error.message}`);
  if (view.output !== null && view.output !== undefined) out(`output: ${JSON.stringify(view.output, null, 2)}`);
  return view;
}

/** Text laid out in columns. */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

async function runs(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const api = () => client();
  switch (sub) {
    case 'list': {
      const { values } = parseArgs({ args: rest, strict: true, options: { workflow: { type: 'string' }, status: { type: 'string' }, limit: { type: 'string' } } });
      const limit = values.limit === undefined ? 20 : Number(values.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new UsageError('--limit must be a whole number from 1 to 500');
      const c = api();
      const query = new URLSearchParams({ limit: String(values.status ? 500 : limit) });
      if (values.workflow) query.set('workflowId', await workflowId(c, values.workflow));
      if (values.status) query.set('status', values.status);
      const page = await c.request<{ items: RunSummary[] }>('GET', `/api/runs?${query}`);
      const items = page.items.filter((r) => !values.status || r.status === values.status).slice(0, limit);
      if (items.length === 0) {
        out('no runs');
        return 0;
      }
      for (const l of table(
        ['RUN', 'WORKFLOW', 'VERSION', 'STATUS', 'CREATED', 'DURATION'],
        items.map((r) => [r.id, r.workflowId, String(r.version), r.status, r.createdAt, r.finishedAt ? ms(r.createdAt, r.finishedAt) : '']),
      ))
        out(l);
      return 0;
    }
    case 'show': {
      const { positionals } = parseArgs({ args: rest, allowPositionals: true, strict: true });
      const id = one(positionals, 'runs show <runId>');
      const v = await api().request<RunView>('GET', `/api/runs/${encodeURIComponent(id)}`);
      out(`run ${v.id}  ${v.status}`);
      out(`workflow ${v.workflowId} version ${v.version}, created ${v.createdAt}${v.finishedAt ? `, finished ${v.finishedAt}` : ''}`);
      for (const l of table(
        ['NODE', 'TYPE', 'STATUS', 'ATTEMPTS', 'DURATION', 'ERROR'],
        v.nodes.map((n) => [n.id, n.type, n.reused ? `${n.status} (reused)` : n.status, String(n.attempts), n.startedAt && n.finishedAt ? ms(n.startedAt, n.finishedAt) : '', n.error?.message ?? '']),
      ))
        out(`  ${l}`);
      if (v.error) out(`error: ${v.error.nodeId ? `node ${v.error.nodeId}: ` : ''}${v.error.message}`);
      out(`input: ${JSON.stringify(v.input)}`);
      out(`output: ${JSON.stringify(v.output, null, 2)}`);
      return 0;
    }
    case 'logs': {
      const { positionals } = parseArgs({ args: rest, allowPositionals: true, strict: true });
      const id = one(positionals, 'runs logs <runId>');
      const c = api();
      await c.events(
        id,
        (e: RunEvent) => {
          const what = e.nodeId ? `${e.nodeId}${e.attempt !== null ? ` attempt ${e.attempt}` : ''}` : '';
          out(`${e.at}  ${String(e.id).padStart(4)}  ${e.type.padEnd(12)}  ${what}${e.data ? `  ${JSON.stringify(e.data)}` : ''}`.trimEnd());
        },
        async () => FINAL_RUN_STATUSES.includes((await c.request<RunView>('GET', `/api/runs/${id}`)).status),
      );
      return 0;
    }
    default:
      throw new UsageError('usage: weft runs list|show|logs …');
  }
}

async function cancel(args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, strict: true });
  const id = one(positionals, 'cancel <runId>');
  await client().request('POST', `/api/runs/${encodeURIComponent(id)}/cancel`);
  out(`cancelling ${id}`);
  return 0;
}

async function decide(command: 'approve' | 'reject', args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, strict: true, options: { node: { type: 'string' }, comment: { type: 'string' } } });
  const id = one(positionals, `${command} <runId> [--node <id>] [--comment <text>]`);
  const body = { ...(values.node ? { nodeId: values.node } : {}), ...(values.comment ? { comment: values.comment } : {}) };
  const res = await client().request<{ nodeId: string }>('POST', `/api/runs/${encodeURIComponent(id)}/${command}`, body);
  out(`${command === 'approve' ? 'approved' : 'rejected'} node ${res.nodeId} of ${id}`);
  return 0;
}

async function rerun(args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, strict: true, options: { from: { type: 'string' }, 'dry-run': { type: 'boolean' } } });
  const usage = 'rerun <runId> --from <node> [--dry-run]';
  const id = one(positionals, usage);
  if (!values.from) throw new UsageError(`usage: weft ${usage}`);
  const dry = values['dry-run'] === true;
  const plan = await client().request<RerunPlan>('POST', `/api/runs/${encodeURIComponent(id)}/rerun${dry ? '?dryRun=1' : ''}`, { fromNode: values.from });
  out(`${dry ? 'would re-run' : 're-running'} ${plan.rerunOf} version ${plan.version} from ${plan.fromNode}`);
  out(`  run again: ${plan.rerun.join(', ') || '(none)'}`);
  out(`  reused:    ${plan.reused.join(', ') || '(none)'}`);
  if (plan.sideEffects.length) out(`  side effects again: ${plan.sideEffects.join(', ')}`);
  if (plan.runId) out(plan.runId);
  return 0;
}

async function exportWorkflow(args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, strict: true, options: { out: { type: 'string', short: 'o' } } });
  const ref = one(positionals, 'export <workflow> [--out <file>]');
  const api = client();
  const doc = await api.request<unknown>('GET', `/api/workflows/${await workflowId(api, ref)}/export`);
  const text = `${JSON.stringify(doc, null, 2)}\n`;
  if (values.out) {
    writeFileSync(values.out, text);
    err(`wrote ${values.out}`);
  } else process.stdout.write(text);
  return 0;
}

async function importWorkflow(args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, strict: true });
  const file = one(positionals, 'import <file>');
  const saved = await client().request<{ id: string; version: number }>('POST', '/api/workflows/import', readJson(file));
  out(`${saved.id} version ${saved.version}`);
  return 0;
}

/**
 * Waits for a case's run to end, deciding each approval it waits on as the case says (a tool
 * call by its tool's name, an approval node by its id). A case that expects `waiting` ends when
 * the run waits on something the case does not decide; the run is then cancelled.
 */
async function settleRun(api: ApiClient, runId: string, c: TestCase, timeoutMs: number): Promise<{ view: RunView; steps: AgentStep[]; problems: string[] }> {
  const deadline = Date.now() + timeoutMs;
  const decided = new Set<string>();
  const used = new Set<string>();
  const problems: string[] = [];
  const transcript = async () => (c.expect.calls ? (await api.request<{ steps: AgentStep[] }>('GET', `/api/runs/${runId}/transcript`)).steps : []);
  const cancel = async () => {
    await api.request('POST', `/api/runs/${runId}/cancel`).catch(() => undefined);
    await waitForRun(api, runId, timeoutMs);
  };
  for (;;) {
    const view = await api.request<RunView>('GET', `/api/runs/${runId}`);
    if (FINAL_RUN_STATUSES.includes(view.status)) {
      const unused = Object.keys(c.approvals ?? {}).filter((name) => !used.has(name));
      problems.push(...unused.map((name) => `approvals.${name}: nothing named ${name} waited for approval`));
      return { view, steps: await transcript(), problems };
    }
    if (view.status === 'waiting') {
      const { approvals } = await api.request<LiveRunState>('GET', `/api/runs/${runId}/state`);
      const open = approvals.filter((a) => !decided.has(a.call?.key ?? a.nodeId));
      const undecided = open.filter((a) => !c.approvals?.[a.call?.tool ?? a.nodeId]);
      for (const a of open.filter((x) => !undecided.includes(x))) {
        const name = a.call?.tool ?? a.nodeId;
        const d = c.approvals![name]!;
        const body = { ...(a.call ? { call: a.call.key } : { nodeId: a.nodeId }), ...(d.comment ? { comment: d.comment } : {}), ...(d.arguments ? { arguments: d.arguments } : {}) };
        await api.request('POST', `/api/runs/${runId}/${d.decision}`, body);
        decided.add(a.call?.key ?? a.nodeId);
        used.add(name);
      }
      if (open.length > 0 && undecided.length === open.length) {
        if (c.expect.status === 'waiting') {
          // What the run looks like while it waits is what the case checks.
          const steps = await transcript();
          await cancel();
          return { view, steps, problems };
        }
        for (const a of undecided) {
          const what = a.call ? `${a.call.tool} ${JSON.stringify(a.call.arguments)} (${a.call.reason})` : `node ${a.nodeId}`;
          problems.push(`waits for approval of ${what}, and the case's approvals decide nothing for ${a.call?.tool ?? a.nodeId}`);
        }
        await cancel();
        return { view: await api.request<RunView>('GET', `/api/runs/${runId}`), steps: await transcript(), problems };
      }
    }
    if (Date.now() > deadline) throw new ApiFailure(0, 'timeout', `run ${runId} is still ${view.status} after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function waitForRun(api: ApiClient, runId: string, timeoutMs: number): Promise<RunView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // The server answers as the run ends (`?wait=`), so nothing here polls.
    const wait = Math.max(0, Math.min(RUN_WAIT_MAX_MS, deadline - Date.now()));
    const view = await api.request<RunView>('GET', `/api/runs/${runId}?wait=${wait}ms`);
    if (FINAL_RUN_STATUSES.includes(view.status)) return view;
    if (Date.now() >= deadline) throw new ApiFailure(0, 'timeout', `run ${runId} is still ${view.status} after ${timeoutMs / 1000} s`);
  }
}

/** A test file, read and checked against its workflow before anything runs. */
function readTestFile(file: string): { spec: WorkflowTestFile; workflow: unknown } {
  const parsed = WorkflowTestFile.safeParse(readJson(file));
  if (!parsed.success) {
    throw new ApiFailure(0, 'invalid_test_file', `${file} is not a workflow test file`, parsed.error.issues.map((i) => ({ path: jsonPath(i.path), message: i.message })));
  }
  const workflow = readJson(resolve(dirname(file), parsed.data.workflow));
  const nodes = (workflow as { nodes?: unknown } | null)?.nodes;
  const ids = Array.isArray(nodes) ? nodes.map((n) => String((n as { id?: unknown }).id)) : [];
  const problems = fileProblems(parsed.data, ids);
  if (problems.length) throw new ApiFailure(0, 'invalid_test_file', `${file} does not fit ${parsed.data.workflow}`, problems);
  return { spec: parsed.data, workflow };
}

async function test(args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, strict: true, options: { timeout: { type: 'string' } } });
  if (positionals.length === 0) throw new UsageError('usage: weft test <file>… [--timeout <seconds>]');
  const timeoutMs = (values.timeout === undefined ? 60 : Number(values.timeout)) * 1000;
  if (!(timeoutMs > 0)) throw new UsageError('--timeout must be a number of seconds');
  // Every file is checked first: a mistake in the last one stops the run before the first case.
  const files = positionals.map(readTestFile);
  let shared: ApiClient | undefined;
  let offline: PrivateWeft | undefined;
  let failed = 0;
  let total = 0;
  try {
    for (const { spec, workflow } of files) {
      let api: ApiClient;
      let recorded: PrivateWeft | undefined;
      if (needsPrivateWeft(spec)) {
        if (!offline) {
          out('starting a private Weft for recorded answers (Temporal dev server and database in memory)…');
          // Loaded only here: it brings the worker (and Temporal's native runtime) into the process.
          const { startPrivateWeft } = await import('./private-weft.js');
          offline = await startPrivateWeft();
        }
        recorded = offline;
        api = offline.api;
        await offline.prepare(spec);
      } else api = shared ??= client();
      // Tests run again and again: an unchanged workflow is not stored as yet another version.
      const saved = await pushDocument(api, workflow, { unlessSame: true });
      out(`${spec.workflow}: ${saved.id} version ${saved.version}`);
      for (const c of spec.cases) {
        total++;
        const mocks = apiMocks(c);
        const started = Date.now();
        recorded?.play(c.llm ?? {});
        const { runId } = await api.request<{ runId: string }>('POST', `/api/workflows/${saved.id}/runs`, { input: c.input, ...(mocks ? { mocks } : {}) });
        recorded?.play(c.llm ?? {}, runId);
        const { view, steps, problems } = await settleRun(api, runId, c, timeoutMs);
        problems.push(...checkRun(c, view));
        if (c.expect.calls) problems.push(...checkCalls(c.expect.calls, steps));
        const took = `${Date.now() - started} ms`;
        if (problems.length === 0) out(`PASS  ${c.name}  (${took})`);
        else {
          failed++;
          out(`FAIL  ${c.name}  (${took}, ${runId})`);
          for (const p of problems) out(`      ${p}`);
        }
      }
    }
  } finally {
    await offline?.stop();
  }
  out(`${total - failed} passed, ${failed} failed, ${total} total`);
  return failed === 0 ? 0 : 1;
}
