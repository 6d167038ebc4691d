import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { Kysely, PGliteDialect, sql, type RawBuilder } from 'kysely';
import { Migrator } from 'kysely/migration';
import { PostgresJSDialect } from 'kysely-postgres-js';
import postgres from 'postgres';
import { preparePrivateDir, restrictToOwner } from './data-dir.js';
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

/**
 * How an embedded PGlite starts: PGlite's own parameters, and shared buffers twice its 128 MB
 * (about 150 MB more memory). The HNSW index of 100,000 chunks of 384 dimensions is 195 MB; a
 * search that misses the buffers reads pages through the file system, which made vector
 * searches a fifth slower on average and their slowest ones slower still. Given as a start
 * parameter, not through `postgresqlconf`, which would replace the data folder's configuration.
 */
const PGLITE_START = [...PGlite.defaultStartParams, '-c', 'shared_buffers=256MB'];

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
    if (target.dataDir) preparePrivateDir(target.dataDir);
    // PGlite serves one session at a time: every user in this process shares this instance.
    const pglite = target.pglite ?? (await PGlite.create(target.dataDir, { extensions: { vector }, startParams: PGLITE_START }));
    // PGlite unpacks a new cluster with mode 0666 files; Postgres creates its later files 0600.
    if (target.dataDir) restrictToOwner(target.dataDir);
    const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
    open = { db, kind: 'pglite', pglite, close: () => db.destroy() };
  }
  try {
    await migrate(open.db, target.kind === 'postgres' ? target.schema : undefined);
    if (open.pglite) await sendVectorsInBinary(open.db, open.pglite);
  } catch (e) {
    await open.close();
    throw e;
  }
  return open;
}

/** Handles over which a vector parameter may be bytes in pgvector's binary form. */
const binaryVectorHandles = new WeakSet<Kysely<any>>();

/** Whether `db` takes vector parameters as pgvector's binary form (see {@link binaryVector}). */
export function takesBinaryVectors(db: Kysely<any>): boolean {
  return binaryVectorHandles.has(db);
}

/**
 * pgvector's binary form of a vector (`vector_recv`): dimensions and a reserved zero as int16,
 * then each value as float4, big-endian.
 */
export function binaryVector(values: readonly number[]): Uint8Array {
  const out = new DataView(new ArrayBuffer(4 + 4 * values.length));
  out.setInt16(0, values.length);
  for (let i = 0; i < values.length; i++) out.setFloat32(4 + 4 * i, values[i]!);
  return new Uint8Array(out.buffer);
}

/**
 * PGlite parses a vector's text form at a few microseconds a number (float parsing is slow in
 * WASM), about 1 ms for 384 dimensions, which dominated both storing chunks and searching. PGlite
 * sends a parameter as binary when its serializer returns bytes, and pgvector reads that form
 * without parsing: so parameters typed `vector` pass bytes through as they are.
 */
async function sendVectorsInBinary(db: Db, pglite: PGlite): Promise<void> {
  const { rows } = await sql<{ oid: number }>`select t.oid from pg_type t join pg_extension e on e.extnamespace = t.typnamespace
      where e.extname = 'vector' and t.typname = 'vector'`.execute(db);
  const oid = rows[0]?.oid;
  if (oid === undefined) return;
  const fallback = pglite.serializers[oid];
  // Typed as returning text, but PGlite's bind message writes bytes as a binary parameter.
  pglite.serializers[oid] = (x: unknown) => (x instanceof Uint8Array ? (x as unknown as string) : fallback ? fallback(x) : String(x));
  binaryVectorHandles.add(db);
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
