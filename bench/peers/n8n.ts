// n8n 2.8, installed by bench/peers/install.sh: started on SQLite in a temporary user folder,
// with its defaults otherwise (every execution saved; Code nodes in its internal task runner, a
// child process, which 2.x always uses). The owner is set up and logged in over its REST API
// (`/rest/owner/setup`, `/rest/login`: a cookie), each workload is created (`POST
// /rest/workflows`) and published (`POST /rest/workflows/:id/activate` with its versionId), and
// called at its production webhook URL: a Webhook trigger answering when the last node finishes.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@weft/server';
import { environment, peerEntry, PEERS_DIR, requestJson, startServer, waitUntil, type Server } from './process.js';
import { FIB_SOURCE, type Workload } from './workloads.js';
import type { Call } from './weft.js';

const OWNER = { email: 'bench@example.com', firstName: 'Bench', lastName: 'Mark', password: 'Bench-peers-1' };

/** Whether n8n is installed. */
export function n8nInstalled(): boolean {
  return peerEntry('n8n', 'bin/n8n') !== undefined;
}

/** A running n8n, logged in. */
export interface N8nServer {
  readonly url: string;
  /** Creates and publishes the workload's workflow; returns its caller. */
  deploy(w: Workload): Promise<(body: unknown) => Promise<Call>>;
  stop(): Promise<void>;
}

interface N8nNode {
  id: string;
  name: string;
  type: string;
  typeVersion: number;
  position: [number, number];
  parameters: Record<string, unknown>;
  webhookId?: string;
}

/** Webhook (POST /webhook/<path>, answering with the last node's first item) → NoOp or Code nodes (JavaScript, once for all items). */
export function n8nWorkflow(w: Workload, path: string): { name: string; nodes: N8nNode[]; connections: Record<string, unknown>; settings: Record<string, unknown> } {
  const nodes: N8nNode[] = [
    { id: randomUUID(), name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: randomUUID(), parameters: { httpMethod: 'POST', path, responseMode: 'lastNode', responseData: 'firstEntryJson', options: {} } },
  ];
  for (let i = 1; i <= w.count; i++) {
    const position: [number, number] = [i * 200, 0];
    nodes.push(
      w.fib === undefined
        ? { id: randomUUID(), name: `NoOp ${i}`, type: 'n8n-nodes-base.noOp', typeVersion: 1, position, parameters: {} }
        : { id: randomUUID(), name: `Code ${i}`, type: 'n8n-nodes-base.code', typeVersion: 2, position, parameters: { mode: 'runOnceForAllItems', language: 'javaScript', jsCode: `${FIB_SOURCE}\nreturn [{ json: { value: fib(${w.fib}) } }];` } },
    );
  }
  const connections: Record<string, unknown> = {};
  for (let i = 0; i < nodes.length - 1; i++) connections[nodes[i]!.name] = { main: [[{ node: nodes[i + 1]!.name, type: 'main', index: 0 }]] };
  return { name: `bench peers: ${w.title}`, nodes, connections, settings: { executionOrder: 'v1' } };
}

/** Starts n8n on free ports with a fresh user folder (SQLite) and logs in as its owner. */
export async function startN8n(): Promise<N8nServer> {
  const bin = peerEntry('n8n', 'bin/n8n');
  if (!bin) throw new Error('n8n is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'weft-bench-n8n-'));
  const [port, brokerPort] = [await freePort(), await freePort()];
  const server: Server = startServer([bin, 'start'], {
    cwd: PEERS_DIR,
    env: environment(['N8N_', 'DB_', 'EXECUTIONS_', 'QUEUE_', 'WEBHOOK_URL'], {
      N8N_USER_FOLDER: dir,
      N8N_PORT: String(port),
      N8N_LISTEN_ADDRESS: '127.0.0.1',
      N8N_HOST: '127.0.0.1',
      N8N_PROTOCOL: 'http',
      N8N_SECURE_COOKIE: 'false',
      N8N_LOG_LEVEL: 'warn',
      N8N_DIAGNOSTICS_ENABLED: 'false',
      N8N_PERSONALIZATION_ENABLED: 'false',
      N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
      N8N_TEMPLATES_ENABLED: 'false',
      N8N_HIRING_BANNER_ENABLED: 'false',
      // 2.x runs Code nodes in task runners only (N8N_RUNNERS_ENABLED is gone); internal mode:
      // n8n starts the JavaScript runner as its child, on a broker port of its own here.
      N8N_RUNNERS_MODE: 'internal',
      N8N_RUNNERS_BROKER_PORT: String(brokerPort),
      DB_TYPE: 'sqlite',
    }),
    logFile: join(dir, 'n8n.log'),
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // Migrations and node loading take a while on first start. /healthz/readiness answers once the
    // database is migrated, before the REST routes are mounted, and until they are every path
    // answers 200 with a "starting up" page: ready is /rest/settings answering JSON.
    await waitUntil(server, 'n8n', async () => ((await fetch(`${url}/rest/settings`)).headers.get('content-type') ?? '').includes('json'), 300_000);
    await requestJson(`${url}/rest/owner/setup`, { method: 'POST', json: OWNER });
    const login = await requestJson(`${url}/rest/login`, { method: 'POST', json: { emailOrLdapLoginId: OWNER.email, password: OWNER.password } });
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    if (!cookie.includes('n8n-auth=')) throw new Error(`n8n: the login set no n8n-auth cookie (${login.headers.get('content-type')}: ${JSON.stringify(login.body).slice(0, 200)})`);
    let hooks = 0;
    return {
      url,
      async deploy(w) {
        const path = `bench-${++hooks}-${w.key}`;
        const created = await requestJson<{ data: { id: string; versionId: string } }>(`${url}/rest/workflows`, { method: 'POST', headers: { cookie }, json: n8nWorkflow(w, path) });
        const { id, versionId } = created.body.data;
        await requestJson(`${url}/rest/workflows/${id}/activate`, { method: 'POST', headers: { cookie }, json: { versionId } });
        return async (body) => {
          const t = performance.now();
          const res = await requestJson<unknown>(`${url}/webhook/${path}`, { method: 'POST', json: body });
          return { ms: performance.now() - t, answer: res.body };
        };
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
