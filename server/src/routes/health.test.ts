import { Client, Connection } from '@temporalio/client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase, type OpenDatabase } from '@weft/store';
import { freePort } from '../temporal/dev-server.js';
import { healthRoutes } from './health.js';

// Healthy Temporal is covered with a real server in operations.integration.test.ts.

let database: OpenDatabase;
let unreachable: Client;

beforeAll(async () => {
  database = await openDatabase({ kind: 'pglite' });
  // Nothing listens there; not closed, as the client's retry timer would then throw from a closed channel.
  unreachable = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${await freePort()}` }) });
});
afterAll(async () => {
  await database.close();
});

/** Makes the database refuse writes while it still answers reads, as a full disk or a standby does. */
async function readOnly(on: boolean) {
  await database.pglite!.exec(`set default_transaction_read_only = ${on ? 'on' : 'off'}`);
}
afterEach(async () => {
  vi.useRealTimers();
  await readOnly(false);
});

async function ready(app: ReturnType<typeof healthRoutes>) {
  const res = await app.request('/readyz');
  return { status: res.status, body: (await res.json()) as { status: string; checks: Record<string, { ok: boolean; error?: string }> } };
}

describe('/readyz', () => {
  it('answers 200 when the database takes a write', async () => {
    const r = await ready(healthRoutes({ db: database.db, readyCacheMs: 0 }));
    expect(r).toEqual({ status: 200, body: { status: 'ok', checks: { database: { ok: true } } } });
  });

  it('answers 503 naming the database when it answers reads but refuses writes', async () => {
    await readOnly(true);
    await database.db.selectFrom('health_probe').selectAll().execute();
    const r = await ready(healthRoutes({ db: database.db, readyCacheMs: 0 }));
    expect(r.status).toBe(503);
    expect(r.body.status).toBe('degraded');
    expect(r.body.checks['database']!.ok).toBe(false);
    expect(r.body.checks['database']!.error).toMatch(/^The database cannot take writes: .*read-only transaction/);
  });

  it('answers 503 naming Temporal when it does not answer, within the timeout', async () => {
    const started = Date.now();
    const r = await ready(healthRoutes({ db: database.db, temporal: unreachable, readyTimeoutMs: 1000, readyCacheMs: 0 }));
    expect(r.status).toBe(503);
    expect(r.body.status).toBe('degraded');
    expect(r.body.checks['database']).toEqual({ ok: true });
    expect(r.body.checks['temporal']!.ok).toBe(false);
    expect(r.body.checks['temporal']!.error).toMatch(/^Temporal does not answer: /);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('names both when neither the database nor Temporal can work', async () => {
    await readOnly(true);
    const r = await ready(healthRoutes({ db: database.db, temporal: unreachable, readyTimeoutMs: 1000, readyCacheMs: 0 }));
    expect(r.status).toBe(503);
    expect(Object.entries(r.body.checks).map(([name, c]) => [name, c.ok])).toEqual([
      ['database', false],
      ['temporal', false],
    ]);
  });

  it('reuses an answer for a second, then checks again', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const app = healthRoutes({ db: database.db });
    expect((await ready(app)).status).toBe(200);
    await readOnly(true);
    expect((await ready(app)).status).toBe(200);
    vi.setSystemTime(Date.now() + 1001);
    expect((await ready(app)).status).toBe(503);
    await readOnly(false);
    vi.setSystemTime(Date.now() + 1001);
    expect((await ready(app)).status).toBe(200);
  });

  it('keeps /healthz at 200 while not ready: it says only that the process is up', async () => {
    await readOnly(true);
    const app = healthRoutes({ db: database.db, readyCacheMs: 0 });
    expect((await ready(app)).status).toBe(503);
    expect((await app.request('/healthz')).status).toBe(200);
  });
});
