import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workflowBundle } from '../worker.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

// Histories of the golden runs (saved by the golden test with WEFT_UPDATE_HISTORIES=1), replayed
// against today's workflow code: a change that makes runGraph non-deterministic fails here.
describe('replaying saved run histories', () => {
  it('has histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(7);
    // Each workflow type the worker hosts has a history of its own.
    const types = files.map((f) => (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { events: { workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string } } }[] }).events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name);
    expect(new Set(types)).toEqual(new Set(['runAgent', 'runGraph', 'runLoop', 'scheduledRun']));
  });

  it.each(files)('%s replays without a determinism error', async (file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(join(dir, file), 'utf8')));
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, `replay-${file}`);
  }, 60_000);
});
