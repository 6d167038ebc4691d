import type { AgentStep, NodeStatus, RunEvent } from '@weft/schemas';
import { useMemo } from 'react';
import { create } from 'zustand';
import { agentActivity, signalOfEvent, signalOfStep, stepKey, textKey, textOfEvent, toolStatuses, type StepSignal } from '../runs/agent-transcript';

// What the agents of the run on screen are doing, kept apart from the run store: `agent` events
// arrive many times a second while a model streams, and only the cards of agents and tools (and
// the transcript) should re-render for them.

interface AgentState {
  /** The run these belong to; anything for another run starts afresh. */
  readonly runId: string | null;
  /** Each step's latest status, from events and fetched transcripts, by {@link stepKey}. */
  readonly signals: Readonly<Record<string, StepSignal>>;
  /** The transcript as last fetched. */
  readonly steps: readonly AgentStep[];
  /** Text of turns being written, from `agent_text` events, by {@link textKey}. */
  readonly texts: Readonly<Record<string, string>>;
  /** Counts `agent` events: a change means the transcript is worth fetching again. */
  readonly changes: number;
  /** The last event taken, so an event read twice (a replayed stream) counts once. */
  readonly lastEventId: number;
  /** Takes one run event (others than `agent` and `agent_text` are ignored). */
  apply(runId: string, event: RunEvent): void;
  /** Takes a transcript fetched from the API. */
  setSteps(runId: string, steps: readonly AgentStep[]): void;
  /** Starts showing `runId`: what another run left is forgotten. */
  begin(runId: string): void;
}

const EMPTY: Pick<AgentState, 'signals' | 'steps' | 'texts' | 'changes' | 'lastEventId'> = { signals: {}, steps: [], texts: {}, changes: 0, lastEventId: 0 };
let seq = 0;

/** The agents of the run on screen: their steps, streaming text and what their cards show. */
export const useAgentStore = create<AgentState>()((set, get) => ({
  runId: null,
  ...EMPTY,

  apply(runId, event) {
    const mine = get().runId === runId ? get() : { ...EMPTY };
    if (event.id <= mine.lastEventId) return;
    const signal = signalOfEvent(event, ++seq);
    if (signal) {
      const texts = { ...mine.texts };
      // A turn (re)starting writes from the beginning: text of a failed attempt is not the answer.
      if (signal.kind === 'turn' && signal.status === 'running') texts[textKey(signal.agent, signal.turn)] = '';
      set({ runId, signals: { ...mine.signals, [stepKey(signal)]: signal }, steps: mine.steps, texts, changes: mine.changes + 1, lastEventId: event.id });
      return;
    }
    const text = textOfEvent(event);
    if (text) {
      set({ runId, signals: mine.signals, steps: mine.steps, texts: { ...mine.texts, [text.key]: (mine.texts[text.key] ?? '') + text.delta }, changes: mine.changes, lastEventId: event.id });
      return;
    }
    if (get().runId !== runId) set({ runId, ...EMPTY, lastEventId: event.id });
    else set({ lastEventId: event.id });
  },

  begin(runId) {
    if (get().runId !== runId) set({ runId, ...EMPTY });
  },

  setSteps(runId, steps) {
    const mine = get().runId === runId ? get() : { ...EMPTY };
    const signals: Record<string, StepSignal> = { ...mine.signals };
    for (const s of steps) {
      const key = stepKey(s);
      const known = signals[key];
      // A fetched step never takes back an end an event already reported.
      if (known && known.status !== 'running' && known.status !== 'waiting' && (s.status === 'running' || s.status === 'waiting')) continue;
      signals[key] = signalOfStep(s, known?.seq ?? ++seq);
    }
    set({ runId, signals, steps, texts: mine.texts, changes: mine.changes, lastEventId: mine.lastEventId });
  },
}));

/** What an agent node's card says it is doing (`turn 3 · calling lookup`), or null. */
export function useAgentActivity(nodeId: string, enabled: boolean): string | null {
  const signals = useAgentStore((s) => (enabled ? s.signals : null));
  return useMemo(() => (signals ? agentActivity(Object.values(signals), nodeId) : null), [signals, nodeId]);
}

/** The status a tool node shows from its calls in the run on screen, or null when it was not called. */
export function useToolStatus(nodeId: string, enabled: boolean): NodeStatus | null {
  // The selector returns a string, so a card re-renders only when its own status changes.
  return useAgentStore((s) => (enabled ? (toolStatuses(Object.values(s.signals))[nodeId] ?? null) : null));
}

/** Forgets everything (tests and stories). */
export function resetAgentStore(): void {
  useAgentStore.setState({ runId: null, ...EMPTY });
}
