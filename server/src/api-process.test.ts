import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiProcess } from './api-process.js';
import { BACKENDS, testDatabase, type TestDatabase } from '@weft/store/testing';

describe.each(BACKENDS)('API process heartbeat (%s)', (backend) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await testDatabase(backend);
  });
  afterAll(async () => {
    await database.close();
  });
  /** The process's row, with its age by the database's clock. */
  const rowOf = (id: string) =>
    database.db
      .selectFrom('api_process')
      .select(['id', sql<number>`extract(epoch from now() - seen_at)::float8`.as('age')])
      .where('id', '=', id)
      .executeTakeFirst();

  it('records itself by database time on start, beats again, and deletes its row on stop', async () => {
    const proc = await startApiProcess({ db: database.db, beatMs: 50 });
    expect(proc.id).toMatch(/^api_[0-9a-f]{24}$/);
    const first = await rowOf(proc.id);
    expect(first?.age).toBeGreaterThanOrEqual(0);
    expect(first?.age).toBeLessThan(5);
    // Aged as if it had missed its beats: the next beat brings it back.
    await database.db.updateTable('api_process').set({ seen_at: sql<Date>`now() - interval '1 minute'` }).where('id', '=', proc.id).execute();
    await expect.poll(async () => (await rowOf(proc.id))?.age, { timeout: 5_000 }).toBeLessThan(5);
    await proc.stop();
    expect(await rowOf(proc.id)).toBeUndefined();
  });

  it('gives each process its own id and deletes the rows of processes gone for an hour', async () => {
    await database.db
      .insertInto('api_process')
      .values([
        { id: 'gone', seen_at: sql<Date>`now() - interval '2 hours'` },
        { id: 'late', seen_at: sql<Date>`now() - interval '1 minute'` },
      ])
      .execute();
    const [a, b] = await Promise.all([startApiProcess({ db: database.db }), startApiProcess({ db: database.db })]);
    expect(a.id).not.toBe(b.id);
    const ids = (await database.db.selectFrom('api_process').select('id').execute()).map((r) => r.id);
    expect(ids.sort()).toEqual([a.id, b.id, 'late'].sort());
    await Promise.all([a.stop(), b.stop()]);
    await database.db.deleteFrom('api_process').execute();
  });
});
