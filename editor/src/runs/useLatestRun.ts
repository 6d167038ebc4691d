import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, getRun, listRuns, startRun } from '../api/client';
import { describeError, toError } from '../api/useResource';
import { useRunStore } from '../store/run-store';
import { isFinalRunStatus } from './status';

/** How often a run that can still change is fetched again. */
export const POLL_INTERVAL_MS = 1000;
/** How long to wait before trying again after a failed fetch. */
const RETRY_INTERVAL_MS = 3000;

/** What the workflow page knows about its latest run; the run itself is in the run store. */
export interface LatestRun {
  /** True until the page knows whether there is a run and has fetched it. */
  readonly loading: boolean;
  /** The last problem loading, following or starting a run; cleared by the next success. */
  readonly error: string | null;
  readonly starting: boolean;
  /** Starts a run with an empty input and follows it. */
  start(): Promise<void>;
}

/**
 * Finds the latest run of a workflow, puts it in the run store and fetches it again every
 * second until it reaches a final status. Mount once per workflow (key the page by id).
 */
export function useLatestRun(workflowId: string): LatestRun {
  const showRun = useRunStore((s) => s.showRun);
  const [runId, setRunId] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const mounted = useRef(true);

  useEffect(() => {
    mounted.current = true;
    const controller = new AbortController();
    listRuns({ workflowId, limit: 20 }, { signal: controller.signal }).then(
      (recent) => {
        if (controller.signal.aborted) return;
        // Test runs (a step tried with mocked neighbours, `weft test`) are not what the workflow did.
        const latest = recent.find((r) => r.trigger?.type !== 'test');
        // A run started meanwhile is newer than whatever the list says.
        setRunId((current) => current ?? latest?.id ?? null);
        if (!latest) setLoading(false);
      },
      (e: unknown) => {
        if (controller.signal.aborted) return;
        setError(`Could not load runs: ${toError(e).message}`);
        setLoading(false);
      },
    );
    return () => {
      mounted.current = false;
      controller.abort();
      showRun(null);
    };
  }, [workflowId, showRun]);

  useEffect(() => {
    if (runId === null) return;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;

    const fetchRun = async (): Promise<void> => {
      try {
        const run = await getRun(runId, { signal: controller.signal });
        if (controller.signal.aborted) return;
        showRun(run);
        setLoading(false);
        setError(null);
        if (!isFinalRunStatus(run.status)) timer = setTimeout(() => void fetchRun(), POLL_INTERVAL_MS);
      } catch (e) {
        if (controller.signal.aborted) return;
        setLoading(false);
        setError(`Could not load run ${runId}: ${toError(e).message}`);
        // A run that is gone will not come back; anything else may be a blip worth retrying.
        if (!(e instanceof ApiError && (e.status === 404 || e.status === 401))) {
          timer = setTimeout(() => void fetchRun(), RETRY_INTERVAL_MS);
        }
      }
    };
    void fetchRun();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [runId, showRun]);

  const start = useCallback(async () => {
    setStarting(true);
    try {
      const id = await startRun(workflowId, {});
      if (!mounted.current) return;
      setError(null);
      setRunId(id);
    } catch (e) {
      if (mounted.current) setError(`Could not start a run: ${describeError(e)}`);
    } finally {
      if (mounted.current) setStarting(false);
    }
  }, [workflowId]);

  return { loading, error, starting, start };
}

