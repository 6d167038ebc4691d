import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { openDatabase, type OpenDatabase } from '@weft/store';
import { listAudit } from '@weft/store/repositories/audit.repository';
import { getSecretValue, listSecrets, putSecret } from '@weft/store/repositories/secret.repository';
import { deleteWebhook, findWebhook, insertWebhook, webhookSecretName } from '@weft/store/repositories/trigger.repository';
import { decryptSecret, encryptSecret, formatSecretKey, generateSecretKey } from '@weft/store';
import { planRotation, rotateSecrets } from './rotate.js';
import { readKeyFile, secretKeyFile, writeKeyFile, createSecretReader } from '@weft/workers/process';

let database: OpenDatabase;
let dir: string;

beforeAll(async () => {
  database = await openDatabase({ kind: 'pglite' });
});
afterAll(async () => {
  await database.close();
});
beforeEach(async () => {
  await database.db.deleteFrom('secret').execute();
  dir = mkdtempSync(join(tmpdir(), 'weft-secrets-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the worker secret reader', () => {
  it('decrypts stored secrets and reports missing ones as absent', async () => {
    const key = generateSecretKey();
    await putSecret(database.db, key, { name: 'TOKEN', value: 'reader-value', hosts: ['api.example.com'], by: null });
    const reader = createSecretReader(database.db, key);
    expect(await reader.get('TOKEN')).toEqual({ value: 'reader-value', hosts: ['api.example.com'] });
    expect(await reader.get('MISSING')).toBeUndefined();
  });

  it('fails for good, naming the key ids, when the worker has another key', async () => {
    const key = generateSecretKey();
    const other = generateSecretKey();
    await putSecret(database.db, key, { name: 'TOKEN', value: 'reader-value', hosts: ['api.example.com'], by: null });
    await expect(createSecretReader(database.db, other).get('TOKEN')).rejects.toMatchObject({
      type: 'SecretUnreadable',
      retryable: false,
      message: expect.stringContaining(`encrypted with key ${key.id}, but this process has key ${other.id}`),
    });
  });

  it('fails for good when the worker has no key at all', async () => {
    await expect(createSecretReader(database.db, undefined).get('TOKEN')).rejects.toMatchObject({ type: 'NotConfigured', retryable: false });
  });
});

describe('key rotation', () => {
  it('re-encrypts every secret with the new key and audits it with the key ids only', async () => {
    const from = generateSecretKey();
    const to = generateSecretKey();
    for (const n of ['A', 'B', 'C']) await putSecret(database.db, from, { name: n, value: `value-${n}`, hosts: ['api.example.com'], by: null });
    expect(await rotateSecrets(database.db, from, to)).toEqual({ count: 3 });
    for (const n of ['A', 'B', 'C']) expect(await getSecretValue(database.db, to, n)).toBe(`value-${n}`);
    expect((await listSecrets(database.db)).map((s) => s.keyId)).toEqual([to.id, to.id, to.id]);
    await expect(getSecretValue(database.db, from, 'A')).rejects.toThrow(`encrypted with key ${to.id}`);
    const [event] = await listAudit(database.db, { action: 'secret.key.rotated' });
    expect(event!.details).toEqual({ from: from.id, to: to.id, count: 3 });
  });

  it('re-encrypts webhook signing secrets in the same transaction', async () => {
    const from = generateSecretKey();
    const to = generateSecretKey();
    const name = webhookSecretName('orders');
    await insertWebhook(database.db, { path: 'orders', workflowId: 'wf_x', mode: 'async', timeoutMs: 30_000, headers: [], secret: encryptSecret(from, name, 'whsec_plain'), keyId: from.id, createdBy: null });
    await rotateSecrets(database.db, from, to);
    const hook = await findWebhook(database.db, 'orders');
    expect(hook!.key_id).toBe(to.id);
    expect(decryptSecret(to, name, hook!.secret)).toBe('whsec_plain');
    expect(() => decryptSecret(from, name, hook!.secret)).toThrow();
    await deleteWebhook(database.db, 'orders');
  });

  it('writes the new key file only once the database has committed', async () => {
    const from = generateSecretKey();
    const to = generateSecretKey();
    const keyFile = secretKeyFile(dir);
    writeKeyFile(keyFile, from);
    await putSecret(database.db, from, { name: 'A', value: 'value-a', hosts: ['api.example.com'], by: null });
    await rotateSecrets(database.db, from, to, { keyFile });
    expect(readKeyFile(keyFile)!.id).toBe(to.id);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(existsSync(`${keyFile}.new`)).toBe(false);
  });

  it('changes nothing when one secret does not decrypt: no row, no key file', async () => {
    const from = generateSecretKey();
    const stranger = generateSecretKey();
    const keyFile = secretKeyFile(dir);
    writeKeyFile(keyFile, from);
    await putSecret(database.db, from, { name: 'A', value: 'value-a', hosts: ['api.example.com'], by: null });
    // A row written under some other key: the rotation cannot read it.
    await database.db.insertInto('secret').values({ name: 'Z', value: encryptSecret(stranger, 'Z', 'value-z'), key_id: stranger.id, updated_by: null }).execute();
    const before = await database.db.selectFrom('secret').selectAll().orderBy('name').execute();
    await expect(rotateSecrets(database.db, from, generateSecretKey(), { keyFile })).rejects.toThrow(`secret "Z" was encrypted with key ${stranger.id}`);
    expect(await database.db.selectFrom('secret').selectAll().orderBy('name').execute()).toEqual(before);
    expect(readFileSync(keyFile, 'utf8').trim()).toBe(formatSecretKey(from));
    expect(existsSync(`${keyFile}.new`)).toBe(false);
  });

  it('plans from WEFT_SECRET_KEY or the embedded key file, to a given or generated key', () => {
    const current = generateSecretKey();
    const next = generateSecretKey();
    const viaEnv = planRotation(loadConfig({ WEFT_DATA_DIR: dir, WEFT_SECRET_KEY: formatSecretKey(current), DATABASE_URL: 'postgres://db/weft' }), formatSecretKey(next));
    expect(viaEnv).toMatchObject({ generated: false, source: 'env' });
    expect([viaEnv.from.id, viaEnv.to.id, viaEnv.keyFile]).toEqual([current.id, next.id, undefined]);

    writeKeyFile(secretKeyFile(dir), current);
    const viaFile = planRotation(loadConfig({ WEFT_DATA_DIR: dir, WEFT_NEW_SECRET_KEY: next.bytes.toString('hex') }));
    expect([viaFile.from.id, viaFile.to.id, viaFile.keyFile, viaFile.generated, viaFile.source]).toEqual([current.id, next.id, secretKeyFile(dir), false, 'file']);

    // WEFT_SECRET_KEY wins over the file, which is replaced only when it holds the same key.
    const same = planRotation(loadConfig({ WEFT_DATA_DIR: dir, WEFT_SECRET_KEY: formatSecretKey(current) }));
    expect([same.source, same.keyFile]).toEqual(['env', secretKeyFile(dir)]);
    const other = planRotation(loadConfig({ WEFT_DATA_DIR: dir, WEFT_SECRET_KEY: formatSecretKey(next) }));
    expect([other.source, other.from.id, other.keyFile]).toEqual(['env', next.id, undefined]);

    const generated = planRotation(loadConfig({ WEFT_DATA_DIR: dir }));
    expect(generated.generated).toBe(true);
    expect(generated.to.id).not.toBe(current.id);
  });

  it('refuses to plan without a key in use, to the same key, or to a bad one', () => {
    expect(() => planRotation(loadConfig({ WEFT_DATA_DIR: dir }))).toThrow(/no key in use/);
    const current = generateSecretKey();
    const config = loadConfig({ WEFT_DATA_DIR: dir, WEFT_SECRET_KEY: formatSecretKey(current) });
    expect(() => planRotation(config, current.bytes.toString('hex'))).toThrow(/the new key is the key in use/);
    expect(() => planRotation(config, 'tooshort')).toThrow(/--new-key: the key is/);
  });
});
