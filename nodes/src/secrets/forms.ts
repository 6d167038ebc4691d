/**
 * The spellings of a secret that masking looks for. Pure: no I/O, no state but a cache keyed by
 * the caller's own map.
 */

/** Derived spellings shorter than this are not masked: they would match ordinary text. The value itself always is. */
export const MIN_FORM_LENGTH = 4;

/**
 * Every form of `value` masking replaces: the value; URL-encoded (`encodeURIComponent`,
 * `encodeURI`, form encoding; upper- and lower-case hex); base64 (standard and URL-safe, with and
 * without padding, and the part of it that is the same wherever the value sits inside a longer
 * base64 text, such as `user:password` of basic auth); hex (lower and upper case); JSON-escaped
 * (as `JSON.stringify` writes it inside the quotes, with non-ASCII as `\uXXXX`, with `\/`, and
 * with `<`, `>`, `&` escaped as Go writes them). Longest first, without duplicates; derived forms
 * shorter than {@link MIN_FORM_LENGTH} are left out.
 * @example secretForms('a b+') // ['YSBiKw==', 'a%20b%2B', 'a%20b%2b', '61206Bb2', …, 'a b+']
 */
export function secretForms(value: string): string[] {
  if (value === '') return [];
  const bytes = new TextEncoder().encode(value);
  const derived = new Set<string>();
  const add = (f: string) => {
    if (f.length >= MIN_FORM_LENGTH) derived.add(f);
  };
  const withLowerHex = (f: string) => {
    add(f);
    add(f.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
  };
  withLowerHex(new URLSearchParams({ v: value }).toString().slice(2));
  try {
    withLowerHex(encodeURIComponent(value));
    withLowerHex(encodeURI(value));
  } catch {
    // A lone surrogate has no URL form.
  }
  for (const b64 of base64Forms(bytes)) add(b64);
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  add(hex);
  add(hex.toUpperCase());
  for (const j of jsonForms(value)) add(j);
  derived.delete(value);
  return [value, ...derived].sort((a, b) => b.length - a.length);
}

function base64Forms(bytes: Uint8Array): string[] {
  const out: string[] = [];
  const n = bytes.length;
  for (const offset of [0, 1, 2]) {
    const padded = new Uint8Array(offset + n);
    padded.set(bytes, offset);
    const std = base64(padded);
    // Characters whose six bits all come from the value: the same whatever comes before or after it.
    const core = std.slice(Math.ceil((8 * offset) / 6), Math.floor((8 * (offset + n)) / 6));
    out.push(core, toUrlSafe(core));
    if (offset === 0) out.push(std, std.replace(/=+$/, ''), toUrlSafe(std), toUrlSafe(std).replace(/=+$/, ''));
  }
  return out;
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function toUrlSafe(b64: string): string {
  return b64.replace(/\+/g, '-').replace(/\//g, '_');
}

function jsonForms(value: string): string[] {
  const plain = JSON.stringify(value).slice(1, -1);
  const ascii = plain.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const asciiUpper = ascii.replace(/\\u([0-9a-f]{4})/g, (_m, h: string) => `\\u${h.toUpperCase()}`);
  const go = plain.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const slashed = (s: string) => s.replace(/\//g, '\\/');
  return [plain, ascii, asciiUpper, go, slashed(plain), slashed(ascii)];
}

/** Replaces every form of every secret in a string with `[secret:<name>]`. */
export type SecretMasker = (text: string) => string;

const maskers = new WeakMap<ReadonlyMap<string, string>, { readonly seen: ReadonlyMap<string, string>; readonly mask: SecretMasker }>();

/**
 * A masker for the secrets of `secrets` (name to value), computed once and reused while the map
 * holds the same entries: an attempt's map is scrubbed against many times.
 */
export function secretMasker(secrets: ReadonlyMap<string, string>): SecretMasker {
  const cached = maskers.get(secrets);
  if (cached && sameEntries(cached.seen, secrets)) return cached.mask;
  const mask = buildMasker(secrets);
  maskers.set(secrets, { seen: new Map(secrets), mask });
  return mask;
}

function sameEntries(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of b) if (a.get(k) !== v) return false;
  return true;
}

function buildMasker(secrets: ReadonlyMap<string, string>): SecretMasker {
  const owner = new Map<string, string>();
  for (const [name, value] of secrets) for (const form of secretForms(value)) if (!owner.has(form)) owner.set(form, name);
  if (owner.size === 0) return (text) => text;
  // Longest first, so the longest form at a position wins (a full base64 over its core).
  const forms = [...owner.keys()].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(forms.map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  return (text) => (text.length === 0 ? text : text.replace(pattern, (m) => `[secret:${owner.get(m)}]`));
}
