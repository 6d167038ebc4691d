import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import { createToken } from './auth/tokens.js';
import { openDatabase, type OpenDatabase } from '@weft/store';
import { appendAudit, auditHash, GENESIS_HASH, verifyAuditChain } from '@weft/store/repositories/audit.repository';
import { generateSecretKey } from '@weft/store';
import { runsWithoutTemporal } from './testing/no-temporal.js';
import { builtinRegistry } from '@weft/nodes/executors';

const hello = JSON.parse(readFileSync(new URL('../../examples/hello.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const CLI = new URL('../dist/cli.js', import.meta.url).pathname;

let database: OpenDatabase;
let app: ReturnType<typeof createApp>;
let admin = '';
let adminId = '';

beforeAll(async () => {
  database = await openDatabase({ kind: 'pglite' });
  app = createApp({ db: database.db, registry: builtinRegistry(), runs: runsWithoutTemporal('run_audited'), secretKey: generateSecretKey(), rateLimitPerMinute: 0 });
  const created = await createToken(database.db, { role: 'admin', name: 'auditor' });
  admin = created.token;
  adminId = created.id;
});
afterAll(async () => {
  await database.close();
});

async function call(method: string, path: string, body?: unknown, token = admin) {
  const res = await app.request(path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: res.status === 204 ? null : ((await res.json()) as any) };
}

describe('the audit log', () => {
  it('records every mutation as a chained event, listed with filters and cursors', async () => {
    const wf = await call('POST', '/api/workflows', hello);
    expect(wf.status).toBe(201);
    expect((await call('PUT', `/api/workflows/${wf.json.id}`, hello)).status).toBe(200);
    expect((await call('POST', '/api/workflows/import', hello)).status).toBe(201);
    expect((await call('POST', `/api/workflows/${wf.json.id}/runs`, { input: {} })).status).toBe(202);
    expect((await call('PUT', '/api/secrets/API_KEY', { value: 's3cret', hosts: ['api.example.com'] })).status).toBe(201);
    expect((await call('DELETE', '/api/secrets/API_KEY')).status).toBe(204);
    const tok = await call('POST', '/api/tokens', { role: 'viewer', name: 'temp' });
    expect(tok.status).toBe(201);
    expect(tok.json.token).toMatch(/^weft_/);
    expect((await call('DELETE', `/api/tokens/${tok.json.id}`)).status).toBe(200);
    // The revoked token no longer works.
    expect((await call('GET', '/api/workflows', undefined, tok.json.token)).status).toBe(401);
    expect((await call('POST', '/api/collections', { name: 'audited' })).status).toBe(201);

    const all = await call('GET', '/api/audit?limit=500');
    expect(all.status).toBe(200);
    const actions = (all.json.items as { action: string }[]).map((e) => e.action).reverse();
    expect(actions).toEqual(['workflow.create', 'workflow.update', 'workflow.import', 'run.start', 'secret.written', 'secret.deleted', 'token.create', 'token.revoke', 'collection.create']);
    expect(all.json.nextCursor).toBeNull();
    const events = [...all.json.items].reverse() as { id: number; at: string; actor: string; action: string; target: string; details: unknown; prevHash: string; hash: string }[];
    let prev = GENESIS_HASH;
    for (const e of events) {
      expect(e.actor).toBe(adminId);
      expect(e.prevHash).toBe(prev);
      expect(e.hash).toBe(auditHash(prev, e));
      prev = e.hash;
    }
    // A secret's value is never in the log.
    expect(JSON.stringify(events)).not.toContain('s3cret');

    const byAction = await call('GET', '/api/audit?action=token.revoke');
    expect(byAction.json.items).toHaveLength(1);
    expect(byAction.json.items[0].target).toBe(tok.json.id);
    expect((await call('GET', `/api/audit?actor=${adminId}&target=${wf.json.id}`)).json.items.map((e: any) => e.action)).toEqual(['workflow.update', 'workflow.create']);
    expect((await call('GET', `/api/audit?from=${new Date(Date.now() + 60_000).toISOString()}`)).json.items).toEqual([]);

    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await call('GET', `/api/audit?limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      pages.push(...page.json.items.map((e: any) => e.action));
      cursor = page.json.nextCursor;
    } while (cursor);
    expect(pages).toEqual([...actions].reverse());
    expect((await call('GET', '/api/audit?cursor=not-a-cursor')).status).toBe(400);

    expect(await verifyAuditChain(database.db)).toEqual({ ok: true, count: events.length });
  });

  it('answers token lists without hashes', async () => {
    const list = await call('GET', '/api/tokens');
    expect(list.status).toBe(200);
    for (const t of list.json.items) {
      expect(Object.keys(t).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name', 'revokedAt', 'role']);
    }
    expect(list.json.items.find((t: any) => t.id === adminId).lastUsedAt).not.toBeNull();
  });

  it('finds an event whose row was changed with SQL, and a broken link', async () => {
    const target = await database.db.selectFrom('audit_event').select('id').where('action', '=', 'secret.written').executeTakeFirstOrThrow();
    await sql`update audit_event set details = ${JSON.stringify({ name: 'OTHER' })}::jsonb where id = ${target.id}`.execute(database.db);
    const result = await verifyAuditChain(database.db);
    expect(result).toMatchObject({ ok: false, id: Number(target.id) });
    expect((result as { reason: string }).reason).toContain('changed');
    // Pages of one event find it too.
    expect(await verifyAuditChain(database.db, 1)).toMatchObject({ ok: false, id: Number(target.id) });
  });
});

describe('weft audit verify', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-audit-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const verify = () => {
    const env: NodeJS.ProcessEnv = { ...process.env, WEFT_DATA_DIR: dir };
    delete env['DATABASE_URL'];
    return spawnSync(process.execPath, [CLI, 'audit', 'verify'], { env, encoding: 'utf8', timeout: 60_000 });
  };

  it('exits 0 for an intact chain and 1 naming the first changed event', async () => {
    let db = await openDatabase({ kind: 'pglite', dataDir: join(dir, 'pgdata') });
    for (let i = 0; i < 3; i++) await appendAudit(db.db, { actor: 'tok_cli', action: 'workflow.update', target: 'wf_cli', details: { version: i + 1 } });
    const second = Number((await db.db.selectFrom('audit_event').select('id').orderBy('id').offset(1).limit(1).executeTakeFirstOrThrow()).id);
    await db.close();

    const ok = verify();
    expect(ok.stderr).not.toMatch(/broken/);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('audit log intact: 3 event(s)');

    db = await openDatabase({ kind: 'pglite', dataDir: join(dir, 'pgdata') });
    await sql`update audit_event set target = 'wf_other' where id = ${second}`.execute(db.db);
    await db.close();

    const broken = verify();
    expect(broken.status).toBe(1);
    expect(broken.stderr).toContain(`audit log broken at event ${second}`);
  }, 120_000);
});
