import { sleep } from '@temporalio/workflow';
import type { RunNodeResult } from '../node-requests.js';
import type { HereContext } from './node-context.js';
import { recording } from './recording.js';

/** A wait node: sleeps on a durable timer (a duration, or until a time), then passes its input on. */
export async function runWait(ctx: HereContext): Promise<RunNodeResult> {
  const begun = await recording.beginNode(ctx.request);
  await sleep(begun.sleepMs ?? 0);
  return ctx.end({ output: ctx.request.input });
}
