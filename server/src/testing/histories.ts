import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';

/** Where the replay tests find saved histories. */
export const HISTORIES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'workers', 'src', 'workflows', 'histories');

/** Whether this test run saves histories for the replay tests (`WEFT_UPDATE_HISTORIES=1`, PGlite runs only). */
export function savingHistories(backend: string): boolean {
  return backend === 'pglite' && process.env['WEFT_UPDATE_HISTORIES'] === '1';
}

/** Saves a workflow's history as `<name>.json` for the replay tests. */
export async function saveHistory(client: Client, workflowId: string, name: string): Promise<void> {
  // A run's row can end inside the workflow's last task, before Temporal records that task: wait
  // for the workflow itself to close, or the saved history stops short of its end.
  const handle = client.workflow.getHandle(workflowId);
  await handle.result().catch(() => undefined);
  const history = await handle.fetchHistory();
  writeFileSync(join(HISTORIES_DIR, `${name}.json`), `${historyToJSON(history)}\n`);
}
