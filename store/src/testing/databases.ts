import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import postgres from 'postgres';
import { openDatabase, type OpenDatabase } from '../database.js';

/** The database backends a test runs on: PGlite always, the PostgreSQL server when DATABASE_URL is set. */
export type Backend = 'pglite' | 'postgres';
export const BACKENDS: readonly Backend[] = process.env['DATABASE_URL'] ? ['pglite', 'postgres'] : ['pglite'];

/** A database for one test, with what another process needs to reach it. */
export interface TestDatabase extends OpenDatabase {
  /** A postgres:// URL another process can use (PGlite is served over a socket for that). */
  readonly url?: string;
  /** Connections another process should open at most. */
  readonly maxConnections?: number;
  readonly schema?: string;
}

/**
 * Opens a private database: an in-memory PGlite, or a fresh schema on the PostgreSQL server.
 * With `shareable`, PGlite is served over a socket so a second process (a worker) can use it,
 * and this process reaches it through that socket too, so both see one session order.
 */
export async function testDatabase(backend: Backend, opts: { shareable?: boolean } = {}): Promise<TestDatabase> {
  if (backend === 'postgres') {
    const url = process.env['DATABASE_URL'];
    if (!url) throw new Error('DATABASE_URL is not set');
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const open = await openDatabase({ kind: 'postgres', url, schema });
    return {
      ...open,
      url,
      schema,
      async close() {
        await open.close();
        const admin = postgres(url, { max: 1, onnotice: () => undefined });
        await admin.unsafe(`drop schema if exists "${schema}" cascade`);
        await admin.end();
      },
    };
  }
  if (!opts.shareable) return openDatabase({ kind: 'pglite' });
  const pglite = await PGlite.create({ extensions: { vector } });
  const port = await freePort();
  const socket = new PGLiteSocketServer({ db: pglite, port, host: '127.0.0.1', maxConnections: 32 });
  await socket.start();
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  // One connection a process: PGlite runs one session, and the socket serialises only that far.
  const open = await openDatabase({ kind: 'postgres', url, maxConnections: 1 });
  return {
    ...open,
    url,
    maxConnections: 1,
    async close() {
      await open.close();
      await socket.stop();
      await pglite.close();
    },
  };
}

/** A port nobody listens on now, for the socket PGlite is served over. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}
