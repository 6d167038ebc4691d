import { sql } from 'kysely';
import { decryptSecret, encryptSecret, type SecretKey } from '../../secrets/crypto.js';
import type { Db } from '../database.js';
import { webhookSecretName } from './trigger.repository.js';

/** A stored secret as listed: never its value. */
export interface SecretSummary {
  readonly name: string;
  readonly keyId: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly updatedBy: string | null;
}

/** Encrypts and stores a secret, replacing one of the same name. Says whether it was new. */
export async function putSecret(db: Db, key: SecretKey, s: { name: string; value: string; by: string | null }): Promise<{ created: boolean }> {
  const value = encryptSecret(key, s.name, s.value);
  const row = await db
    .insertInto('secret')
    .values({ name: s.name, value, key_id: key.id, updated_by: s.by })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value, key_id: key.id, updated_at: sql<Date>`now()`, updated_by: s.by }))
    // A row inserted by this statement has xmax 0; an updated one does not.
    .returning(sql<boolean>`(xmax = 0)`.as('inserted'))
    .executeTakeFirstOrThrow();
  return { created: row.inserted };
}

/** Every secret's name and timestamps, by name. */
export async function listSecrets(db: Db, page: { limit?: number; after?: string } = {}): Promise<SecretSummary[]> {
  let q = db.selectFrom('secret').select(['name', 'key_id', 'created_at', 'updated_at', 'updated_by']);
  if (page.after !== undefined) q = q.where('name', '>', page.after);
  const rows = await q.orderBy('name').limit(page.limit ?? 100_000).execute();
  return rows.map((r) => ({ name: r.name, keyId: r.key_id, createdAt: r.created_at, updatedAt: r.updated_at, updatedBy: r.updated_by }));
}

/** Deletes a secret; says whether there was one. */
export async function deleteSecret(db: Db, name: string): Promise<boolean> {
  const res = await db.deleteFrom('secret').where('name', '=', name).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

/** A secret's value, decrypted; `undefined` when there is no such secret. */
export async function getSecretValue(db: Db, key: SecretKey, name: string): Promise<string | undefined> {
  const row = await db.selectFrom('secret').select('value').where('name', '=', name).executeTakeFirst();
  return row ? decryptSecret(key, name, row.value) : undefined;
}

/**
 * Re-encrypts every secret, and every webhook's signing secret, from `from` to `to` in one
 * transaction: all rows change, or none. Returns how many were re-encrypted.
 */
export async function reencryptSecrets(db: Db, from: SecretKey, to: SecretKey): Promise<number> {
  return db.transaction().execute(async (tx) => {
    // Writes wait until this commits, so a secret written meanwhile cannot stay under the old key; reads go on.
    await sql`lock table secret in share row exclusive mode`.execute(tx);
    const rows = await tx.selectFrom('secret').select(['name', 'value']).orderBy('name').execute();
    for (const r of rows) {
      const value = encryptSecret(to, r.name, decryptSecret(from, r.name, r.value));
      await tx.updateTable('secret').set({ value, key_id: to.id }).where('name', '=', r.name).execute();
    }
    await sql`lock table webhook in share row exclusive mode`.execute(tx);
    const hooks = await tx.selectFrom('webhook').select(['path', 'secret']).orderBy('path').execute();
    for (const h of hooks) {
      const name = webhookSecretName(h.path);
      await tx.updateTable('webhook').set({ secret: encryptSecret(to, name, decryptSecret(from, name, h.secret)), key_id: to.id }).where('path', '=', h.path).execute();
    }
    return rows.length + hooks.length;
  });
}
