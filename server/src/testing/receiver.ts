import { createServer, type IncomingMessage, type Server } from 'node:http';
import { closeServer, listenOnLoopback } from './loopback.js';

/** What the receiver saw for one idempotency key. */
export interface KeyRecord {
  /** Requests that carried the key. */
  requests: number;
  /** Times its effect was applied: exactly once when the key is honoured. */
  effects: number;
  body: unknown;
}

/** Options of the receiver. */
export interface ReceiverOptions {
  /** Delay before answering a first request (a slow side effect). */
  readonly delayMs?: number;
  /** Answer the first N requests of each key with this status before succeeding. */
  readonly failFirst?: { readonly times: number; readonly status: number };
  /** Always answer with this status. */
  readonly status?: number;
}

/**
 * A local HTTP service with an idempotent side effect: the first request with a key applies
 * the effect; repeats (retries after a crash) get the first answer without a second effect.
 * Paths under `/echo` answer with the request's headers and query instead.
 */
export class Receiver {
  readonly keys = new Map<string, KeyRecord>();
  readonly headers: Record<string, string | string[] | undefined>[] = [];
  /** Every request in arrival order. */
  readonly log: { method: string; path: string; key: string; query: string }[] = [];
  #server: Server;
  #waiters: { key: string; resolve: () => void }[] = [];
  #pending = new Map<string, Promise<void>>();
  url = '';

  constructor(readonly options: ReceiverOptions = {}) {
    this.#server = createServer((req, res) => {
      void this.#handle(req).then(
        ({ status, body }) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
    });
  }

  /** Starts listening on a free loopback port. */
  async start(): Promise<this> {
    this.url = await listenOnLoopback(this.#server);
    return this;
  }

  /** Resolves once a request with `key` has arrived. */
  waitForKey(key: string): Promise<void> {
    if (this.keys.has(key)) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ key, resolve }));
  }

  async close(): Promise<void> {
    await closeServer(this.#server);
  }

  async #handle(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString();
    const body: unknown = text ? JSON.parse(text) : null;
    this.headers.push(req.headers);
    const key = String(req.headers['idempotency-key'] ?? '');
    const url = new URL(req.url ?? '/', 'http://x');
    this.log.push({ method: req.method ?? 'GET', path: url.pathname, key, query: url.search });
    let rec = this.keys.get(key);
    if (!rec) {
      rec = { requests: 0, effects: 0, body };
      this.keys.set(key, rec);
    }
    rec.requests++;
    for (const w of this.#waiters.filter((w) => w.key === key)) w.resolve();
    this.#waiters = this.#waiters.filter((w) => w.key !== key);

    const asked = Number(url.searchParams.get('status'));
    // Under /echo it answers with what it was sent, headers and query included, as a careless service might.
    if (url.pathname.startsWith('/echo')) return { status: asked >= 400 ? asked : 200, body: { path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers } };
    if (asked >= 400) return { status: asked, body: { error: `answering ${asked} as asked` } };
    if (this.options.status) return { status: this.options.status, body: { error: 'refused' } };
    if (this.options.failFirst && rec.requests <= this.options.failFirst.times) return { status: this.options.failFirst.status, body: { error: 'try again' } };

    // One effect per key: a repeat waits for the first to finish and gets the same answer.
    let effect = this.#pending.get(key);
    if (!effect) {
      const record = rec;
      effect = (async () => {
        record.effects++;
        const delay = Number(url.searchParams.get('delay') ?? this.options.delayMs ?? 0);
        if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      })();
      this.#pending.set(key, effect);
    }
    await effect;
    return { status: 200, body: { id: `effect-${key}`, received: rec.body, effects: rec.effects } };
  }
}
