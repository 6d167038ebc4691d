import { TemporalUnavailable, type RunStarter } from '../runs/index.js';

const unavailable = async (): Promise<never> => {
  throw new TemporalUnavailable('no Temporal in this test');
};

/**
 * A run service for tests of HTTP behaviour alone: `start` records what was asked and returns
 * `runId`; everything that needs Temporal answers 503, as it would with Temporal down. Its runs
 * are not recorded, so a wait for one's end finds no run.
 */
export function runsWithoutTemporal(runId: string, started: string[] = []): RunStarter {
  return {
    start: async (wf) => {
      started.push(wf.id);
      return runId;
    },
    cancel: unavailable,
    decide: unavailable,
    state: unavailable,
    rerun: unavailable,
    waitForEnd: async () => undefined,
  };
}
