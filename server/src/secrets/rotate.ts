import { renameSync, rmSync } from 'node:fs';
import { ConfigError, type Config } from '../config.js';
import type { Db } from '@weft/store';
import { appendAudit } from '@weft/store/repositories/audit.repository';
import { reencryptSecrets } from '@weft/store/repositories/secret.repository';
import { generateSecretKey, type SecretKey } from '@weft/store';
import { keyFromText, readKeyFile, secretKeyFile, writeKeyFile } from '@weft/workers/process';

/** What a rotation changes: the key in use, the new one, and the key file to replace (embedded). */
export interface RotationPlan {
  readonly from: SecretKey;
  readonly to: SecretKey;
  /** Where `from` came from: WEFT_SECRET_KEY (the new key must be handed out) or the embedded key file. */
  readonly source: 'env' | 'file';
  /** The embedded key file holding `from`; the new key replaces it. */
  readonly keyFile?: string;
  /** Whether the new key was generated (and must be shown once) rather than given. */
  readonly generated: boolean;
}

/**
 * Works out a rotation: the key in use (WEFT_SECRET_KEY, or the embedded key file) and the new
 * one (`newKey`, else WEFT_NEW_SECRET_KEY, else a fresh random key).
 */
export function planRotation(config: Config, newKey?: string): RotationPlan {
  const path = config.DATABASE_URL ? undefined : secretKeyFile(config.WEFT_DATA_DIR);
  const inFile = path ? readKeyFile(path) : undefined;
  const from = config.WEFT_SECRET_KEY ? keyFromText(config.WEFT_SECRET_KEY, 'WEFT_SECRET_KEY') : inFile;
  // A key file holding the key in use is replaced too, so it never keeps a key that reads nothing.
  const keyFile = path && inFile && inFile.id === from?.id ? path : undefined;
  if (!from) {
    throw new ConfigError(`there is no key in use to rotate from: set WEFT_SECRET_KEY to the key the secrets are encrypted with${path ? ` (embedded Weft keeps it in ${path})` : ''}`);
  }
  const given = newKey ?? config.WEFT_NEW_SECRET_KEY;
  const to = given === undefined ? generateSecretKey() : keyFromText(given, newKey === undefined ? 'WEFT_NEW_SECRET_KEY' : '--new-key');
  if (to.id === from.id) throw new ConfigError(`the new key is the key in use (${from.id})`);
  return { from, to, source: config.WEFT_SECRET_KEY ? 'env' : 'file', generated: given === undefined, ...(keyFile ? { keyFile } : {}) };
}

/**
 * Re-encrypts every stored secret from `from` to `to`, in one transaction, and audits it. With
 * `keyFile`, the new key is written beside it first and moved over it once the database has
 * committed, so a failure on either side never leaves secrets under a key that is nowhere.
 */
export async function rotateSecrets(db: Db, from: SecretKey, to: SecretKey, o: { keyFile?: string; actor?: string } = {}): Promise<{ count: number }> {
  const staged = o.keyFile ? `${o.keyFile}.new` : undefined;
  if (staged) writeKeyFile(staged, to);
  let count: number;
  try {
    count = await reencryptSecrets(db, from, to);
  } catch (e) {
    if (staged) rmSync(staged, { force: true });
    throw e;
  }
  if (staged) renameSync(staged, o.keyFile!);
  await appendAudit(db, { actor: o.actor ?? 'cli', action: 'secret.key.rotated', target: 'secrets', details: { from: from.id, to: to.id, count } });
  return { count };
}
