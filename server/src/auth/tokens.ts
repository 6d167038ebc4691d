import { hash, randomBytes } from 'node:crypto';
import type { Db } from '@weft/store';
import { insertToken } from '@weft/store/repositories/token.repository';

/** Roles, weakest first; each may do everything the ones before it may. */
export const ROLES = ['viewer', 'editor', 'operator', 'admin'] as const;
/** A token's role. */
export type Role = (typeof ROLES)[number];

/** Whether `role` is at least `min`. */
export function hasRole(role: Role, min: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(min);
}

/** sha256 of a token: what the database keeps instead of the token. */
export function hashToken(token: string): string {
  // One-shot: about half the cost of createHash, and every API request hashes its token.
  return hash('sha256', token, 'hex');
}

/** Creates a token and stores its hash; the token itself is returned once and never stored. */
export async function createToken(db: Db, t: { role: Role; name?: string; expiresAt?: Date | null }): Promise<{ id: string; token: string }> {
  const id = `tok_${randomBytes(8).toString('hex')}`;
  const token = `weft_${randomBytes(32).toString('base64url')}`;
  await insertToken(db, { id, name: t.name ?? `${t.role} token`, role: t.role, tokenHash: hashToken(token), expiresAt: t.expiresAt ?? null });
  return { id, token };
}
