import { join } from 'node:path';
import { openDatabase, type OpenDatabase } from '@weft/store';
import type { WorkerConfig } from './config.js';

/** Opens the configured database: PostgreSQL at DATABASE_URL, else PGlite under the data dir. */
export function openConfiguredDatabase(config: WorkerConfig): Promise<OpenDatabase> {
  return config.DATABASE_URL
    ? openDatabase({
        kind: 'postgres',
        url: config.DATABASE_URL,
        maxConnections: config.DATABASE_MAX_CONNECTIONS,
        ...(config.DATABASE_SCHEMA ? { schema: config.DATABASE_SCHEMA } : {}),
      })
    : openDatabase({ kind: 'pglite', dataDir: join(config.WEFT_DATA_DIR, 'pgdata') });
}
