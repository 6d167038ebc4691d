import { createServer, type Server } from 'node:http';
import { closeServer, listenOnLoopback } from '../../server/src/testing/loopback.js';

/** One request the effect service received. */
export interface EffectRequest {
  /** When it arrived (ms since the epoch). */
  readonly at: number;
  /** Its `Idempotency-Key` header ('' when absent). */
  readonly key: string;
  /** The run and node that sent it, from its body: what the key must stand for. */
  readonly run: string;
  readonly node: string;
}

/**
 * The outside world of the chaos runs: a service whose effect (`POST /effect/<step>`) answers
 * `{ value: value × 2 + step }` for the `value` it is sent, after `?delay=` ms. It honours
 * `Idempotency-Key` as a payment API does: a repeat of a key gets the first answer without a
 * second effect. That hides from the run's output whether Weft sent an effect twice, so the
 * harness does not judge Weft by the output alone: it checks what Weft controls, from
 * {@link requests} — that each run and node sent one key of its own, whatever the retries.
 */
export class EffectService {
  readonly requests: EffectRequest[] = [];
  /** The first answer for each key (the effect, applied once). */
  readonly #answers = new Map<string, Promise<{ value: number }>>();
  readonly #server: Server;
  url = '';

  constructor() {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void (async () => {
          const url = new URL(req.url ?? '/', 'http://x');
          const step = Number(/^\/effect\/(\d+)$/.exec(url.pathname)?.[1]);
          const body = JSON.parse(Buffer.concat(chunks).toString() || 'null') as { run?: unknown; node?: unknown; value?: unknown } | null;
          if (req.method !== 'POST' || !step || typeof body?.value !== 'number') {
            res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'POST /effect/<step> with {"value": <number>}' }));
            return;
          }
          const key = String(req.headers['idempotency-key'] ?? '');
          this.requests.push({ at: Date.now(), key, run: String(body.run), node: String(body.node) });
          let answer = key ? this.#answers.get(key) : undefined;
          if (!answer) {
            const value = body.value * 2 + step;
            const delay = Number(url.searchParams.get('delay') ?? 0);
            answer = new Promise((r) => setTimeout(() => r({ value }), delay));
            if (key) this.#answers.set(key, answer);
          }
          const out = await answer;
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(out));
        })().catch((e: unknown) => {
          res.writeHead(500).end(String(e));
        });
      });
    });
  }

  /** Effects applied: keys answered for the first time. */
  get effects(): number {
    return this.#answers.size;
  }

  async start(): Promise<this> {
    this.url = await listenOnLoopback(this.#server);
    return this;
  }

  async close(): Promise<void> {
    await closeServer(this.#server);
  }
}
