import { sql } from 'kysely';
import type { Db } from '../database.js';

/**
 * Writes the one health row and commits: fails when the database cannot take writes (read-only,
 * a full disk, a standby), which a `select 1` would not notice. One row updated in place, so
 * calling it every second grows nothing.
 */
export async function writeHealthProbe(db: Db): Promise<void> {
  await db
    .insertInto('health_probe')
    .values({ id: 1, checked_at: sql<Date>`now()` })
    .onConflict((oc) => oc.column('id').doUpdateSet({ checked_at: sql<Date>`now()` }))
    .execute();
}
