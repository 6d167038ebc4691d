import { randomBytes } from 'node:crypto';
import type { Db } from '@weft/store';
import { beatApiProcess, pruneApiProcesses, removeApiProcess } from '@weft/store/repositories/api-process.repository';
import { log } from '@weft/workers/process';
import { errorMessage } from '@weft/schemas';

/**
 * How long an API process may go without a beat before it counts as dead, in ms: four missed beats
 * (at the default `beatMs`), so a slow database or a busy event loop is not taken for a death.
 */
export const API_PROCESS_DEAD_AFTER_MS = 20_000;
/** How long the row of a process not seen is kept before housekeeping deletes it, in ms. */
const FORGET_AFTER_MS = 60 * 60 * 1000;

/** Options of `startApiProcess`. */
export interface ApiProcessOptions {
  readonly db: Db;
  /** How often the process beats, in ms. Default 5 s; well under `API_PROCESS_DEAD_AFTER_MS`. */
  readonly beatMs?: number;
}

/** A running API process as the others sharing its database see it. */
export interface ApiProcess {
  /** Random, new at each start: what the idempotency keys it claims record as their holder. */
  readonly id: string;
  /** Beats no more and deletes its row, so the keys it still holds are free at once. Never throws. */
  stop(): Promise<void>;
}

/**
 * Gives this API process an id and keeps its `api_process` row beating every `beatMs` (the first
 * beat before it answers), so another process knows whether a claim it holds is still alive (see
 * `idempotency`). A failed beat is logged and tried again at the next one. Also deletes, at start
 * and about hourly, the rows of processes not seen for an hour (they died).
 */
export async function startApiProcess(o: ApiProcessOptions): Promise<ApiProcess> {
  const { db } = o;
  const beatMs = o.beatMs ?? 5_000;
  const id = `api_${randomBytes(12).toString('hex')}`;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let prunedAt = 0;
  const beat = async () => {
    try {
      await beatApiProcess(db, id);
      // Process time is enough here: it only spaces out the housekeeping.
      if (Date.now() - prunedAt >= FORGET_AFTER_MS) {
        prunedAt = Date.now();
        await pruneApiProcesses(db, FORGET_AFTER_MS);
      }
    } catch (e) {
      log.warn(`API process ${id} could not record its heartbeat (tried again in ${beatMs} ms): ${errorMessage(e)}`);
    }
  };
  let pass = beat();
  await pass;
  const tick = () => {
    pass = beat().finally(() => {
      if (!stopped) timer = setTimeout(tick, beatMs).unref();
    });
  };
  timer = setTimeout(tick, beatMs).unref();
  return {
    id,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await pass;
      await removeApiProcess(db, id).catch((e: Error) => log.warn(`API process ${id} could not delete its row (the keys it holds are free once it counts as dead, in ${API_PROCESS_DEAD_AFTER_MS / 1000} s): ${e.message}`));
    },
  };
}
