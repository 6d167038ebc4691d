import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunView, WorkflowSummary } from '@weft/schemas';
import { findTemporalCli } from './temporal/dev-server.js';
import { CLI } from './testing/worker-process.js';

const dataDir = mkdtempSync(join(tmpdir(), 'weft-start-'));
const env: NodeJS.ProcessEnv = { ...process.env, WEFT_LOG_LEVEL: 'info', WEFT_DATA_DIR: dataDir, WEFT_PORT: '0', WEFT_TEMPORAL_PORT: '0', WEFT_TEMPORAL_UI_PORT: '0' };
delete env['DATABASE_URL'];
delete env['TEMPORAL_ADDRESS'];

/** Processes whose command line mentions the data dir: the Temporal dev server among them. */
function processesUsing(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(dir)) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

async function start(): Promise<{ child: ChildProcess; url: string; log: () => string }> {
  const child = spawn(process.execPath, [CLI, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (b: Buffer) => (log += b.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /^(http:\/\/\S+)$/m.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`weft start exited with ${code}:\n${log}`)));
  });
  return { child, url, log: () => log };
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGINT');
  return exited;
}

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('weft start (the embedded product)', () => {
  it('prints one URL, stops every child on Ctrl-C, and finds its workflows, runs and tokens after a restart', async () => {
    const first = await start();
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(first.log()).toContain('loaded example workflows');
    expect(processesUsing(dataDir).length).toBeGreaterThanOrEqual(1); // the Temporal dev server

    // The CLI creates a token through the running instance, which holds the embedded database.
    const token = execFileSync(process.execPath, [CLI, 'token', 'create', '--role', 'admin'], { env, encoding: 'utf8' });
    expect(token).toMatch(/^weft_[A-Za-z0-9_-]{43}\n$/);
    const auth = { authorization: `Bearer ${token.trim()}` };

    const list = (await (await fetch(`${first.url}/api/workflows`, { headers: auth })).json()) as { items: WorkflowSummary[] };
    const hello = list.items.find((w) => w.name === 'Hello, Weft');
    expect(hello, 'examples/hello.json is loaded on start').toBeTruthy();
    const started = await fetch(`${first.url}/api/workflows/${hello!.id}/runs`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ input: { name: 'Lin' } }),
    });
    const { runId } = (await started.json()) as { runId: string };
    let run: RunView | undefined;
    for (let i = 0; i < 100 && run?.status !== 'completed'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      run = (await (await fetch(`${first.url}/api/runs/${runId}`, { headers: auth })).json()) as RunView;
    }
    expect(run?.output).toEqual({ greeting: 'Hello, Lin!', letters: 3 });

    expect(await stop(first.child)).toBe(0);
    expect(processesUsing(dataDir)).toEqual([]);
    expect(existsSync(join(dataDir, 'control.json'))).toBe(false);
    expect(existsSync(join(dataDir, 'temporal.db'))).toBe(true);
    // Issue 15, point 10: the data, PGlite's and Temporal's files included, is the owner's only.
    const openToOthers: string[] = [];
    const walk = (path: string): void => {
      const { mode } = statSync(path);
      if ((mode & 0o077) !== 0) openToOthers.push(`${path} ${(mode & 0o777).toString(8)}`);
      if (statSync(path).isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
    };
    walk(dataDir);
    expect(openToOthers).toEqual([]);
    expect(readdirSync(dataDir)).toEqual(expect.arrayContaining(['pgdata', 'secret.key', 'temporal.db']));

    const second = await start();
    try {
      expect(second.log()).not.toContain('loaded example workflows'); // not loaded twice
      const again = (await (await fetch(`${second.url}/api/workflows`, { headers: auth })).json()) as { items: WorkflowSummary[] };
      expect(again.items.map((w) => w.id)).toEqual([hello!.id]);
      const kept = (await (await fetch(`${second.url}/api/runs/${runId}`, { headers: auth })).json()) as RunView;
      expect(kept).toMatchObject({ status: 'completed', output: { greeting: 'Hello, Lin!', letters: 3 } });
      // Temporal kept the run's history in its SQLite file too.
      const address = /Temporal dev server at ([^\s"]+)/.exec(second.log())?.[1];
      expect(address).toBeTruthy();
      // The run was recorded complete just before its workflow closed; if the first instance
      // stopped in between, the restarted worker finishes closing it. Poll Temporal for that.
      let status = '';
      for (let i = 0; i < 100 && !/COMPLETED/.test(status); i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, 200));
        const described = execFileSync(findTemporalCli(process.env['TEMPORAL_CLI'])!, ['workflow', 'describe', '--workflow-id', runId, '--address', address!, '--output', 'json'], {
          encoding: 'utf8',
        });
        status = String(JSON.parse(described).workflowExecutionInfo.status);
      }
      expect(status).toMatch(/COMPLETED/);
    } finally {
      expect(await stop(second.child)).toBe(0);
    }
    expect(processesUsing(dataDir)).toEqual([]);
  });
});
