import { Client, Connection } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';

/** Both Temporal connections a process may need: the client's, and the worker's native one. */
export interface TemporalConnections {
  readonly client: Client;
  readonly native?: NativeConnection;
  close(): Promise<void>;
}

/**
 * Connects a Temporal client (and, for a worker, a native connection) to `address`. The worker's
 * package is loaded only then, so a process with the client alone (`weft server`) never loads it.
 */
export async function connectTemporal(address: string, namespace: string, opts: { worker: boolean }): Promise<TemporalConnections> {
  const connection = await Connection.connect({ address });
  const native = opts.worker ? await (await import('@temporalio/worker')).NativeConnection.connect({ address }) : undefined;
  return {
    client: new Client({ connection, namespace }),
    ...(native ? { native } : {}),
    async close() {
      await native?.close();
      await connection.close();
    },
  };
}
