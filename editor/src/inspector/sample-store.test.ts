import { describe, expect, it } from 'vitest';
import { createSampleStore, storageKey, type KeyValueStorage } from './sample-store';

/** An in-memory `localStorage`; `quota` makes writes longer than it fail as the browser's do. */
function fakeStorage(quota = Infinity): KeyValueStorage & { readonly map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    get length() {
      return map.size;
    },
    key: (i) => [...map.keys()][i] ?? null,
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => {
      if (v.length > quota) throw new Error('QuotaExceededError');
      map.set(k, v);
    },
    removeItem: (k) => void map.delete(k),
  };
}

const PIN = { output: { ticket: 'Printer jam' }, runId: 'run-1', at: '2026-12-06T10:00:00.000Z' };

describe('pinned outputs', () => {
  it('are kept in the browser per workflow and read back by a new page', () => {
    const storage = fakeStorage();
    const store = createSampleStore(storage);
    expect(store.getState().pin('wf-1', 'shape', PIN)).toBe(true);
    store.getState().setInput('wf-1', 'call', '{"a": 1}');
    expect(JSON.parse(storage.map.get(storageKey('wf-1'))!)).toEqual({ pins: { shape: PIN }, inputs: { call: '{"a": 1}' } });

    const reloaded = createSampleStore(storage).getState();
    expect(reloaded.kept['wf-1']?.pins['shape']).toEqual(PIN);
    expect(reloaded.kept['wf-1']?.inputs['call']).toBe('{"a": 1}');
  });

  it('are removed, and the workflow’s entry with the last of them', () => {
    const storage = fakeStorage();
    const store = createSampleStore(storage);
    store.getState().pin('wf-1', 'shape', PIN);
    store.getState().pin('wf-1', 'call', PIN);
    store.getState().unpin('wf-1', 'shape');
    expect(Object.keys(store.getState().kept['wf-1']!.pins)).toEqual(['call']);
    store.getState().unpin('wf-1', 'call');
    expect(storage.map.has(storageKey('wf-1'))).toBe(false);
  });

  it('stay pinned for the session when the browser refuses to keep them', () => {
    const store = createSampleStore(fakeStorage(10));
    expect(store.getState().pin('wf-1', 'shape', PIN)).toBe(false);
    expect(store.getState().kept['wf-1']?.pins['shape']).toEqual(PIN);
  });

  it('ignore damaged entries and keys that are not theirs', () => {
    const storage = fakeStorage();
    storage.setItem(storageKey('bad'), '{not json');
    storage.setItem(storageKey('odd'), JSON.stringify({ pins: { a: 'no output field', b: { output: 1 } }, inputs: { c: 3 } }));
    storage.setItem('weft.token', 'secret');
    const kept = createSampleStore(storage).getState().kept;
    expect(Object.keys(kept)).toEqual(['odd']);
    expect(kept['odd']).toEqual({ pins: { b: { output: 1 } }, inputs: {} });
  });

  it('work without storage at all', () => {
    const store = createSampleStore(null);
    expect(store.getState().pin('wf-1', 'shape', PIN)).toBe(true);
    expect(store.getState().kept['wf-1']?.pins['shape']).toEqual(PIN);
  });
});
