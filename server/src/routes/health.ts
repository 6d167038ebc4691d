import type { Client } from '@temporalio/client';
import { Hono } from 'hono';
import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import { describe } from '../openapi.js';

/** What `/readyz` checks. */
export interface HealthDeps {
  readonly db?: Db;
  /** Without it, `/readyz` does not check Temporal. */
  readonly temporal?: Client;
  /** How long each check may take. */
  readonly readyTimeoutMs?: number;
}

function within<T>(ms: number, what: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)));
  return Promise.race([what, late]).finally(() => clearTimeout(timer));
}

/** `GET /healthz`: the process is up. `GET /readyz`: the database and Temporal answer. Both public. */
export function healthRoutes(deps: HealthDeps = {}) {
  const timeoutMs = deps.readyTimeoutMs ?? 2000;
  const checks: Record<string, () => Promise<unknown>> = {};
  if (deps.db) checks['database'] = () => sql`select 1`.execute(deps.db!);
  if (deps.temporal) {
    const connection = deps.temporal.connection;
    // Aborted at the timeout, so the client's retries of an unreachable server stop with the check.
    checks['temporal'] = () =>
      connection.withAbortSignal(AbortSignal.timeout(timeoutMs), () => connection.withDeadline(Date.now() + timeoutMs, () => connection.workflowService.getSystemInfo({})));
  }
  return new Hono()
    .get('/healthz', describe({ summary: 'The process is up', tags: ['health'], public: true }), (c) => c.json({ status: 'ok' }))
    .get('/readyz', describe({ summary: 'The database and Temporal answer', tags: ['health'], public: true }), async (c) => {
      const results = await Promise.all(
        Object.entries(checks).map(async ([name, check]) => {
          try {
            await within(timeoutMs, check());
            return [name, { ok: true }] as const;
          } catch (e) {
            return [name, { ok: false, error: (e as Error).message }] as const;
          }
        }),
      );
      const out = Object.fromEntries(results) as Record<string, { ok: boolean; error?: string }>;
      const failing = results.filter(([, r]) => !r.ok).map(([n]) => n);
      if (failing.length) return c.json({ ok: false, failing, checks: out }, 503);
      return c.json({ ok: true, checks: out });
    });
}
