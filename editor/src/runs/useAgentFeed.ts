import { useEffect, useState } from 'react';
import { getTranscript } from '../api/agents';
import { ApiError } from '../api/client';
import { toError } from '../api/useResource';
import { useAgentStore } from '../store/agent-store';
import { useRunStore } from '../store/run-store';
import { isAgentEvent, readRunEvents } from './event-stream';
import { nodeStatusOfEvent } from './live-events';
import { SseParser } from './sse';

/** Agent events come in bursts (a turn's calls start together); the transcript is fetched at most this often. */
const REFETCH_MS = 300;
/** Wait before reading the stream again after it ended early or failed. */
const RECONNECT_MS = 1500;

/**
 * Keeps the transcript of a run's agents in the agent store: fetched now, again after `agent`
 * events (at most every 300 ms while they come) and once more when the run ends (`final` turns
 * true). Returns the last problem fetching it, or null.
 */
export function useTranscript(runId: string | null, final: boolean): string | null {
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!runId) return;
    useAgentStore.getState().begin(runId);
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let inFlight = false;
    let again = false;
    const fetchNow = async (): Promise<void> => {
      if (inFlight) {
        again = true;
        return;
      }
      inFlight = true;
      try {
        const steps = await getTranscript(runId, undefined, { signal: controller.signal });
        if (controller.signal.aborted) return;
        useAgentStore.getState().setSteps(runId, steps);
        setError(null);
      } catch (e) {
        if (!controller.signal.aborted) setError(`Could not load the agents' transcript: ${toError(e).message}`);
      } finally {
        inFlight = false;
        if (again && !controller.signal.aborted) {
          again = false;
          schedule();
        }
      }
    };
    const schedule = () => {
      if (timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        void fetchNow();
      }, REFETCH_MS);
    };
    void fetchNow();
    const unsubscribe = useAgentStore.subscribe((s, before) => {
      if (s.runId === runId && s.changes !== before.changes) schedule();
    });
    return () => {
      controller.abort();
      clearTimeout(timer);
      unsubscribe();
    };
  }, [runId, final]);
  return error;
}

/**
 * Follows a run's events for its agents (steps and streaming text into the agent store, node
 * statuses into the run store) while `active`, from the run's first event, so a page opened
 * mid-run shows the text written so far. For pages that do not follow the run's events already
 * (the run page does, see useLiveRun).
 */
export function useAgentEvents(runId: string | null, active: boolean): void {
  useEffect(() => {
    if (!runId || !active) return;
    const controller = new AbortController();
    const { signal } = controller;
    const follow = async (): Promise<void> => {
      const parser = new SseParser();
      while (!signal.aborted) {
        try {
          await readRunEvents(runId, parser, signal, (event) => {
            if (isAgentEvent(event)) return useAgentStore.getState().apply(runId, event);
            // Node events too, so the cards keep pace with the agent's (the run is fetched on its own schedule).
            const status = nodeStatusOfEvent(event);
            if (event.nodeId && status) useRunStore.getState().setNodeStatus(event.nodeId, status);
          });
        } catch (e) {
          if (signal.aborted) return;
          if (e instanceof ApiError && (e.status === 404 || e.status === 401)) return;
        }
        // The stream ends with the run; the caller stops following once it sees the run ended.
        await new Promise((r) => setTimeout(r, RECONNECT_MS));
      }
    };
    void follow();
    return () => controller.abort();
  }, [runId, active]);
}
