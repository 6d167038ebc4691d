import { sleep } from './processes.js';

/** HTTP effects in the chaos workflow; with a transform after each, a trigger and an output: 20 nodes. */
export const EFFECTS = 9;
export const NODES = 2 * EFFECTS + 2;

/**
 * The chaos workflow: `start → (callK → shapeK) × 9 → out`. `callK` POSTs `{ run, node, value }`
 * to the effect service, which answers `value × 2 + K`; `shapeK` takes 1 off. The run's input
 * `{ n }` goes in first, so each run's output is its own ({@link expectedOutput}).
 */
export function chaosWorkflow(effectsUrl: string, delayMs: number): unknown {
  const nodes: unknown[] = [{ id: 'start', type: 'control.trigger' }];
  const edges: unknown[] = [];
  let prev = 'start';
  for (let k = 1; k <= EFFECTS; k++) {
    const value = k === 1 ? '$run.input.n' : `$nodes.shape${k - 1}.output`;
    nodes.push({
      id: `call${k}`,
      type: 'execution.http',
      params: { method: 'POST', url: `${effectsUrl}/effect/${k}?delay=${delayMs}`, body: `{{ { "run": $run.id, "node": "call${k}", "value": ${value} } }}` },
    });
    edges.push({ id: `e-call${k}`, source: prev, target: `call${k}` });
    nodes.push({ id: `shape${k}`, type: 'analysis.transform', params: { expression: '$input.body.value - 1' } });
    edges.push({ id: `e-shape${k}`, source: `call${k}`, target: `shape${k}` });
    prev = `shape${k}`;
  }
  nodes.push({ id: 'out', type: 'control.output', params: { value: `{{ $nodes.shape${EFFECTS}.output }}` } });
  edges.push({ id: 'e-out', source: prev, target: 'out' });
  return { schemaVersion: 1, name: 'chaos: 9 effects in 20 nodes', nodes, edges };
}

/** What a run with input `{ n }` must answer. */
export function expectedOutput(n: number): number {
  let v = n;
  for (let k = 1; k <= EFFECTS; k++) v = v * 2 + k - 1;
  return v;
}

/** An answer from the API. */
export interface Answer<T> {
  readonly status: number;
  readonly body: T;
}

/**
 * The API as a client behind a load balancer meets it: several base URLs, any of which may be
 * down. A request that finds no process (connection refused or reset), a 502/503/504 or a 409
 * `idempotency_in_progress` is sent again — to the next URL, with the same Idempotency-Key — until
 * `timeoutMs`. What it met on the way is counted.
 */
export class ApiClient {
  /** Requests sent again to another URL after a connection failure. */
  failovers = 0;
  /** Requests sent again after a 5xx or a 409 in progress. */
  retried = 0;
  /** Answers that were replays of a first answer (`Idempotent-Replayed: true`). */
  replayed = 0;
  #next = 0;

  constructor(
    public urls: readonly string[],
    public token = '',
  ) {}

  async call<T>(method: string, path: string, o: { body?: unknown; key?: string; timeoutMs?: number } = {}): Promise<Answer<T>> {
    const deadline = Date.now() + (o.timeoutMs ?? 180_000);
    let last = '';
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      const url = this.urls[this.#next++ % this.urls.length]!;
      if (attempt > 0) await sleep(Math.min(1000, 100 * attempt));
      try {
        const res = await fetch(`${url}${path}`, {
          method,
          headers: { authorization: `Bearer ${this.token}`, ...(o.body === undefined ? {} : { 'content-type': 'application/json' }), ...(o.key ? { 'idempotency-key': o.key } : {}) },
          ...(o.body === undefined ? {} : { body: JSON.stringify(o.body) }),
          signal: AbortSignal.timeout(60_000),
        });
        const text = await res.text();
        const body = (text ? JSON.parse(text) : null) as T & { error?: { code?: string } };
        if (res.status >= 502 || (res.status === 409 && body?.error?.code === 'idempotency_in_progress')) {
          this.retried++;
          last = `${res.status} ${text.slice(0, 200)}`;
          continue;
        }
        if (res.headers.get('idempotent-replayed') === 'true') this.replayed++;
        return { status: res.status, body };
      } catch (e) {
        this.failovers++;
        last = (e as Error).message;
      }
    }
    throw new Error(`${method} ${path}: no answer within the time allowed; last: ${last}`);
  }
}
