// Node-RED 4.1, installed by bench/peers/install.sh: started with a settings file in a temporary
// user dir, flows deployed through its admin API (`POST /flows`), each workload an
// `http in` → nodes → `http response` flow called at its URL.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@weft/server';
import { environment, peerEntry, PEERS_DIR, requestJson, startServer, waitUntil, type Server } from './process.js';
import { FIB_SOURCE, type Workload } from './workloads.js';
import type { Call } from './weft.js';

/** The installed version, or undefined when Node-RED is not installed. */
export function nodeRedInstalled(): boolean {
  return peerEntry('node-red', 'red.js') !== undefined;
}

/** A running Node-RED. */
export interface NodeRedServer {
  readonly url: string;
  /** Deploys the flows of every workload at once (a full deploy); returns a caller per workload key. */
  deploy(ws: readonly Workload[]): Promise<Record<string, (body: unknown) => Promise<Call>>>;
  stop(): Promise<void>;
}

type FlowNode = Record<string, unknown> & { id: string; type: string };

/** One tab: `http in` (POST /<key>) → the workload's nodes → `http response`. No-ops are `change` nodes without rules. */
export function nodeRedFlow(w: Workload): FlowNode[] {
  const tab = `tab-${w.key}`;
  const id = (i: number | string) => `${w.key}-${i}`;
  const nodes: FlowNode[] = [{ id: tab, type: 'tab', label: w.title, disabled: false, info: '' }];
  const wire = (i: number | string) => [[id(i)]];
  nodes.push({ id: id('in'), type: 'http in', z: tab, name: '', url: `/${w.key}`, method: 'post', upload: false, swaggerDoc: '', x: 100, y: 100, wires: wire(1) });
  for (let i = 1; i <= w.count; i++) {
    const next = i === w.count ? wire('out') : wire(i + 1);
    const at = { z: tab, x: 100 + i * 20, y: 200 };
    nodes.push(
      w.fib === undefined
        ? { id: id(i), type: 'change', name: '', rules: [], ...at, wires: next }
        : { id: id(i), type: 'function', name: '', func: `${FIB_SOURCE}\nmsg.payload = { value: fib(${w.fib}) };\nreturn msg;`, outputs: 1, timeout: 0, noerr: 0, initialize: '', finalize: '', libs: [], ...at, wires: next },
    );
  }
  nodes.push({ id: id('out'), type: 'http response', z: tab, name: '', statusCode: '', headers: {}, x: 100, y: 300, wires: [] });
  return nodes;
}

/** Starts Node-RED on a free port with its own user dir; logs at warn. */
export async function startNodeRed(): Promise<NodeRedServer> {
  const entry = peerEntry('node-red', 'red.js');
  if (!entry) throw new Error('Node-RED is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'weft-bench-node-red-'));
  const port = await freePort();
  const settings = join(dir, 'settings.cjs');
  writeFileSync(
    settings,
    `module.exports = ${JSON.stringify({
      uiHost: '127.0.0.1',
      uiPort: port,
      userDir: dir,
      flowFile: 'flows.json',
      credentialSecret: false,
      httpAdminRoot: '/',
      httpNodeRoot: '/',
      logging: { console: { level: 'warn', metrics: false, audit: false } },
      diagnostics: { enabled: false, ui: false },
      telemetry: { enabled: false, updateNotification: false },
      externalModules: { autoInstall: false, palette: { allowInstall: false }, modules: { allowInstall: false } },
      functionExternalModules: false,
      editorTheme: { tours: false, projects: { enabled: false } },
    })};\n`,
  );
  const server: Server = startServer([entry, '--settings', settings, '--userDir', dir, '--port', String(port)], { cwd: PEERS_DIR, env: environment(['NODE_RED_'], {}), logFile: join(dir, 'node-red.log') });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntil(server, 'Node-RED', async () => (await fetch(`${url}/flows`)).ok);
    return {
      url,
      async deploy(ws) {
        await requestJson(`${url}/flows`, { method: 'POST', headers: { 'node-red-deployment-type': 'full', 'node-red-api-version': 'v1' }, json: ws.flatMap(nodeRedFlow) });
        // The deploy can answer before its http-in routes are listening: wait until each answers.
        for (const w of ws) await waitUntil(server, `Node-RED's /${w.key}`, async () => (await fetch(`${url}/${w.key}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status !== 404, 30_000);
        return Object.fromEntries(
          ws.map((w) => [
            w.key,
            async (body: unknown): Promise<Call> => {
              const t = performance.now();
              const res = await requestJson<unknown>(`${url}/${w.key}`, { method: 'POST', json: body });
              return { ms: performance.now() - t, answer: res.body };
            },
          ]),
        );
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
