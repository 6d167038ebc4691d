import { NodeError } from '../context.js';
import type { ChatMessage } from '../services.js';
import type { LlmProviderConfig } from './config.js';

/** One call to one provider, in provider-neutral terms. */
export interface ProviderCall {
  readonly messages: readonly ChatMessage[];
  readonly model: string;
  readonly temperature?: number;
  readonly maxTokens?: number;
  readonly json?: { readonly name: string; readonly schema: Readonly<Record<string, unknown>> };
  readonly apiKey?: string;
  /** The attempt's signal combined with the call's time limit. */
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
}

/** What a provider answered. */
export interface ProviderAnswer {
  readonly text: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** The model the provider says it used, when it says. */
  readonly model?: string;
}

/** Speaks one provider wire format. */
export type ProviderClient = (doFetch: typeof fetch, provider: LlmProviderConfig, call: ProviderCall) => Promise<ProviderAnswer>;

/**
 * A provider call that failed. `failover` says whether another provider (or a later attempt)
 * could do better: rate limits, server errors, timeouts, lost connections and garbled answers
 * can; a request the provider refused (400, 401, 403, 404, …) would be refused again.
 */
export class ProviderFailure extends Error {
  override readonly name = 'ProviderFailure';
  constructor(
    message: string,
    readonly failover: boolean,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Statuses another provider may not share: overload, rate limits, server trouble. */
function failsOver(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/** POSTs JSON and returns the parsed JSON answer, turning every way it can fail into a {@link ProviderFailure}. */
export async function postJson(doFetch: typeof fetch, url: string, headers: Record<string, string>, body: unknown, call: ProviderCall): Promise<unknown> {
  let text: string;
  let status: number;
  try {
    // Redirects are refused: an API key must never follow one to another host.
    const res = await doFetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal: call.signal, redirect: 'error' });
    status = res.status;
    text = await res.text();
  } catch (e) {
    if (e instanceof NodeError) throw e;
    const err = e as Error & { cause?: { code?: string; message?: string } };
    if (err.name === 'TimeoutError' || (call.signal.reason as Error | undefined)?.name === 'TimeoutError') {
      throw new ProviderFailure(`no answer within ${call.timeoutMs} ms`, true);
    }
    if (call.signal.aborted) throw e;
    throw new ProviderFailure(`connection failed: ${err.cause?.code ?? err.cause?.message ?? err.message}`, true);
  }
  if (status < 200 || status >= 300) {
    const detail = errorDetail(text);
    throw new ProviderFailure(`HTTP ${status}${detail ? `: ${detail}` : ''}`, failsOver(status), status);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ProviderFailure('the answer is not JSON', true, status);
  }
}

/** The provider's own explanation of an error answer, shortened. */
function errorDetail(text: string): string {
  let detail = text;
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    const m = typeof body.error === 'string' ? body.error : (body.error?.message ?? body.message);
    if (typeof m === 'string') detail = m;
  } catch {
    // Not JSON: the text itself is the best explanation there is.
  }
  detail = detail.replace(/\s+/g, ' ').trim();
  return detail.length > 300 ? `${detail.slice(0, 300)}…` : detail;
}

/** The instruction that asks for JSON where the wire format has no structured output. */
export function jsonInstruction(schema: Readonly<Record<string, unknown>>): string {
  return `Answer with one JSON value and nothing else (no prose, no code fences). It must follow this JSON Schema:\n${JSON.stringify(schema)}`;
}

/** A whole number of tokens from a usage field; 0 when absent. */
export function tokens(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.round(v) : 0;
}
