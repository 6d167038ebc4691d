import type { RunStore } from '@weft/workers';
import type { Db } from './db/database.js';
import { finishNodeAttempt, startNodeAttempt, updateRunStatus } from './db/repositories/run.repository.js';

/** The worker's `RunStore`, over Weft's database. */
export function createRunStore(db: Db): RunStore {
  return {
    startAttempt: (a) => startNodeAttempt(db, a),
    finishAttempt: (a) => finishNodeAttempt(db, a),
    setRunStatus: (c) => updateRunStatus(db, c),
  };
}
