import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type WorkerConfig } from './config.js';
import { log } from './log.js';
import { formatSecretKey, generateSecretKey, parseSecretKey, type SecretKey } from '@weft/store';
import { errorCode } from '@weft/schemas';

/** How to make a key, for messages. */
export const KEY_HINT = 'generate one with `openssl rand -base64 32`';

/** Where embedded Weft keeps its secret key. */
export function secretKeyFile(dataDir: string): string {
  return join(dataDir, 'secret.key');
}

/** Where the key in use came from. */
export type SecretKeySource = { readonly kind: 'env' } | { readonly kind: 'file'; readonly path: string; readonly created: boolean };

/**
 * The key that encrypts stored secrets. `WEFT_SECRET_KEY` when set (the config has already
 * refused a malformed or weak one). Otherwise, embedded Weft (`weft start`) keeps one in
 * `<data dir>/secret.key` (mode 0600), created on first start; separate server and worker
 * processes must be given the same key and refuse to start without one.
 */
export function resolveSecretKey(config: WorkerConfig, o: { readonly embedded: boolean }): { key: SecretKey; source: SecretKeySource } {
  if (config.WEFT_SECRET_KEY) return { key: keyFromText(config.WEFT_SECRET_KEY, 'WEFT_SECRET_KEY'), source: { kind: 'env' } };
  if (!o.embedded) {
    throw new ConfigError(
      `WEFT_SECRET_KEY is not set: servers and workers need the key that encrypts stored secrets, the same on every process (32 random bytes as base64 or 64 hex digits; ${KEY_HINT})`,
    );
  }
  const path = secretKeyFile(config.WEFT_DATA_DIR);
  const existing = readKeyFile(path);
  if (existing) return { key: existing, source: { kind: 'file', path, created: false } };
  const key = generateSecretKey();
  mkdirSync(config.WEFT_DATA_DIR, { recursive: true, mode: 0o700 });
  try {
    writeFileSync(path, `${formatSecretKey(key)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    // Another process created it first: use that one.
    if (errorCode(e) === 'EEXIST') return { key: readKeyFile(path)!, source: { kind: 'file', path, created: false } };
    throw e;
  }
  return { key, source: { kind: 'file', path, created: true } };
}

/** The config with its secret key filled in as {@link resolveSecretKey} finds it (creating the embedded key file). */
export function withSecretKey<C extends WorkerConfig>(config: C, o: { readonly embedded: boolean }): C {
  const { key, source } = resolveSecretKey(config, o);
  if (source.kind === 'file' && source.created) log.info(`created the secret key ${source.path}; back it up: stored secrets cannot be read without it`);
  return { ...config, WEFT_SECRET_KEY: formatSecretKey(key) };
}

/** The config's secret key, if it has one. */
export function configuredSecretKey(config: WorkerConfig): SecretKey | undefined {
  return config.WEFT_SECRET_KEY ? keyFromText(config.WEFT_SECRET_KEY, 'WEFT_SECRET_KEY') : undefined;
}

/** Reads a key file; `undefined` when there is none. */
export function readKeyFile(path: string): SecretKey | undefined {
  if (!existsSync(path)) return undefined;
  const key = keyFromText(readFileSync(path, 'utf8'), path);
  if ((statSync(path).mode & 0o077) !== 0) {
    log.warn(`${path} could be read by other users; its mode is now 0600`);
    chmodSync(path, 0o600);
  }
  return key;
}

/** Writes a key file readable by its owner only. */
export function writeKeyFile(path: string, key: SecretKey): void {
  writeFileSync(path, `${formatSecretKey(key)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** A key from text, or a ConfigError naming `where` it came from (never quoting it). */
export function keyFromText(text: string, where: string): SecretKey {
  const result = parseSecretKey(text);
  if (!result.ok) throw new ConfigError(`${where}: ${result.problem}`);
  return result.key;
}
