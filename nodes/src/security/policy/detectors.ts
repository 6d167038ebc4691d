/**
 * The policy node's built-in detectors: pure functions over strings, no I/O. Every match is
 * reported masked; the matched text itself never leaves this module.
 */
import { jsonPath } from '@weft/schemas';

/** One match of a detector in one string. */
export interface Detection {
  /** What was found, e.g. `github-token`, `email`, `card`, `url-host`. */
  readonly kind: string;
  /** Human name of the kind, e.g. `GitHub token`. */
  readonly label: string;
  /** The match, masked: a known prefix and the last characters at most. */
  readonly masked: string;
}

/** A detection with the JSON path of the string it was found in. */
export interface Located extends Detection {
  readonly path: string;
}

interface Span {
  readonly start: number;
  readonly end: number;
}

interface SecretPattern {
  readonly kind: string;
  readonly label: string;
  readonly re: RegExp;
  /** How many leading characters the masked form keeps (a prefix that says what it is, not what it holds). */
  readonly prefix: (match: string) => number;
  /** Extra check that weeds out look-alikes. */
  readonly verify?: (match: string) => boolean;
}

const upTo = (sep: string) => (m: string) => m.indexOf(sep) + 1;

// Ordered from the most specific: a span claimed by one pattern is not reported again by a later one.
const SECRET_PATTERNS: readonly SecretPattern[] = [
  { kind: 'private-key', label: 'PEM private key', re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----/g, prefix: () => 0 },
  { kind: 'jwt', label: 'JWT', re: /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{10,}/g, prefix: () => 3, verify: isJwt },
  { kind: 'aws-access-key', label: 'AWS access key id', re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, prefix: () => 4 },
  { kind: 'github-token', label: 'GitHub token', re: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g, prefix: (m) => (m.startsWith('github_pat_') ? 11 : 4) },
  { kind: 'slack-token', label: 'Slack token', re: /\bxox[abposr]-[A-Za-z0-9-]{10,250}/g, prefix: upTo('-') },
  { kind: 'stripe-key', label: 'Stripe key', re: /\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,247}\b/g, prefix: (m) => m.indexOf('_', 3) + 1 },
  { kind: 'google-api-key', label: 'Google API key', re: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g, prefix: () => 4 },
  // OpenAI (sk-…, sk-proj-…), Anthropic (sk-ant-…) and the many services that copied the shape.
  { kind: 'api-key', label: 'API key', re: /\bsk-[A-Za-z0-9_-]{20,}/g, prefix: () => 3, verify: hasKeyBody },
];

/** Secrets in a string: API-key shapes, PEM private keys, JWTs. */
export function findSecrets(text: string): Detection[] {
  const out: Detection[] = [];
  const taken: Span[] = [];
  for (const p of SECRET_PATTERNS) {
    for (const m of text.matchAll(p.re)) {
      const span = { start: m.index, end: m.index + m[0].length };
      if (overlaps(taken, span) || (p.verify && !p.verify(m[0]))) continue;
      taken.push(span);
      const masked = p.kind === 'private-key' ? '-----BEGIN … PRIVATE KEY-----' : maskEnds(m[0], p.prefix(m[0]), 4);
      out.push({ kind: p.kind, label: p.label, masked });
    }
  }
  return out;
}

/** The personal data a policy can look for. */
export type PiiKind = 'email' | 'phone' | 'card';

// File names such as `icon@2x.png` look like addresses; these endings never are.
const NOT_A_TLD = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'ico', 'bmp', 'css', 'js']);
const EMAIL = /(?<![A-Za-z0-9._%+-])([A-Za-z0-9._%+-]{1,64})@([A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.([A-Za-z]{2,24}))(?![A-Za-z0-9-])/g;
// 13 to 19 digits, optionally grouped by single spaces or dashes, starting like a card network's
// numbers (2–6); millisecond timestamps and most ids start otherwise.
const CARD = /(?<![\d.-])[2-6](?:[ -]?\d){12,18}(?![\d.-])/g;
// International (+ and 8–15 digits), or the North American 3-3-4 shape with separators.
const PHONE_INTL = /(?<![\w+])\+[1-9](?:[ .-]?\(?\d{1,4}\)?){2,7}(?![\w])/g;
const PHONE_NANP = /(?<![\w.+-])(?:\(\d{3}\)[ .-]?|\d{3}[ .-])\d{3}[ .-]\d{4}(?![\w.-])/g;

/** Personal data in a string: e-mail addresses, phone numbers, card numbers that pass the Luhn check. */
export function findPii(text: string, kinds: readonly PiiKind[] = ['email', 'phone', 'card']): Detection[] {
  const out: Detection[] = [];
  const taken: Span[] = [];
  const want = new Set(kinds);
  if (want.has('email')) {
    for (const m of text.matchAll(EMAIL)) {
      if (NOT_A_TLD.has(m[3]!.toLowerCase())) continue;
      taken.push({ start: m.index, end: m.index + m[0].length });
      out.push({ kind: 'email', label: 'e-mail address', masked: `${m[1]!.slice(0, 1)}…@${m[2]}` });
    }
  }
  // Cards before phones: a grouped card number would otherwise also read as a phone number.
  const cards: Span[] = [];
  for (const m of text.matchAll(CARD)) {
    const digits = m[0].replace(/\D/g, '');
    if (!luhnValid(digits) || /^(\d)\1+$/.test(digits)) continue;
    const span = { start: m.index, end: m.index + m[0].length };
    cards.push(span);
    if (want.has('card') && !overlaps(taken, span)) out.push({ kind: 'card', label: 'card number', masked: `…${digits.slice(-4)}` });
  }
  taken.push(...cards);
  if (want.has('phone')) {
    for (const re of [PHONE_INTL, PHONE_NANP]) {
      for (const m of text.matchAll(re)) {
        const span = { start: m.index, end: m.index + m[0].length };
        const digits = m[0].replace(/\D/g, '');
        if (overlaps(taken, span) || digits.length < 8 || digits.length > 15) continue;
        taken.push(span);
        out.push({ kind: 'phone', label: 'phone number', masked: `…${digits.slice(-2)}` });
      }
    }
  }
  return out;
}

/**
 * Whether a digit string passes the Luhn check (the checksum of card numbers).
 * @example luhnValid('4111111111111111') // true
 */
export function luhnValid(digits: string): boolean {
  if (!/^\d{2,}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

const URL_IN_TEXT = /\bhttps?:\/\/[^\s"'<>()[\]{}\\`]+/gi;

/** Hosts of the http(s) URLs in a string, lower-case, each with the URL's origin (never its path or query). */
export function findUrlHosts(text: string): { host: string; origin: string }[] {
  const out: { host: string; origin: string }[] = [];
  for (const m of text.matchAll(URL_IN_TEXT)) {
    let url: URL;
    try {
      url = new URL(m[0]);
    } catch {
      continue;
    }
    const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
    if (host) out.push({ host, origin: `${url.protocol}//${url.host}` });
  }
  return out;
}

/** Whether `host` is on the allow-list: an exact entry, or `*.domain` for any subdomain of it. */
export function hostAllowed(host: string, allow: readonly string[]): boolean {
  const h = host.toLowerCase();
  return allow.some((entry) => {
    const e = entry.toLowerCase();
    return e.startsWith('*.') ? h.endsWith(e.slice(1)) : h === e;
  });
}

/** Size of a value as UTF-8 JSON. */
export function jsonBytes(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value) ?? 'null').length;
}

/** Calls `visit` with every string in a JSON value and its JSON path. */
export function walkStrings(value: unknown, visit: (text: string, path: string) => void, path: readonly (string | number)[] = []): void {
  if (typeof value === 'string') visit(value, jsonPath(path));
  else if (Array.isArray(value)) value.forEach((v, i) => walkStrings(v, visit, [...path, i]));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) walkStrings(v, visit, [...path, k]);
  }
}

/** Keeps `head` leading and `tail` trailing characters of a match; short matches keep less, never more than a third. */
function maskEnds(match: string, head: number, tail: number): string {
  const keep = Math.min(tail, Math.floor((match.length - head) / 3));
  return `${match.slice(0, head)}…${keep > 0 ? match.slice(-keep) : ''}`;
}

function overlaps(spans: readonly Span[], s: Span): boolean {
  return spans.some((t) => s.start < t.end && t.start < s.end);
}

/** A JWT's header is base64url JSON naming its algorithm. */
function isJwt(token: string): boolean {
  try {
    const part = token.slice(0, token.indexOf('.')).replace(/-/g, '+').replace(/_/g, '/');
    const header = JSON.parse(atob(part + '='.repeat((4 - (part.length % 4)) % 4))) as unknown;
    return header !== null && typeof header === 'object' && typeof (header as { alg?: unknown }).alg === 'string';
  } catch {
    return false;
  }
}

/** Real keys are long runs of mixed letters and digits; `sk-learn-style-names` are not. */
function hasKeyBody(match: string): boolean {
  const body = match.slice(3);
  if (body.split(/[-_]/).some((part) => part.length >= 16 && /\d/.test(part) && /[A-Za-z]/.test(part))) return true;
  return body.length >= 32 && (body.match(/\d/g)?.length ?? 0) >= 4 && (body.match(/[A-Za-z]/g)?.length ?? 0) >= 8;
}
