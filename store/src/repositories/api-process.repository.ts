import { sql } from 'kysely';
import type { Db } from '../database.js';

/**
 * Records that API process `id` is alive now: its row, inserted or updated, seen at the database's
 * `now()` rather than the process clock, since processes on several machines compare the times.
 */
export async function beatApiProcess(db: Db, id: string): Promise<void> {
  await db
    .insertInto('api_process')
    .values({ id, seen_at: sql<Date>`now()` })
    .onConflict((oc) => oc.column('id').doUpdateSet({ seen_at: sql<Date>`now()` }))
    .execute();
}

/** Deletes the row of API process `id`: it stopped, so the keys it still holds are free at once. */
export async function removeApiProcess(db: Db, id: string): Promise<void> {
  await db.deleteFrom('api_process').where('id', '=', id).execute();
}

/** Deletes the rows of API processes not seen for `olderThanMs` (they died); answers how many. */
export async function pruneApiProcesses(db: Db, olderThanMs: number): Promise<number> {
  const res = await db
    .deleteFrom('api_process')
    .where('seen_at', '<=', sql<Date>`now() - make_interval(secs => ${olderThanMs / 1000})`)
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}
