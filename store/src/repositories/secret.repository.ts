import { sql } from 'kysely';
import { decryptSecret, encryptSecret, type SecretKey } from '../secret-crypto.js';
import { json, type Db } from '../database.js';
import { webhookSecretName } from './trigger.repository.js';

/** A stored secret as listed: never its value. */
export interface SecretSummary {
  readonly name: string;
  readonly keyId: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly updatedBy: string | null;
  /** Where it may be sent (canonical patterns); `null` when stored before bindings: nowhere. */
  readonly hosts: string[] | null;
}

/** What `putSecret` writes: a new value, new hosts, or both. */
export interface SecretWrite {
  readonly name: string;
  /** The new value; absent to keep the stored one (the secret must exist). */
  readonly value?: string;
  /** The new hosts, canonical; absent to keep the stored ones (the secret must exist). */
  readonly hosts?: readonly string[];
  readonly by: string | null;
}

/** What `putSecret` did: the secret's hosts before and after; or what a new secret lacked. */
export type SecretWritten =
  | { readonly ok: true; readonly created: boolean; readonly hosts: string[] | null; readonly previousHosts: string[] | null }
  | { readonly ok: false; readonly missing: 'value' | 'hosts' };

/**
 * Stores a secret: a new one needs a value and hosts; an existing one keeps what the write
 * leaves out (its value, or its hosts). The value is encrypted. Runs in one transaction, so a
 * concurrent write or delete cannot split a value from its hosts.
 */
export async function putSecret(db: Db, key: SecretKey, s: SecretWrite): Promise<SecretWritten> {
  return db.transaction().execute(async (tx) => {
    const existing = await tx.selectFrom('secret').select(['hosts']).where('name', '=', s.name).forUpdate().executeTakeFirst();
    if (!existing) {
      if (s.value === undefined) return { ok: false, missing: 'value' } as const;
      if (s.hosts === undefined) return { ok: false, missing: 'hosts' } as const;
      const value = encryptSecret(key, s.name, s.value);
      const hosts = json(s.hosts);
      // A secret of the same name created meanwhile is overwritten, value and hosts together.
      const row = await tx
        .insertInto('secret')
        .values({ name: s.name, value, key_id: key.id, updated_by: s.by, hosts })
        .onConflict((oc) => oc.column('name').doUpdateSet({ value, key_id: key.id, updated_at: sql<Date>`now()`, updated_by: s.by, hosts }))
        // A row inserted by this statement has xmax 0; an updated one does not.
        .returning(sql<boolean>`(xmax = 0)`.as('inserted'))
        .executeTakeFirstOrThrow();
      return { ok: true, created: row.inserted, hosts: [...s.hosts], previousHosts: null } as const;
    }
    await tx
      .updateTable('secret')
      .set({
        updated_at: sql<Date>`now()`,
        updated_by: s.by,
        ...(s.value === undefined ? {} : { value: encryptSecret(key, s.name, s.value), key_id: key.id }),
        ...(s.hosts === undefined ? {} : { hosts: json(s.hosts) }),
      })
      .where('name', '=', s.name)
      .execute();
    return { ok: true, created: false, hosts: s.hosts === undefined ? existing.hosts : [...s.hosts], previousHosts: existing.hosts } as const;
  });
}

/** Every secret's name, timestamps and hosts, by name. */
export async function listSecrets(db: Db, page: { limit?: number; after?: string } = {}): Promise<SecretSummary[]> {
  let q = db.selectFrom('secret').select(['name', 'key_id', 'created_at', 'updated_at', 'updated_by', 'hosts']);
  if (page.after !== undefined) q = q.where('name', '>', page.after);
  const rows = await q.orderBy('name').limit(page.limit ?? 100_000).execute();
  return rows.map((r) => ({ name: r.name, keyId: r.key_id, createdAt: r.created_at, updatedAt: r.updated_at, updatedBy: r.updated_by, hosts: r.hosts }));
}

/** Deletes a secret; says whether there was one. */
export async function deleteSecret(db: Db, name: string): Promise<boolean> {
  const res = await db.deleteFrom('secret').where('name', '=', name).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

/** A secret's value, decrypted, and its hosts (`null`: stored before bindings); `undefined` when there is no such secret. */
export async function getSecret(db: Db, key: SecretKey, name: string): Promise<{ value: string; hosts: string[] | null } | undefined> {
  const row = await db.selectFrom('secret').select(['value', 'hosts']).where('name', '=', name).executeTakeFirst();
  return row ? { value: decryptSecret(key, name, row.value), hosts: row.hosts } : undefined;
}

/** A secret's value, decrypted; `undefined` when there is no such secret. */
export async function getSecretValue(db: Db, key: SecretKey, name: string): Promise<string | undefined> {
  return (await getSecret(db, key, name))?.value;
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
