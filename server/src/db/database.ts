import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { Kysely, PGliteDialect, sql, type RawBuilder } from 'kysely';
import { Migrator } from 'kysely/migration';
import { PostgresJSDialect } from 'kysely-postgres-js';
import postgres from 'postgres';
import { migrations } from './migrations/index.js';
import type { Database } from './tables/index.js';

/** Weft's typed database handle. */
export type Db = Kysely<Database>;

/** Where the data lives: a PostgreSQL server, or embedded PGlite (in a folder, or in memory). */
export type DatabaseTarget =
  | { readonly kind: 'postgres'; readonly url: string; readonly schema?: string; readonly maxConnections?: number }
  | { readonly kind: 'pglite'; readonly dataDir?: string; readonly pglite?: PGlite };

/** An open database with its migrations applied. */
export interface OpenDatabase {
  readonly db: Db;
  readonly kind: 'postgres' | 'pglite';
  /** The PGlite instance in embedded mode (shared by API and worker in one process). */
  readonly pglite?: PGlite;
  close(): Promise<void>;
}

/** Opens the database and runs pending migrations. */
export async function openDatabase(target: DatabaseTarget): Promise<OpenDatabase> {
  let open: OpenDatabase;
  if (target.kind === 'postgres') {
    const schema = target.schema;
    const client = postgres(target.url, {
      max: target.maxConnections ?? 10,
      onnotice: () => undefined,
      ...(schema ? { connection: { search_path: schema } } : {}),
    });
    if (schema) await client.unsafe(`create schema if not exists "${schema}"`);
    const db = new Kysely<Database>({ dialect: new PostgresJSDialect({ postgres: client }) });
    open = { db, kind: 'postgres', close: () => db.destroy() };
  } else {
    if (target.dataDir) mkdirSync(target.dataDir, { recursive: true });
    // PGlite serves one session at a time: every user in this process shares this instance.
    const pglite = target.pglite ?? (await PGlite.create(target.dataDir, { extensions: { vector } }));
    const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
    open = { db, kind: 'pglite', pglite, close: () => db.destroy() };
  }
  try {
    await migrate(open.db, target.kind === 'postgres' ? target.schema : undefined);
  } catch (e) {
    await open.close();
    throw e;
  }
  return open;
}

/** Applies every pending migration; throws with the failing migration's name. */
export async function migrate(db: Kysely<any>, schema?: string): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message ?? String(error)}`);
  }
}

/** A value for a jsonb column; `undefined` becomes SQL null. */
export function json(value: unknown): RawBuilder<string> {
  // Typed as text first: postgres.js would JSON-encode a parameter the server types as jsonb a second time.
  return value === undefined ? sql<string>`null` : sql<string>`cast(cast(${JSON.stringify(value)} as text) as jsonb)`;
}
