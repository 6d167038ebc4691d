// The five workloads of `npm run bench -- peers`, described once; each engine's module turns a
// workload into its own document (a Weft workflow, an n8n workflow, a Node-RED flow).

/** One workload: `count` nodes between the engine's entry and exit, each a no-op or fib(n) in its code node. */
export interface Workload {
  readonly key: string;
  readonly title: string;
  readonly count: number;
  /** The fib argument of every code node; absent: no-op (pass-through) nodes. */
  readonly fib?: number;
  /** Seconds of work per run: measured fewer times. */
  readonly heavy?: boolean;
}

export const WORKLOADS: readonly Workload[] = [
  { key: 'noop-1', title: '1 no-op node', count: 1 },
  { key: 'code-1', title: '1 code node, fib(0)', count: 1, fib: 0 },
  { key: 'noop-40', title: '40 no-op nodes in a chain', count: 40 },
  { key: 'code-40', title: '40 code nodes, fib(10) each', count: 40, fib: 10 },
  { key: 'code-10-fib33', title: '10 code nodes, fib(33) each', count: 10, fib: 33, heavy: true },
];

/** The same function in every engine's code node. */
export const FIB_SOURCE = 'function fib(n){return n<2?n:fib(n-1)+fib(n-2)}';

function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

/** What every call sends: `call` differs call by call (a Weft webhook refuses a replayed signature). */
export function requestBody(call: number): { value: number; call: number } {
  return { value: 7, call };
}

/**
 * Throws unless `answer` (a run's output, or a webhook's answer) is what the workload computes:
 * `{ value: fib(n) }` from the last code node, or the request's body passed through.
 */
export function checkAnswer(w: Workload, engine: string, answer: unknown): void {
  const ok = w.fib === undefined ? JSON.stringify(answer).includes('"value":7') : (answer as { value?: unknown } | null)?.value === fib(w.fib);
  if (!ok) throw new Error(`${engine}, ${w.title}: unexpected answer ${JSON.stringify(answer).slice(0, 300)}`);
}
