import { api } from './client';

/** One check of `/readyz`; `error` says what is wrong in plain words. */
export interface ReadinessCheck {
  readonly ok: boolean;
  readonly error?: string;
}

/** What `/readyz` answered, or `unreachable` when the server gave no readiness answer at all. */
export type Readiness =
  | { readonly status: 'ok' | 'degraded'; readonly checks: { readonly database?: ReadinessCheck; readonly temporal?: ReadinessCheck } }
  | { readonly status: 'unreachable' };

/** `GET /readyz` (public): whether the database takes writes and Temporal answers. */
export async function getReadiness(options: { signal?: AbortSignal } = {}): Promise<Readiness> {
  try {
    const res = await api.readyz.$get(undefined, { init: options.signal ? { signal: options.signal } : {} });
    // 503 carries the same body as 200, naming the failing checks.
    if (res.status === 200 || res.status === 503) return await res.json();
  } catch (e) {
    if (options.signal?.aborted) throw e;
  }
  return { status: 'unreachable' };
}

/** What a person is told while the product cannot do its work; empty when all is well. */
export function degradedMessages(r: Readiness): string[] {
  if (r.status === 'unreachable') return ['Weft’s server does not answer: nothing can be saved or run until it is back'];
  const out: string[] = [];
  if (r.checks.database && !r.checks.database.ok) out.push('The database cannot take writes: nothing can be saved');
  if (r.checks.temporal && !r.checks.temporal.ok) out.push('Weft cannot reach Temporal: runs are paused until it is back');
  return out;
}
