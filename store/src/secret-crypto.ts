import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** The key that encrypts stored secrets (AES-256-GCM), with its id. */
export interface SecretKey {
  /** First 8 bytes of the key's sha256, hex: names the key in stored values and errors, reveals nothing. */
  readonly id: string;
  readonly bytes: Buffer;
}

/** A secret that cannot be decrypted: written with another key, or altered. */
export class SecretDecryptError extends Error {
  override readonly name = 'SecretDecryptError';
}

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT = 'v1';

/** The id of a key: the first 8 bytes of its sha256, in hex. */
export function secretKeyId(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest().subarray(0, 8).toString('hex');
}

/**
 * Reads a key written as 64 hex digits or as base64 (standard or URL-safe) of 32 bytes, and
 * refuses weak ones. Errors never quote the text.
 */
export function parseSecretKey(text: string): { ok: true; key: SecretKey } | { ok: false; problem: string } {
  const t = text.trim();
  let bytes: Buffer;
  if (/^[0-9a-fA-F]{64}$/.test(t)) bytes = Buffer.from(t, 'hex');
  // Hex of the wrong length, not base64 that happens to be all hex digits (43 or 44 characters).
  else if (/^[0-9a-fA-F]+$/.test(t) && t.length !== 43 && t.length !== 44) {
    return { ok: false, problem: `the key is ${t.length < 64 ? 'too short' : 'too long'}: it has ${t.length} hex digits, a key has exactly 64 (32 bytes)` };
  } else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(t)) bytes = Buffer.from(t, 'base64');
  else return { ok: false, problem: 'the key is neither base64 nor hex: a key is 32 random bytes, as base64 (44 characters) or 64 hex digits' };
  if (bytes.length !== KEY_BYTES) {
    return { ok: false, problem: `the key is ${bytes.length < KEY_BYTES ? 'too short' : 'too long'}: it decodes to ${bytes.length} bytes, a key is exactly ${KEY_BYTES} (44 base64 characters or 64 hex digits)` };
  }
  // Random keys have ~30 distinct bytes; a handful means all one byte or a short repeated pattern.
  if (new Set(bytes).size < 8) return { ok: false, problem: 'the key is too weak (all one byte or a short repeated pattern); use 32 random bytes' };
  return { ok: true, key: { id: secretKeyId(bytes), bytes } };
}

/** A new random key. */
export function generateSecretKey(): SecretKey {
  const bytes = randomBytes(KEY_BYTES);
  return { id: secretKeyId(bytes), bytes };
}

/** How a key is written to a key file or printed: base64. */
export function formatSecretKey(key: SecretKey): string {
  return key.bytes.toString('base64');
}

/**
 * Encrypts a secret's value as `v1:<key id>:<iv>:<tag>:<ciphertext>` (base64 parts), with a
 * fresh random IV. The secret's name is authenticated too, so a value moved to another name
 * does not decrypt.
 */
export function encryptSecret(key: SecretKey, name: string, value: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.bytes, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(key.id, name));
  const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return [FORMAT, key.id, iv.toString('base64'), cipher.getAuthTag().toString('base64'), ciphertext.toString('base64')].join(':');
}

/** The key id a stored value was encrypted with, if it is in a known format. */
export function storedKeyId(stored: string): string | undefined {
  const parts = stored.split(':');
  return parts.length === 5 && parts[0] === FORMAT ? parts[1] : undefined;
}

/** Decrypts a stored value; a wrong key or any change to the value or name throws {@link SecretDecryptError}. */
export function decryptSecret(key: SecretKey, name: string, stored: string): string {
  const parts = stored.split(':');
  if (parts.length !== 5 || parts[0] !== FORMAT) throw new SecretDecryptError(`secret "${name}" is not in a format this version reads`);
  const [, keyId, iv, tag, ciphertext] = parts as [string, string, string, string, string];
  if (keyId !== key.id) {
    throw new SecretDecryptError(
      `secret "${name}" was encrypted with key ${keyId}, but this process has key ${key.id}: set WEFT_SECRET_KEY to the key it was written with (or rotate with \`weft secrets rotate\` while the old key is set)`,
    );
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.bytes, Buffer.from(iv, 'base64'), { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(keyId, name));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretDecryptError(`secret "${name}" does not decrypt with key ${key.id}: the stored value was altered or is damaged`);
  }
}

function aad(keyId: string, name: string): Buffer {
  return Buffer.from(`${FORMAT}:${keyId}:${name}`, 'utf8');
}
