import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptSecret, encryptSecret, formatSecretKey, generateSecretKey, parseSecretKey, SecretDecryptError, secretKeyId, storedKeyId } from './secret-crypto.js';

const key = generateSecretKey();

function failure(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a failure');
}

describe('secret encryption', () => {
  it('round-trips values, unicode and long ones included', () => {
    for (const value of ['s3cr3t', 'ünïcødé 🔑', 'x'.repeat(65_536), 'a:b:c:d']) {
      expect(decryptSecret(key, 'NAME', encryptSecret(key, 'NAME', value))).toBe(value);
    }
  });

  it('stores v1:<key id>:<iv>:<tag>:<ciphertext> with a fresh 12-byte IV each time, never the plain value', () => {
    const a = encryptSecret(key, 'NAME', 'the-plain-value');
    const b = encryptSecret(key, 'NAME', 'the-plain-value');
    expect(a).not.toBe(b);
    const [format, keyId, iv, tag, ciphertext] = a.split(':');
    expect({ format, keyId }).toEqual({ format: 'v1', keyId: key.id });
    expect(Buffer.from(iv!, 'base64')).toHaveLength(12);
    expect(Buffer.from(tag!, 'base64')).toHaveLength(16);
    expect(Buffer.from(ciphertext!, 'base64')).toHaveLength('the-plain-value'.length);
    expect(a).not.toContain('the-plain-value');
    expect(Buffer.from(ciphertext!, 'base64').toString()).not.toContain('plain');
    expect(storedKeyId(a)).toBe(key.id);
  });

  it('detects any change to the ciphertext, the tag or the IV', () => {
    const stored = encryptSecret(key, 'NAME', 'value-to-protect');
    const parts = stored.split(':');
    for (const i of [2, 3, 4]) {
      const bytes = Buffer.from(parts[i]!, 'base64');
      bytes[0]! ^= 1;
      const tampered = parts.map((p, j) => (j === i ? bytes.toString('base64') : p)).join(':');
      const e = failure(() => decryptSecret(key, 'NAME', tampered));
      expect(e).toBeInstanceOf(SecretDecryptError);
      expect(e.message).toContain('was altered or is damaged');
    }
  });

  it('does not decrypt a value moved to another name', () => {
    const stored = encryptSecret(key, 'ONE', 'value');
    expect(failure(() => decryptSecret(key, 'TWO', stored))).toBeInstanceOf(SecretDecryptError);
  });

  it('names both key ids when the key is not the one the value was written with', () => {
    const other = generateSecretKey();
    const e = failure(() => decryptSecret(other, 'API_TOKEN', encryptSecret(key, 'API_TOKEN', 'value')));
    expect(e).toBeInstanceOf(SecretDecryptError);
    expect(e.message).toContain(`secret "API_TOKEN" was encrypted with key ${key.id}, but this process has key ${other.id}`);
  });

  it('fails clearly on a wrong key that claims the right id, and on values in an unknown format', () => {
    const impostor = { id: key.id, bytes: randomBytes(32) };
    expect(failure(() => decryptSecret(impostor, 'N', encryptSecret(key, 'N', 'v'))).message).toContain('altered or is damaged');
    expect(failure(() => decryptSecret(key, 'N', 'plain text')).message).toContain('not in a format');
  });
});

describe('secret keys', () => {
  it('names a key by the first 8 bytes of its sha256, in hex', () => {
    const bytes = randomBytes(32);
    expect(secretKeyId(bytes)).toBe(createHash('sha256').update(bytes).digest('hex').slice(0, 16));
  });

  it('reads 32 bytes written as base64, URL-safe base64 or 64 hex digits, to the same key', () => {
    const bytes = randomBytes(32);
    const ids = [bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('hex'), ` ${bytes.toString('hex').toUpperCase()}\n`].map((t) => {
      const r = parseSecretKey(t);
      if (!r.ok) throw new Error(r.problem);
      return r.key.id;
    });
    expect(new Set(ids)).toEqual(new Set([secretKeyId(bytes)]));
    const formatted = parseSecretKey(formatSecretKey({ id: '', bytes }));
    expect(formatted.ok && formatted.key.bytes.equals(bytes)).toBe(true);
  });

  it.each([
    ['too short', randomBytes(16).toString('base64'), 'too short'],
    ['too long', randomBytes(48).toString('base64'), 'too long'],
    ['all one byte', Buffer.alloc(32, 7).toString('base64'), 'too weak'],
    ['a short repeated pattern', Buffer.from('abcd'.repeat(8)).toString('hex'), 'too weak'],
    ['not base64 or hex', 'correct horse battery staple!!', 'neither base64 nor hex'],
    ['one byte short', randomBytes(31).toString('hex'), 'too short'],
  ])('refuses a key that is %s, without quoting it', (_what, text, problem) => {
    const r = parseSecretKey(text);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problem).toContain(problem);
      expect(r.problem).not.toContain(text.trim());
    }
  });
});
