import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import type { ChaosOptions, Kill, System } from './chaos.js';
import { activeWindowMs, chaos } from './chaos.js';
import { EffectService } from './effects.js';
import { childEnv, freePort, WEFT_CLI, WeftApi } from './processes.js';
import { ApiClient } from './workload.js';

const run = promisify(execFile);

export interface EmbeddedOptions extends ChaosOptions {
  /** Kills of the whole process group. */
  readonly kills: number;
  readonly dir: string;
}

/**
 * The embedded product as `npm start` runs it (`weft start`: API, worker, PGlite and the Temporal
 * dev server in one process group), killed whole with SIGKILL `kills` times while runs are under
 * way and started again on the same data folder and ports, as a user would after a power cut.
 */
export async function embeddedChaos(o: EmbeddedOptions): Promise<Record<string, unknown>> {
  const dataDir = join(o.dir, 'data');
  // Fixed across restarts, below the ephemeral range (no outgoing connection takes them while Weft is down).
  const range = [20_000, 32_000] as const;
  const port = await freePort(range);
  const env = {
    WEFT_DATA_DIR: dataDir,
    WEFT_HOST: '127.0.0.1',
    WEFT_PORT: String(port),
    WEFT_TEMPORAL_PORT: String(await freePort(range)),
    WEFT_TEMPORAL_UI_PORT: '0',
    WEFT_HTTP_ALLOW_HOSTS: '127.0.0.1',
    WEFT_LOG_LEVEL: 'info',
  };
  const weft = new WeftApi({ name: 'weft start', args: [WEFT_CLI, 'start'], env, logFile: join(o.dir, 'weft-start.log') }, `http://127.0.0.1:${port}`);
  const effects = await new EffectService().start();
  try {
    await weft.start(180_000);
    const { stdout: token } = await run(process.execPath, [WEFT_CLI, 'token', 'create', '--role', 'admin', '--name', 'chaos'], { env: childEnv(env) });
    console.log(`weft start at ${weft.url} (data in ${dataDir}); effects at ${effects.url}; log in ${o.dir}`);
    const span = activeWindowMs(o);
    const kills: Kill[] = Array.from({ length: o.kills }, (_, i) => ({
      kind: 'process group',
      atMs: Math.round(((i + 1) / (o.kills + 1)) * span),
      run: async () => {
        await weft.kill(true);
        await weft.start(180_000);
      },
    }));
    const system: System = {
      name: 'embedded',
      client: new ApiClient([weft.url], token.trim()),
      kills,
      unexpectedExits: () => weft.unexpectedExits,
      settle: async () => {
        // PGlite serves one process: stop Weft (as Ctrl-C does), then read its database here.
        await weft.stop();
        const verifyAudit = async () => (await run(process.execPath, [WEFT_CLI, 'audit', 'verify'], { env: childEnv(env) })).stdout.trim();
        const audit = await verifyAudit();
        const db = await PGlite.create(join(dataDir, 'pgdata'), { extensions: { vector } });
        return {
          query: async (text, params = []) => (await db.query<Record<string, unknown>>(text, [...params])).rows,
          verifyAudit: () => Promise.resolve(audit),
          done: () => db.close(),
        };
      },
    };
    return await chaos(system, effects, o);
  } finally {
    await weft.stop();
    await weft.close();
    await effects.close();
  }
}
