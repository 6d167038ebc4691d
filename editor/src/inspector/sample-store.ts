import type { NodeRunView, RunError, RunStatus } from '@weft/schemas';
import { create } from 'zustand';
import type { Pin } from './test-step';

// Pinned outputs and typed sample inputs are kept in the browser (localStorage), one entry per
// workflow, so they survive a reload without changing the workflow document: a pin is a
// person's test fixture, not part of what a version runs. Test results are kept for the session.

/** The part of `Storage` the store uses (a fake one in tests). */
export interface KeyValueStorage {
  readonly length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The localStorage key of a workflow's pins and sample inputs. */
export const storageKey = (workflowId: string) => `weft.samples.${workflowId}`;
const PREFIX = storageKey('');

/** What is kept per workflow. */
interface Kept {
  readonly pins: Readonly<Record<string, Pin>>;
  /** Sample input typed for a node under test, as text (it may not parse yet). */
  readonly inputs: Readonly<Record<string, string>>;
}

/** Where a test step of one node is. */
export type TestResult =
  | { readonly state: 'starting' }
  | { readonly state: 'running' | 'done'; readonly runId: string; readonly runStatus: RunStatus; readonly node: NodeRunView | null; readonly runError: RunError | null }
  | { readonly state: 'failed'; readonly message: string; readonly runId?: string };

interface SampleState {
  /** By workflow id. */
  readonly kept: Readonly<Record<string, Kept>>;
  /** By `resultKey(workflowId, nodeId)`. */
  readonly results: Readonly<Record<string, TestResult>>;
  /** Pins an output; returns false when the browser would not keep it (too large): it is pinned for this session only. */
  pin(workflowId: string, nodeId: string, pin: Pin): boolean;
  unpin(workflowId: string, nodeId: string): void;
  /** Sets (or with null clears) the sample input typed for a node. */
  setInput(workflowId: string, nodeId: string, text: string | null): void;
  setResult(workflowId: string, nodeId: string, result: TestResult): void;
}

/** The key of a node's test result. */
export const resultKey = (workflowId: string, nodeId: string) => `${workflowId}\u0000${nodeId}`;

const NONE: Kept = { pins: {}, inputs: {} };

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Reads every workflow's entry; a malformed one is ignored. */
function loadAll(storage: KeyValueStorage | null): Record<string, Kept> {
  const out: Record<string, Kept> = {};
  if (!storage) return out;
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i);
    if (!key?.startsWith(PREFIX)) continue;
    try {
      const v: unknown = JSON.parse(storage.getItem(key) ?? '');
      if (!isRecord(v)) continue;
      const pins = isRecord(v['pins']) ? (v['pins'] as Record<string, Pin>) : {};
      const inputs = isRecord(v['inputs']) ? Object.fromEntries(Object.entries(v['inputs']).filter(([, t]) => typeof t === 'string')) : {};
      out[key.slice(PREFIX.length)] = { pins: Object.fromEntries(Object.entries(pins).filter(([, p]) => isRecord(p) && 'output' in p)), inputs: inputs as Record<string, string> };
    } catch {
      // Not ours, or damaged: left alone.
    }
  }
  return out;
}

/** Creates the store over `storage` (null: kept in memory only). */
export function createSampleStore(storage: KeyValueStorage | null) {
  return create<SampleState>()((set, get) => {
    /** Writes a workflow's entry; false when the browser refuses (over its quota). */
    const save = (workflowId: string, kept: Kept): boolean => {
      set({ kept: { ...get().kept, [workflowId]: kept } });
      if (!storage) return true;
      try {
        if (Object.keys(kept.pins).length === 0 && Object.keys(kept.inputs).length === 0) storage.removeItem(storageKey(workflowId));
        else storage.setItem(storageKey(workflowId), JSON.stringify(kept));
        return true;
      } catch {
        return false;
      }
    };
    const of = (workflowId: string) => get().kept[workflowId] ?? NONE;
    return {
      kept: loadAll(storage),
      results: {},
      pin(workflowId, nodeId, pin) {
        const kept = of(workflowId);
        return save(workflowId, { ...kept, pins: { ...kept.pins, [nodeId]: pin } });
      },
      unpin(workflowId, nodeId) {
        const kept = of(workflowId);
        if (!(nodeId in kept.pins)) return;
        const { [nodeId]: _gone, ...pins } = kept.pins;
        save(workflowId, { ...kept, pins });
      },
      setInput(workflowId, nodeId, text) {
        const kept = of(workflowId);
        const { [nodeId]: _old, ...inputs } = kept.inputs;
        save(workflowId, { ...kept, inputs: text === null ? inputs : { ...inputs, [nodeId]: text } });
      },
      setResult(workflowId, nodeId, result) {
        set({ results: { ...get().results, [resultKey(workflowId, nodeId)]: result } });
      },
    };
  });
}

function browserStorage(): KeyValueStorage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    // Storage turned off for the site.
    return null;
  }
}

/** Pins, sample inputs and test results of the workflows opened in this browser. */
export const useSampleStore = createSampleStore(browserStorage());

const NO_PINS: Readonly<Record<string, Pin>> = {};

/** The pins of a workflow (the same object until one changes). */
export function usePins(workflowId: string | null): Readonly<Record<string, Pin>> {
  return useSampleStore((s) => (workflowId ? (s.kept[workflowId]?.pins ?? NO_PINS) : NO_PINS));
}

/** The sample input typed for a node, or null. */
export function useTypedInput(workflowId: string | null, nodeId: string): string | null {
  return useSampleStore((s) => (workflowId ? (s.kept[workflowId]?.inputs[nodeId] ?? null) : null));
}

/** Whether a node of a workflow has a pinned output. */
export function useIsPinned(workflowId: string | null, nodeId: string): boolean {
  return useSampleStore((s) => (workflowId ? s.kept[workflowId]?.pins[nodeId] !== undefined : false));
}
