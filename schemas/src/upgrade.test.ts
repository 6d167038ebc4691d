import { describe, expect, it } from 'vitest';
import { CURRENT_SCHEMA_VERSION, UPGRADES, upgradeDocument, type UpgradeRegistry } from './upgrade.js';

describe('document upgrades', () => {
  it('starts at version 1 and leaves current documents untouched', () => {
    expect(CURRENT_SCHEMA_VERSION).toBe(1);
    expect(UPGRADES.current).toBe(1);
    const doc = { schemaVersion: 1, name: 'w', nodes: [] };
    expect(upgradeDocument(doc)).toEqual({ ok: true, document: doc });
  });

  it('applies each step in order from the document version to the current one', () => {
    // A registry as it will look after two format changes: 1 → 2 renames a field, 2 → 3 adds one.
    const future: UpgradeRegistry = {
      current: 3,
      upgrades: {
        1: ({ title, ...rest }) => ({ ...rest, name: title }),
        2: (doc) => ({ ...doc, settings: { concurrency: 4 } }),
      },
    };
    expect(upgradeDocument({ schemaVersion: 1, title: 'old', nodes: [] }, future)).toEqual({
      ok: true,
      from: 1,
      document: { schemaVersion: 3, name: 'old', nodes: [], settings: { concurrency: 4 } },
    });
    expect(upgradeDocument({ schemaVersion: 2, name: 'mid' }, future)).toMatchObject({ ok: true, from: 2, document: { schemaVersion: 3, name: 'mid' } });
  });

  it('refuses newer documents and versions with no upgrade path', () => {
    expect(upgradeDocument({ schemaVersion: 2 })).toMatchObject({ ok: false, code: 'newer_version' });
    expect(upgradeDocument({ schemaVersion: 0 })).toMatchObject({ ok: false, code: 'unsupported_version' });
  });

  it('passes anything that is not a versioned object to the validator unchanged', () => {
    for (const v of [null, 'text', [1], { schemaVersion: 'one' }]) expect(upgradeDocument(v)).toEqual({ ok: true, document: v });
  });
});
