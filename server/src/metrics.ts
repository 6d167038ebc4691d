import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { Db } from '@weft/store';
import { createNodeMetrics, SECONDS, type NodeMetrics } from '@weft/workers/process';

/** Prometheus metrics of the API process (and of its in-process worker, embedded); the run and LLM series are read from the database at scrape time. */
export interface Metrics extends NodeMetrics {
  /** Times every HTTP request by method, route pattern and status. */
  http(): MiddlewareHandler;
}

/**
 * Creates the metrics of a process. With `db`, the registry also reports runs by workflow and
 * status and LLM usage, counted from the `run` and `llm_call` tables when scraped: correct however
 * many processes wrote them, so only the API process (or the embedded one) should be given `db`.
 */
export function createMetrics(o: { db?: Db; /** Process metrics too (CPU, memory, event loop): for the processes, not tests. */ defaults?: boolean } = {}): Metrics {
  const node = createNodeMetrics(o);
  const { registry } = node;
  const httpSeconds = new Histogram({
    name: 'weft_http_request_duration_seconds',
    help: 'HTTP request latency by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: SECONDS,
    registers: [registry],
  });
  const { db } = o;
  if (db) {
    new Gauge({
      name: 'weft_runs',
      help: 'Runs by workflow and current status (completed, failed, rolled_back, … only ever grow)',
      labelNames: ['workflow', 'status'] as const,
      registers: [registry],
      async collect() {
        const rows = await db
          .selectFrom('run')
          .select(['workflow_id', 'status', (eb) => eb.fn.countAll<string>().as('n')])
          .groupBy(['workflow_id', 'status'])
          .execute();
        this.reset();
        for (const r of rows) this.set({ workflow: r.workflow_id, status: r.status }, Number(r.n));
      },
    });
    new Counter({
      name: 'weft_runs_started_total',
      help: 'Runs started, by workflow',
      labelNames: ['workflow'] as const,
      registers: [registry],
      async collect() {
        const rows = await db
          .selectFrom('run')
          .select(['workflow_id', (eb) => eb.fn.countAll<string>().as('n')])
          .groupBy('workflow_id')
          .execute();
        this.reset();
        for (const r of rows) this.inc({ workflow: r.workflow_id }, Number(r.n));
      },
    });
    const llmRows = () =>
      db
        .selectFrom('llm_call')
        .select(['provider', 'model', (eb) => eb.fn.sum<string>('input_tokens').as('input'), (eb) => eb.fn.sum<string>('output_tokens').as('output'), (eb) => eb.fn.sum<string>('cost_usd').as('cost')])
        .groupBy(['provider', 'model'])
        .execute();
    new Counter({
      name: 'weft_llm_tokens_total',
      help: 'LLM tokens used, by provider, model and direction (input, output)',
      labelNames: ['provider', 'model', 'direction'] as const,
      registers: [registry],
      async collect() {
        const rows = await llmRows();
        this.reset();
        for (const r of rows) {
          this.inc({ provider: r.provider, model: r.model, direction: 'input' }, Number(r.input ?? 0));
          this.inc({ provider: r.provider, model: r.model, direction: 'output' }, Number(r.output ?? 0));
        }
      },
    });
    new Counter({
      name: 'weft_llm_cost_usd_total',
      help: 'LLM cost in US dollars (from the configured pricing), by provider and model',
      labelNames: ['provider', 'model'] as const,
      registers: [registry],
      async collect() {
        const rows = await llmRows();
        this.reset();
        for (const r of rows) this.inc({ provider: r.provider, model: r.model }, Number(r.cost ?? 0));
      },
    });
  }

  return {
    ...node,
    http: () =>
      async function httpMetrics(c, next) {
        const started = performance.now();
        try {
          await next();
        } finally {
          // The pattern that answered (`/api/runs/:id`), never the raw path: bounded label values.
          const route = routePath(c) || 'unmatched';
          httpSeconds.observe({ method: c.req.method, route, status: String(c.res.status) }, (performance.now() - started) / 1000);
        }
      },
  };
}
