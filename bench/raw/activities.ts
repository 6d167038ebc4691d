import { fib } from '../lib/fib.js';

/** The hand-written peer's activities: the same work as Weft's `analysis.fib` node. */
export const rawActivities = {
  async fib(n: number): Promise<number> {
    return fib(n);
  },
};

export type RawActivities = typeof rawActivities;
