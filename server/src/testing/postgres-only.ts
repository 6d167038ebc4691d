import { describe, it } from 'vitest';
import { BACKENDS } from '@weft/store/testing';

/**
 * `describe` for tests that need the PostgreSQL server (DATABASE_URL): several processes write
 * one database at once, which PGlite cannot serve. Without DATABASE_URL they are skipped on a
 * developer's machine, but on CI (`CI` set) they fail, so a CI without the server never passes
 * by leaving them out.
 */
export function describeOnPostgres(name: string, body: () => void): void {
  if (BACKENDS.includes('postgres')) describe(name, body);
  else if (process.env['CI']) {
    describe(name, () => {
      it('has the PostgreSQL server it needs', () => {
        throw new Error('CI is set but DATABASE_URL is not: this test needs the PostgreSQL server (see .ci/run)');
      });
    });
  } else describe.skip(`${name} (skipped: needs the PostgreSQL server, set DATABASE_URL)`, body);
}
