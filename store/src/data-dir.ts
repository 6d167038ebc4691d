import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Group and other permission bits: what the embedded data must never have. */
const OTHERS = 0o077;

/**
 * Takes group and other permissions off `path` and, for a directory, off everything under it:
 * the embedded data (PGlite's files, the Temporal dev server's SQLite file, the secret key) holds
 * workflow inputs, outputs and secrets. Symbolic links are left alone; a missing path is ignored.
 */
export function restrictToOwner(path: string): void {
  if (!existsSync(path)) return;
  const stat = lstatSync(path);
  if (stat.isSymbolicLink()) return;
  if ((stat.mode & OTHERS) !== 0) chmodSync(path, stat.mode & 0o777 & ~OTHERS);
  if (stat.isDirectory()) for (const name of readdirSync(path)) restrictToOwner(join(path, name));
}

/** Creates a data directory (mode 0700) or, when it exists, makes it and its contents its owner's only. */
export function preparePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  restrictToOwner(dir);
}

/**
 * Runs `fn` with the process umask set to 0077, so what it creates synchronously — and a child
 * process it spawns, which inherits the umask for its whole life — is its owner's only.
 */
export function withPrivateUmask<T>(fn: () => T): T {
  const previous = process.umask(OTHERS);
  try {
    return fn();
  } finally {
    process.umask(previous);
  }
}
