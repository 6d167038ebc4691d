/** The `schemaVersion` this release writes and reads. */
export const CURRENT_SCHEMA_VERSION = 1;

/** Turns a document of version N into version N + 1. */
export type Upgrade = (doc: Record<string, unknown>) => Record<string, unknown>;

/** A chain of upgrades: `upgrades[n]` turns version n into n + 1. */
export interface UpgradeRegistry {
  readonly current: number;
  readonly upgrades: Readonly<Record<number, Upgrade>>;
}

/**
 * Weft's upgrades. Version 1 is the first released format, so the chain is empty; a change to
 * the document adds `upgrades[1]` and raises `current`, and stored and exported documents keep
 * opening.
 */
export const UPGRADES: UpgradeRegistry = { current: CURRENT_SCHEMA_VERSION, upgrades: {} };

/** The outcome of upgrading: the document at the current version, or why it cannot be read. */
export type UpgradeResult =
  | { readonly ok: true; readonly document: unknown; readonly from?: number }
  | { readonly ok: false; readonly code: 'newer_version' | 'unsupported_version'; readonly message: string };

/**
 * Brings an older document up to the current `schemaVersion`, one step at a time. Anything that
 * is not an object with a numeric version is returned as it is, for the validator to report.
 */
export function upgradeDocument(doc: unknown, registry: UpgradeRegistry = UPGRADES): UpgradeResult {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return { ok: true, document: doc };
  const version = (doc as { schemaVersion?: unknown }).schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version === registry.current) return { ok: true, document: doc };
  if (version > registry.current) {
    return { ok: false, code: 'newer_version', message: `this document has schemaVersion ${version}, written by a newer Weft; this one reads up to ${registry.current}` };
  }
  let current = doc as Record<string, unknown>;
  for (let v = version; v < registry.current; v++) {
    const step = registry.upgrades[v];
    if (!step) return { ok: false, code: 'unsupported_version', message: `schemaVersion ${version} cannot be upgraded: no upgrade from version ${v}` };
    current = { ...step(current), schemaVersion: v + 1 };
  }
  return { ok: true, document: current, from: version };
}
