import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { WorkflowInput } from '@weft/schemas';
import { BACKENDS } from '@weft/store/testing';
import { saveHistory, savingHistories } from './testing/histories.js';
import type { Receiver } from './testing/receiver.js';
import type { Stack } from './testing/stack.js';
import { useStack } from './testing/suite.js';

const workflowsDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'workers', 'src', 'workflows');
const goldenDir = join(workflowsDir, 'golden');

/** A golden graph: a workflow, its input, and the expected status and output of the run and every node. */
interface Golden {
  input: unknown;
  children?: Record<string, WorkflowInput>;
  workflow: WorkflowInput;
  expect: { status: string; output?: unknown; nodes: Record<string, { status: string; output?: unknown }> };
}

const goldens = readdirSync(goldenDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => [basename(f, '.json'), readFileSync(join(goldenDir, f), 'utf8')] as const);

describe.each(BACKENDS)('golden graphs on %s', (backend) => {
  let stack: Stack;
  let receiver: Receiver;
  useStack(backend, (s, r) => ((stack = s), (receiver = r)), { receiver: true });

  it.each(goldens)('%s: every node ends as expected', async (name, text) => {
    let raw = text.replaceAll('${RECEIVER}', receiver.url);
    const golden = JSON.parse(raw) as Golden;
    for (const [key, child] of Object.entries(golden.children ?? {})) {
      raw = raw.replaceAll(`\${CHILD:${key}}`, await stack.createWorkflow(child));
    }
    const { workflow, input, expect: expected } = JSON.parse(raw) as Golden;
    const runId = await stack.startRun(await stack.createWorkflow(workflow), input);
    const run = await stack.waitForRun(runId);

    // On a mismatch the run's error shows in the diff.
    expect({ status: run.status, error: run.error }).toEqual({ status: expected.status, error: expected.status === 'completed' ? null : expect.anything() });
    if ('output' in expected) expect(run.output).toEqual(expected.output);
    const actual = Object.fromEntries(run.nodes.map((n) => [n.id, n]));
    expect(Object.keys(actual).sort()).toEqual(Object.keys(expected.nodes).sort());
    for (const [id, want] of Object.entries(expected.nodes)) {
      expect({ id, status: actual[id]!.status }).toEqual({ id, status: want.status });
      if ('output' in want) expect({ id, output: actual[id]!.output }).toEqual({ id, output: want.output });
    }

    // With WEFT_UPDATE_HISTORIES=1 the run's history (and its loops' child histories) is saved for the replay tests.
    if (savingHistories(backend)) {
      await saveHistory(stack.temporal.client, runId, name);
      for (const loop of workflow.nodes.filter((n) => n.type === 'control.loop')) await saveHistory(stack.temporal.client, `${runId}-${loop.id}-loop`, `${name}.run-loop`);
    }
  });
});
