// The hand-written Temporal workflows Weft is measured against: what a developer would write
// directly with the SDK for the same graphs, with nothing recorded outside Temporal.
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { RawActivities } from './activities.js';

const { fib } = proxyActivities<RawActivities>({ startToCloseTimeout: '1m' });
const local = proxyLocalActivities<RawActivities>({ startToCloseTimeout: '1m' });

/** `count` activities one after another, each computing fib(n). */
export async function rawSequential(count: number, n: number, useLocal = false): Promise<number> {
  let last = 0;
  for (let i = 0; i < count; i++) last = await (useLocal ? local : { fib }).fib(n);
  return last;
}

/** `count` activities at once, each computing fib(n), then their sum. */
export async function rawFanout(count: number, n: number): Promise<number> {
  const all = await Promise.all(Array.from({ length: count }, () => fib(n)));
  return all.reduce((a, b) => a + b, 0);
}
