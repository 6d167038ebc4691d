import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunView, WorkflowInput } from '@weft/schemas';
import { hashToken } from './auth/tokens.js';
import { openDatabase } from '@weft/store';
import { listen } from './runtime/http.js';
import type { Stack } from './testing/stack.js';
import { useStack } from './testing/suite.js';
import { CLI } from './testing/worker-process.js';

const EXAMPLES = resolve(import.meta.dirname, '..', '..', 'examples');
const dir = mkdtempSync(join(tmpdir(), 'weft-cli-'));
const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(content, null, 2));
  return path;
};

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A port nothing listens on: taken, then given back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

const hello = JSON.parse(readFileSync(join(EXAMPLES, 'hello.json'), 'utf8')) as WorkflowInput;

/** A workflow whose `fetch` node calls a closed port once and so fails, unless mocked. */
const fetching = (port: number): WorkflowInput => ({
  schemaVersion: 1,
  name: `fetching ${randomBytes(3).toString('hex')}`,
  nodes: [
    { id: 'start', type: 'control.trigger' },
    { id: 'fetch', type: 'execution.http', params: { method: 'GET', url: `http://127.0.0.1:${port}/price` }, policy: { maxAttempts: 1 } },
    { id: 'out', type: 'control.output', params: { value: '{{ { "price": $nodes.fetch.output.body.price } }}' } },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'fetch' },
    { id: 'e2', source: 'fetch', target: 'out' },
  ],
});

describe('the weft command as an API client', () => {
  let stack: Stack;
  let http: Awaited<ReturnType<typeof listen>>;
  let port: number;
  const transcript: string[] = [];
  useStack('pglite', (s) => (stack = s));

  beforeAll(async () => {
    http = await listen(stack.app.fetch, '127.0.0.1', 0);
    port = await closedPort();
  });
  afterAll(async () => {
    await http?.close();
    rmSync(dir, { recursive: true, force: true });
    console.log(`weft CLI transcript:\n${transcript.join('\n')}`);
  });

  /** Runs the built CLI against the test stack, without blocking the API this process serves. */
  function weft(args: string[], env: Record<string, string | undefined> = {}): Promise<Result> {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, WEFT_URL: http.url, WEFT_TOKEN: stack.token, WEFT_DATA_DIR: dir, WEFT_LOG_LEVEL: 'warn', ...env };
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
    return new Promise((done, fail) => {
      const child = spawn(process.execPath, [CLI, ...args], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      child.once('error', fail);
      child.once('exit', (code) => {
        const shown = args.map((a) => (a.startsWith(dir) ? a.slice(dir.length + 1) : a)).join(' ');
        transcript.push(`$ weft ${shown}   → exit ${code}`, ...`${stdout}${stderr}`.trimEnd().split('\n').map((l) => `    ${l}`));
        done({ code, stdout, stderr });
      });
    });
  }

  it('validates a file locally: exit 0 when it is good, 1 with every problem and its JSON path when not', async () => {
    const good = await weft(['validate', join(EXAMPLES, 'hello.json')], { WEFT_URL: 'http://127.0.0.1:1', WEFT_TOKEN: undefined });
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/hello\.json: valid/);

    const broken = { ...hello, nodes: [...hello.nodes, { id: 'mystery', type: 'analysis.nope' }] };
    const bad = await weft(['validate', file('bad.json', broken)], { WEFT_URL: 'http://127.0.0.1:1', WEFT_TOKEN: undefined });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('$.nodes[4].type');
    expect(bad.stdout).toContain('unknown node type "analysis.nope"');
  });

  it('pushes a new workflow, then a new version of the one with the same name', async () => {
    const path = file('pushed.json', { ...hello, name: `pushed ${randomBytes(3).toString('hex')}` });
    const first = await weft(['push', path]);
    expect(first.code).toBe(0);
    const id = /^(wf_[a-z0-9]+) version 1 \(new workflow\)$/m.exec(first.stdout)?.[1];
    expect(id).toBeTruthy();
    const second = await weft(['push', path]);
    expect(second.code).toBe(0);
    expect(second.stdout.trim()).toBe(`${id} version 2`);
    expect((await stack.api('GET', `/api/workflows/${id}`)).json.version).toBe(2);
  });

  it('reports the API error with its JSON paths and exits 1; usage errors exit 2; a missing token is said plainly', async () => {
    const invalid = await weft(['push', file('invalid.json', { ...hello, name: 'invalid', edges: [{ id: 'e1', source: 'start', target: 'ghost' }] })]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^invalid_workflow: /m);
    expect(invalid.stderr).toContain('$.edges[0].target');

    expect((await weft(['rerun', 'run_x'])).code).toBe(2);
    const noToken = await weft(['runs', 'list'], { WEFT_TOKEN: undefined });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('WEFT_TOKEN is not set');
    const wrong = await weft(['runs', 'list'], { WEFT_TOKEN: 'weft_not-a-token' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('unauthorized: the API token is not valid');
  });

  it('runs a workflow by name and follows it node by node: exit 0 when it completes, 1 when it fails', async () => {
    const name = `greeter ${randomBytes(3).toString('hex')}`;
    await stack.createWorkflow({ ...hello, name });
    const ok = await weft(['run', name, '--input', file('input.json', { name: 'Lin' }), '--follow']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^ {2}greet +succeeded +attempt 1 +\d+ ms$/m);
    expect(ok.stdout).toMatch(/^ {2}result +succeeded +attempt 1 +\d+ ms$/m);
    expect(ok.stdout).toMatch(/^run run_[a-z0-9]+ completed/m);
    expect(ok.stdout).toContain('"greeting": "Hello, Lin!"');

    const failing = await stack.createWorkflow(fetching(port));
    const bad = await weft(['run', failing, '--follow']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^ {2}fetch +failed +attempt 1 +\d+ ms/m);
    expect(bad.stdout).toMatch(/^run run_[a-z0-9]+ failed/m);
    expect(bad.stdout).toMatch(/^error: node fetch: /m);
  });

  it('runs workflow tests: PASS lines and exit 0 when every case passes, including the example file', async () => {
    const example = await weft(['test', join(EXAMPLES, 'tests', 'hello.test.json')]);
    expect(example.code).toBe(0);
    expect(example.stdout.match(/^PASS {2}/gm)).toHaveLength(3);
    expect(example.stdout).toContain('3 passed, 0 failed, 3 total');
  });

  it('replaces mocked nodes by their given output: a node that would fail passes, and the run is marked as a test', async () => {
    file('fetching.json', fetching(port));
    const spec = file('fetching.test.json', {
      workflow: 'fetching.json',
      cases: [{ name: 'prices from the mocked fetch', input: {}, mocks: { fetch: { output: { status: 200, body: { price: 42 } } } }, expect: { output: { price: 42 }, nodes: { fetch: { status: 'succeeded' } } } }],
    });
    const res = await weft(['test', spec]);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^PASS {2}prices from the mocked fetch/m);

    // Without the mock the same workflow fails: the mock is what made the case pass.
    const unmocked = file('unmocked.test.json', { workflow: 'fetching.json', cases: [{ name: 'prices from the real fetch', input: {}, expect: { output: { price: 42 } } }] });
    const real = await weft(['test', unmocked]);
    expect(real.code).toBe(1);
    expect(real.stdout).toMatch(/status: expected "completed", got "failed" \(node fetch: /);

    const wf = /^fetching\.json: (wf_[a-z0-9]+) version 1$/m.exec(res.stdout)![1]!;
    expect(real.stdout).toContain(`fetching.json: ${wf} version 1`); // unchanged, so not pushed again
    const tests = await stack.db.db.selectFrom('run').select(['id', 'trigger']).where('workflow_id', '=', wf).where('trigger', '=', 'test').execute();
    expect(tests).toHaveLength(1);
    const view = (await stack.api('GET', `/api/runs/${tests[0]!.id}`)).json as RunView;
    expect(view.nodes.find((n) => n.id === 'fetch')).toMatchObject({ status: 'succeeded', reused: true, attempts: 0 });
  });

  it('answers 422 with the JSON path when a mock names a node the workflow lacks', async () => {
    const id = await stack.createWorkflow({ ...hello, name: `mocks ${randomBytes(3).toString('hex')}` });
    const res = await stack.api('POST', `/api/workflows/${id}/runs`, { input: {}, mocks: { greet: { output: 'hi' }, ghost: { output: 1 } } });
    expect(res.status).toBe(422);
    expect(res.json.error.issues).toEqual([{ path: '$.mocks.ghost', message: 'version 1 has no node "ghost"' }]);
    const viewer = await stack.tokenFor('viewer');
    expect((await stack.api('POST', `/api/workflows/${id}/runs`, { mocks: { greet: { output: 'hi' } } }, viewer)).status).toBe(403);
  });

  it('fails a test case whose expectation is not met and shows each difference', async () => {
    const spec = file('wrong.test.json', {
      workflow: join(EXAMPLES, 'hello.json'),
      cases: [
        { name: 'right', input: { name: 'Ada' }, expect: { output: { greeting: 'Hello, Ada!', letters: 3 } } },
        { name: 'wrong', input: { name: 'Ada' }, expect: { output: { greeting: 'Hello, Bob!', letters: 3 }, nodes: { measure: { output: { letters: 4 } } } } },
      ],
    });
    const res = await weft(['test', spec]);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/^PASS {2}right/m);
    expect(res.stdout).toMatch(/^FAIL {2}wrong/m);
    expect(res.stdout).toContain('output $.greeting: expected "Hello, Bob!", got "Hello, Ada!"');
    expect(res.stdout).toContain('node measure output $.letters: expected 4, got 3');
    expect(res.stdout).toContain('1 passed, 1 failed, 2 total');
  });

  it('lists runs, shows one with its nodes, prints its log, and previews a re-run from a node', async () => {
    const wf = await stack.createWorkflow({ ...hello, name: `listed ${randomBytes(3).toString('hex')}` });
    const run = await stack.waitForRun(await stack.startRun(wf, { name: 'Lin' }));
    expect(run.status).toBe('completed');

    const list = await weft(['runs', 'list', '--workflow', wf, '--status', 'completed']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^RUN +WORKFLOW +VERSION +STATUS/m);
    expect(list.stdout).toContain(`${run.id}  ${wf}  1`);

    const show = await weft(['runs', 'show', run.id]);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/^ {2}greet +analysis\.transform +succeeded +1 /m);

    const logs = await weft(['runs', 'logs', run.id]);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toMatch(/succeeded +greet attempt 1/);
    expect(logs.stdout).toMatch(/run +\{"status":"completed"\}/);

    const dry = await weft(['rerun', run.id, '--from', 'greet', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`would re-run ${run.id} version 1 from greet`);
    expect(dry.stdout).toMatch(/run again: greet, result/);
    expect(dry.stdout).toMatch(/reused: +start, measure/);
    expect((await stack.api('GET', `/api/runs?workflowId=${wf}`)).json.items).toHaveLength(1); // a dry run starts nothing
  });

  it('cancels a run that waits for an approval', async () => {
    const wf = await stack.createWorkflow({
      schemaVersion: 1,
      name: `approval ${randomBytes(3).toString('hex')}`,
      nodes: [
        { id: 'start', type: 'control.trigger' },
        { id: 'manager', type: 'security.approval', params: { title: 'Approve?', timeout: '1h' } },
      ],
      edges: [{ id: 'e1', source: 'start', target: 'manager' }],
    });
    const runId = await stack.startRun(wf);
    const deadline = Date.now() + 30_000;
    while ((await stack.api('GET', `/api/runs/${runId}`)).json.status !== 'waiting') {
      if (Date.now() > deadline) throw new Error('the run never waited for its approval');
      await new Promise((r) => setTimeout(r, 100));
    }
    const res = await weft(['cancel', runId]);
    expect(res.code).toBe(0);
    expect(res.stdout.trim()).toBe(`cancelling ${runId}`);
    expect((await stack.waitForRun(runId)).status).toBe('cancelled');

    const again = await weft(['cancel', runId]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^run_finished: /m);
  });

  it('creates a token offline on the database and audits it as token.create by the operating-system user', async () => {
    // No running Weft in this data dir and no DATABASE_URL: the command opens the embedded database itself.
    const dataDir = mkdtempSync(join(tmpdir(), 'weft-offline-'));
    try {
      const res = await weft(['token', 'create', '--role', 'operator', '--name', 'deploy bot'], { WEFT_DATA_DIR: dataDir, DATABASE_URL: undefined, WEFT_URL: undefined, WEFT_TOKEN: undefined });
      expect(res.code).toBe(0);
      const token = res.stdout.trim();
      expect(token).toMatch(/^weft_/);
      const database = await openDatabase({ kind: 'pglite', dataDir: join(dataDir, 'pgdata') });
      try {
        const row = await database.db.selectFrom('api_token').select(['id', 'token_hash']).executeTakeFirstOrThrow();
        expect(row.token_hash).toBe(hashToken(token));
        const events = await database.db.selectFrom('audit_event').selectAll().execute();
        expect(events).toMatchObject([{ actor: `cli:${userInfo().username}`, action: 'token.create', target: row.id, details: { role: 'operator', name: 'deploy bot', expiresAt: null } }]);
        expect(JSON.stringify(events)).not.toContain(token);
      } finally {
        await database.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
