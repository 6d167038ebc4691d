import type { TestProject } from 'vitest/node';
import { findTemporalCli, NO_TEMPORAL_CLI, startDevServer } from '../temporal/dev-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
  }
}

/** Starts one real Temporal dev server (in memory, on a free port) for the integration tests. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cli = findTemporalCli(process.env['TEMPORAL_CLI']);
  if (!cli) throw new Error(NO_TEMPORAL_CLI);
  const dev = await startDevServer({ cli, port: 0 });
  project.provide('temporalAddress', dev.address);
  return () => dev.stop();
}
