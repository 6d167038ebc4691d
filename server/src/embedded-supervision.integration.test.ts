import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunView, WorkflowInput } from '@weft/schemas';
import { findProcesses, isRunning, readProcess } from './os/processes.js';
import { controlFilePath } from './runtime/control-file.js';
import { devServerPidFile, findTemporalCli, freePort } from './temporal/dev-server.js';
import { Receiver } from './testing/receiver.js';
import { CLI } from './testing/worker-process.js';

const dataDir = mkdtempSync(join(tmpdir(), 'weft-supervise-'));
const dbFile = join(dataDir, 'temporal.db');
const env: NodeJS.ProcessEnv = {
  ...process.env,
  WEFT_LOG_LEVEL: 'info',
  WEFT_DATA_DIR: dataDir,
  WEFT_PORT: '0',
  WEFT_TEMPORAL_PORT: '0',
  WEFT_TEMPORAL_UI_PORT: '0',
  WEFT_HTTP_ALLOW_HOSTS: '127.0.0.1',
};
delete env['DATABASE_URL'];
delete env['TEMPORAL_ADDRESS'];
const hasSetpriv = (process.env['PATH'] ?? '').split(':').some((dir) => dir && readdirSafe(dir).includes('setpriv'));

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

interface Weft {
  child: ChildProcess;
  url: string;
  out: () => string;
  log: () => string;
  exited: Promise<number | null>;
}

async function start(extra: NodeJS.ProcessEnv = {}): Promise<Weft> {
  // Its own process group, as in a terminal, so Ctrl-C below reaches the whole group.
  const child = spawn(process.execPath, [CLI, 'start'], { env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let log = '';
  let out = '';
  child.stderr!.on('data', (b: Buffer) => (log += b.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /^(http:\/\/\S+)$/m.exec(out);
      if (m) resolve(m[1]!);
    });
    void exited.then((code) => reject(new Error(`weft start exited with ${code}:\n${log}`)));
  });
  return { child, url, out: () => out, log: () => log, exited };
}

async function waitFor(what: string, test: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Processes whose command line names the data dir: the Temporal dev server among them. */
const processesUsing = (dir: string) => findProcesses((argv) => argv.some((a) => a.includes(dir))).map((p) => p.pid);
const temporalPid = () => (JSON.parse(readFileSync(devServerPidFile(dbFile), 'utf8')) as { pid: number }).pid;
const count = (text: string, re: RegExp) => text.match(re)?.length ?? 0;

let auth: Record<string, string> = {};
async function api<T>(weft: Weft, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${weft.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}
const createWorkflow = async (weft: Weft, doc: WorkflowInput) => (await api<{ id: string }>(weft, '/api/workflows', doc)).id;
const startRun = async (weft: Weft, workflowId: string, input: unknown = {}) => (await api<{ runId: string }>(weft, `/api/workflows/${workflowId}/runs`, { input })).runId;
async function runEnds(weft: Weft, runId: string): Promise<RunView> {
  let run: RunView | undefined;
  await waitFor(`run ${runId}`, async () => {
    run = await api<RunView>(weft, `/api/runs/${runId}`);
    return run.status === 'completed' || run.status === 'failed';
  });
  return run!;
}

const waiting: WorkflowInput = {
  schemaVersion: 1,
  name: 'waits',
  nodes: [
    { id: 'start', type: 'control.trigger' },
    { id: 'wait', type: 'control.wait', params: { duration: '4s' } },
    { id: 'out', type: 'control.output', params: { value: 'waited' } },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'wait' },
    { id: 'e2', source: 'wait', target: 'out' },
  ],
};
const calling = (url: string): WorkflowInput => ({
  schemaVersion: 1,
  name: 'calls a slow service',
  nodes: [
    { id: 'start', type: 'control.trigger' },
    { id: 'call', type: 'execution.http', params: { method: 'POST', url: `${url}/slow?delay=3000`, body: '{{ { "run": $run.id } }}' } },
    { id: 'out', type: 'control.output', params: { value: '{{ $nodes.call.output.body.effects }}' } },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'call' },
    { id: 'e2', source: 'call', target: 'out' },
  ],
});

const receiver = await new Receiver().start();
afterAll(async () => {
  await receiver.close();
  for (const pid of processesUsing(dataDir)) process.kill(pid, 'SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe.sequential('weft start supervises its Temporal dev server', () => {
  let slowRun = '';

  it('restarts a killed Temporal with one log line, and runs in flight and new ones complete', async () => {
    const weft = await start();
    auth = { authorization: `Bearer ${execFileSync(process.execPath, [CLI, 'token', 'create', '--role', 'admin'], { env, encoding: 'utf8' }).trim()}` };
    const waits = await createWorkflow(weft, waiting);
    const hello = (await api<{ items: { id: string; name: string }[] }>(weft, '/api/workflows')).items.find((w) => w.name === 'Hello, Weft')!.id;
    const inFlight = await startRun(weft, waits);
    await waitFor('the run to wait', async () => (await api<RunView>(weft, `/api/runs/${inFlight}`)).status === 'running');

    const killed = temporalPid();
    process.kill(killed, 'SIGKILL');
    await waitFor('the restart', () => weft.log().includes('Temporal dev server restarted'));
    expect(count(weft.log(), /Temporal dev server exited \(signal SIGKILL\); restarting it on \S+ \(attempt 1 of 5\)/g)).toBe(1);
    expect(temporalPid()).not.toBe(killed);

    expect(await runEnds(weft, await startRun(weft, hello, { name: 'Ada' }))).toMatchObject({ status: 'completed', output: { greeting: 'Hello, Ada!' } });
    expect(await runEnds(weft, inFlight)).toMatchObject({ status: 'completed', output: 'waited' });

    // The HTTP node of this run is still waiting on its service when Ctrl-C comes.
    slowRun = await startRun(weft, await createWorkflow(weft, calling(receiver.url)));
    await waitFor('the service call', () => receiver.log.length === 1);
    const asked = Date.now();
    // A terminal's Ctrl-C: SIGINT to every process of the foreground group.
    process.kill(-weft.child.pid!, 'SIGINT');
    expect(await weft.exited).toBe(0);
    // The call takes 3 s; Temporal stops only after the worker has reported it.
    expect(Date.now() - asked).toBeLessThan(10_000);
    expect(weft.log()).not.toContain('Network error while completing activity');
    expect(weft.log()).toMatch(/"msg":"stopped"/);
    expect(processesUsing(dataDir)).toEqual([]);
    // Weft's own output stays JSON, one object a line; Temporal's goes to its log file.
    expect(weft.out()).toBe(`${weft.url}\n`);
    for (const line of weft.log().trim().split('\n')) expect(() => JSON.parse(line) as unknown, line).not.toThrow();
    expect(readdirSync(dataDir)).toContain('temporal.log');
  }, 240_000);

  it('a Weft killed outright takes its Temporal with it; a leftover Temporal or a zombie pid does not block the next start', async () => {
    const weft = await start();
    // The attempt finished during the last shutdown; the workflow closes on this start.
    expect(await runEnds(weft, slowRun)).toMatchObject({ status: 'completed', output: 1 });
    expect(receiver.keys.size).toBe(1);

    const temporal = temporalPid();
    const { startTime } = readProcess(temporal)!;
    weft.child.kill('SIGKILL');
    await weft.exited;
    if (hasSetpriv) await waitFor('the Temporal child to die with its parent', () => !isRunning(temporal, startTime), 5_000);

    // What a killed Weft without a parent-death signal leaves: a Temporal holding the file and
    // the port, and a control file. Here it names a zombie: dead, not yet reaped by its parent.
    for (const pid of processesUsing(dataDir)) process.kill(pid, 'SIGKILL');
    const port = await freePort();
    const ports = [await freePort(), await freePort()];
    const orphan = spawn(findTemporalCli(process.env['TEMPORAL_CLI'])!, ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port), '--http-port', String(ports[0]), '--metrics-port', String(ports[1]), '--db-filename', dbFile], {
      detached: true,
      stdio: 'ignore',
    });
    orphan.unref();
    const zombieParent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 60'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const zombie = await new Promise<number>((resolve) => zombieParent.stdout.once('data', (b: Buffer) => resolve(Number(b.toString().trim()))));
    await waitFor('the zombie', () => readProcess(zombie)?.state === 'Z');
    writeFileSync(controlFilePath(dataDir), JSON.stringify({ pid: zombie, url: 'http://127.0.0.1:1', key: 'stale' }));
    await waitFor('the leftover Temporal to listen', () => portTaken(port));

    const next = await start({ WEFT_TEMPORAL_PORT: String(port) });
    zombieParent.kill('SIGKILL');
    expect(next.log()).toContain(`an earlier start left running on ${dbFile} (pid ${orphan.pid})`);
    expect(isRunning(orphan.pid!)).toBe(false);
    const hello = (await api<{ items: { id: string; name: string }[] }>(next, '/api/workflows')).items.find((w) => w.name === 'Hello, Weft')!.id;
    expect(await runEnds(next, await startRun(next, hello, { name: 'Bo' }))).toMatchObject({ status: 'completed' });

    // A Temporal that cannot start again stops Weft after five tries. Its file is moved aside (the
    // running server keeps it open) and a directory takes its name, which SQLite cannot open.
    renameSync(dbFile, `${dbFile}.aside`);
    mkdirSync(dbFile);
    process.kill(temporalPid(), 'SIGKILL');
    expect(await next.exited).toBe(1);
    expect(count(next.log(), /"msg":"Temporal dev server did not start again/g)).toBe(4);
    expect(next.log()).toMatch(/"level":"error".*the Temporal dev server did not start again .* after 5 restarts within 10 minutes, so Weft stops/);
    expect(processesUsing(dataDir)).toEqual([]);
  }, 240_000);
});

function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(true));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(false)));
  });
}
