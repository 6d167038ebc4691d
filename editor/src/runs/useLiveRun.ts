import type { RunView } from '@weft/schemas';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, getRun } from '../api/client';
import { toError } from '../api/useResource';
import { useAgentStore } from '../store/agent-store';
import { useRunStore } from '../store/run-store';
import { isAgentEvent, readRunEvents } from './event-stream';
import { nodeStatusOfEvent } from './live-events';
import { SseParser } from './sse';
import { isFinalRunStatus } from './status';

/** Wait before reconnecting after the stream ended early or failed. */
const RECONNECT_MS = 1500;
/** Events arrive in bursts; the run is fetched again at most this often. */
const REFETCH_MS = 300;

/** A run followed live: the latest detail (also in the run store), the last problem, and a reload. */
export interface LiveRun {
  readonly run: RunView | null;
  readonly error: string | null;
  /** Whether the event stream is open. */
  readonly live: boolean;
  reload(): void;
}

/**
 * Loads a run into the run store and follows its event stream until it ends (agent events go to
 * the agent store). The stream is read with fetch (EventSource cannot send the bearer token) and
 * resumed with `Last-Event-ID`.
 */
export function useLiveRun(runId: string): LiveRun {
  const showRun = useRunStore((s) => s.showRun);
  const setNodeStatus = useRunStore((s) => s.setNodeStatus);
  const stored = useRunStore((s) => (s.run?.id === runId ? s.run : null));
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState(false);
  const refetchRef = useRef<() => void>(() => {});

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let final = false;

    const fetchRun = async (): Promise<void> => {
      try {
        const run = await getRun(runId, { signal });
        if (signal.aborted) return;
        showRun(run);
        final = isFinalRunStatus(run.status);
        setError(null);
      } catch (e) {
        if (!signal.aborted) setError(`Could not load run ${runId}: ${toError(e).message}`);
        if (e instanceof ApiError && (e.status === 404 || e.status === 401)) final = true;
      }
    };
    const refetch = () => {
      if (timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        void fetchRun();
      }, REFETCH_MS);
    };
    refetchRef.current = () => void fetchRun();

    const follow = async (): Promise<void> => {
      const parser = new SseParser();
      await fetchRun();
      while (!signal.aborted && !final) {
        try {
          await readRunEvents(
            runId,
            parser,
            signal,
            (event) => {
              // An agent's steps and streaming text change its transcript, not the run's detail.
              if (isAgentEvent(event)) return useAgentStore.getState().apply(runId, event);
              const status = nodeStatusOfEvent(event);
              if (event.nodeId && status) setNodeStatus(event.nodeId, status);
              refetch();
            },
            () => setLive(true),
          );
        } catch (e) {
          if (signal.aborted) return;
          if (e instanceof ApiError && (e.status === 404 || e.status === 401)) return;
        } finally {
          if (!signal.aborted) setLive(false);
        }
        // The server closes the stream when the run ends; read the final detail once more.
        await fetchRun();
        if (!final) await new Promise((r) => setTimeout(r, RECONNECT_MS));
      }
    };
    void follow();
    return () => {
      controller.abort();
      clearTimeout(timer);
      showRun(null);
    };
  }, [runId, showRun, setNodeStatus]);

  const reload = useCallback(() => refetchRef.current(), []);
  return { run: stored, error, live, reload };
}
