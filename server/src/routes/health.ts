import type { Client } from '@temporalio/client';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Db } from '@weft/store';
import { writeHealthProbe } from '@weft/store/repositories/health.repository';
import { describe } from '../openapi.js';
import { log } from '@weft/workers/process';
import { errorMessage } from '@weft/schemas';

/** What `/readyz` checks. */
export interface HealthDeps {
  readonly db?: Db;
  /** Without it, `/readyz` does not check Temporal. */
  readonly temporal?: Client;
  /** How long each check may take. */
  readonly readyTimeoutMs?: number;
  /** How long an answer is reused, so probes every few seconds from many places cost one check. */
  readonly readyCacheMs?: number;
}

const Check = z.object({ ok: z.boolean(), error: z.string().optional().meta({ description: 'What is wrong, in plain words' }) });
type Check = z.infer<typeof Check>;
const Readiness = z.object({
  status: z.enum(['ok', 'degraded']),
  checks: z.object({ database: Check.optional(), temporal: Check.optional() }),
});
type Readiness = z.infer<typeof Readiness>;

function within<T>(ms: number, what: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)));
  return Promise.race([what, late]).finally(() => clearTimeout(timer));
}

/**
 * `GET /healthz`: liveness, the process is up and serving (restart it when this fails; it checks
 * nothing else, so a database or Temporal outage never gets a healthy process restarted).
 * `GET /readyz`: readiness, the database takes a write and Temporal answers (send no traffic
 * while this fails; the editor shows a banner). Both public.
 */
export function healthRoutes(deps: HealthDeps = {}) {
  const timeoutMs = deps.readyTimeoutMs ?? 2000;
  const cacheMs = deps.readyCacheMs ?? 1000;
  const checks: { name: 'database' | 'temporal'; problem: string; run: () => Promise<unknown> }[] = [];
  if (deps.db) {
    const db = deps.db;
    checks.push({ name: 'database', problem: 'The database cannot take writes', run: () => writeHealthProbe(db) });
  }
  if (deps.temporal) {
    const connection = deps.temporal.connection;
    // Aborted at the timeout, so the client's retries of an unreachable server stop with the check.
    const run = () =>
      connection.withAbortSignal(AbortSignal.timeout(timeoutMs), () => connection.withDeadline(Date.now() + timeoutMs, () => connection.workflowService.getSystemInfo({})));
    checks.push({ name: 'temporal', problem: 'Temporal does not answer', run });
  }

  async function check(): Promise<Readiness> {
    const results = await Promise.all(
      checks.map(async ({ name, problem, run }): Promise<[string, Check]> => {
        try {
          await within(timeoutMs, run());
          return [name, { ok: true }];
        } catch (e) {
          return [name, { ok: false, error: `${problem}: ${errorMessage(e)}` }];
        }
      }),
    );
    return { status: results.every(([, r]) => r.ok) ? 'ok' : 'degraded', checks: Object.fromEntries(results) };
  }

  // Settled answers are kept `cacheMs`; one still being worked out is shared by every caller.
  let cached: { answer: Promise<Readiness>; until: number } | null = null;
  let lastStatus: Readiness['status'] = 'ok';
  function readiness(): Promise<Readiness> {
    if (cached && Date.now() < cached.until) return cached.answer;
    const entry: { answer: Promise<Readiness>; until: number } = { answer: check(), until: Infinity };
    entry.answer = entry.answer.then((r) => {
      entry.until = Date.now() + cacheMs;
      if (r.status !== lastStatus) {
        const problems = Object.values(r.checks).flatMap((c) => (c?.error ? [c.error] : []));
        if (r.status === 'degraded') log.warn(`not ready: ${problems.join('; ')}`, { checks: r.checks });
        else log.info('ready again: the database takes writes and Temporal answers');
        lastStatus = r.status;
      }
      return r;
    });
    cached = entry;
    return entry.answer;
  }

  return new Hono()
    .get('/healthz', describe({ summary: 'Liveness: the process is up (checks nothing else)', tags: ['health'], public: true, responses: { 200: { description: 'Up', schema: z.object({ status: z.literal('ok') }) } } }), (c) => c.json({ status: 'ok' }))
    .get(
      '/readyz',
      describe({
        summary: 'Readiness: the database takes a write and Temporal answers (answers reused for a second)',
        tags: ['health'],
        public: true,
        responses: { 200: { description: 'Ready', schema: Readiness }, 503: { description: 'Degraded: the failing checks say what is wrong', schema: Readiness } },
      }),
      async (c) => {
        const r = await readiness();
        c.header('cache-control', 'no-store');
        return r.status === 'ok' ? c.json(r, 200) : c.json(r, 503);
      },
    );
}
