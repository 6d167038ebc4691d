import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { preparePrivateDir } from './data-dir.js';
import { openDatabase } from './database.js';

/** Paths under `dir` (itself included) that group or others may use. */
function openToOthers(dir: string): string[] {
  const found: string[] = [];
  const walk = (path: string): void => {
    if ((lstatSync(path).mode & 0o077) !== 0) found.push(`${path} ${(lstatSync(path).mode & 0o777).toString(8)}`);
    if (statSync(path).isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(dir);
  return found;
}

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-data-dir-'));
  made.push(dir);
  return dir;
};

describe('the embedded data directory', () => {
  it('is created 0700', () => {
    const dir = join(tempDir(), '.weft');
    preparePrivateDir(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('takes group and other permissions off a data dir left by an earlier start', () => {
    const dir = join(tempDir(), '.weft');
    mkdirSync(join(dir, 'pgdata', 'base'), { recursive: true, mode: 0o755 });
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'temporal.db'), '', { mode: 0o644 });
    writeFileSync(join(dir, 'temporal.db-wal'), '', { mode: 0o666 });
    writeFileSync(join(dir, 'pgdata', 'base', '1'), '', { mode: 0o664 });
    preparePrivateDir(dir);
    expect(openToOthers(dir)).toEqual([]);
    expect(statSync(join(dir, 'temporal.db')).mode & 0o777).toBe(0o600); // owner bits kept
  });

  it("keeps PGlite's data directory and every file in it from other users", async () => {
    const dir = join(tempDir(), 'pgdata');
    const database = await openDatabase({ kind: 'pglite', dataDir: dir });
    try {
      expect(openToOthers(dir)).toEqual([]);
    } finally {
      await database.close();
    }
  });
});
