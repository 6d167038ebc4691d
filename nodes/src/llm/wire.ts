import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { NodeError } from '../context.js';
import type { ChatMessage, FinishReason, ToolCall, ToolSpec } from '../services.js';
import type { LlmProviderConfig } from './config.js';

/** One call to one provider, in provider-neutral terms. */
export interface ProviderCall {
  readonly messages: readonly ChatMessage[];
  readonly model: string;
  readonly temperature?: number;
  readonly maxTokens?: number;
  readonly json?: { readonly name: string; readonly schema: Readonly<Record<string, unknown>> };
  readonly tools?: readonly ToolSpec[];
  readonly toolChoice?: 'auto' | 'none' | 'required';
  /** Set: stream the answer and pass each text delta here. */
  readonly onText?: (delta: string) => void;
  readonly apiKey?: string;
  /** The attempt's signal combined with the call's time limit. */
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
}

/** What a provider answered. */
export interface ProviderAnswer {
  readonly text: string;
  /** The tools the model asked to call; empty when none. */
  readonly toolCalls: readonly ToolCall[];
  readonly finishReason: FinishReason;
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
    const res = await post(doFetch, url, headers, body, call);
    status = res.status;
    text = await res.text();
  } catch (e) {
    throw transportFailure(e, call, `no answer within ${call.timeoutMs} ms`);
  }
  if (status < 200 || status >= 300) throw statusFailure(status, text);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ProviderFailure('the answer is not JSON', true, status);
  }
}

/** Streamed events buffered past this many characters mean a broken or hostile server. */
const MAX_EVENT_CHARS = 16 * 1024 * 1024;

/**
 * POSTs JSON asking for a Server-Sent Events answer and passes each event's data (with its
 * `event` name, when the server sends one) to `onEvent` as it arrives; resolves when the stream
 * ends. Fails like {@link postJson}: error statuses, timeouts (also mid-stream) and lost
 * connections become {@link ProviderFailure}s; whatever `onEvent` throws ends the stream and is
 * thrown as it is.
 */
export async function postStream(doFetch: typeof fetch, url: string, headers: Record<string, string>, body: unknown, call: ProviderCall, onEvent: (event: EventSourceMessage) => void): Promise<void> {
  let res: Response;
  try {
    res = await post(doFetch, url, { accept: 'text/event-stream', ...headers }, body, call);
  } catch (e) {
    throw transportFailure(e, call, `no answer within ${call.timeoutMs} ms`);
  }
  if (res.status < 200 || res.status >= 300) {
    let text: string;
    try {
      text = await res.text();
    } catch (e) {
      throw transportFailure(e, call, `no answer within ${call.timeoutMs} ms`);
    }
    throw statusFailure(res.status, text);
  }
  if (!res.body) throw new ProviderFailure('the answer has no body', true, res.status);
  // Events are queued and handled between reads, so a throwing handler never leaves the parser half-way.
  const events: EventSourceMessage[] = [];
  let overflow = false;
  const parser = createParser({
    onEvent: (event) => events.push(event),
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded') overflow = true;
    },
    maxBufferSize: MAX_EVENT_CHARS,
  });
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let done = false;
  try {
    while (!done) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (e) {
        throw transportFailure(e, call, `the answer did not finish within ${call.timeoutMs} ms`);
      }
      done = chunk.done;
      parser.feed(done ? decoder.decode() : decoder.decode(chunk.value, { stream: true }));
      if (overflow) throw new ProviderFailure(`the answer stream sent an event over ${MAX_EVENT_CHARS} characters`, true, res.status);
      for (const event of events.splice(0)) onEvent(event);
    }
  } finally {
    if (!done) reader.cancel().catch(() => undefined);
  }
}

/** Parses a streamed event's data as JSON; a garbled event fails the call over. */
export function eventJson(event: EventSourceMessage): unknown {
  try {
    return JSON.parse(event.data) as unknown;
  } catch {
    throw new ProviderFailure(`the answer stream sent an event that is not JSON: ${event.data.slice(0, 100)}`, true);
  }
}

function post(doFetch: typeof fetch, url: string, headers: Record<string, string>, body: unknown, call: ProviderCall): Promise<Response> {
  // Redirects are refused: an API key must never follow one to another host.
  return doFetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal: call.signal, redirect: 'error' });
}

/** What a failed fetch or read means: a time-out or lost connection to fail over from; a cancellation or NodeError as it is. */
function transportFailure(e: unknown, call: ProviderCall, timedOut: string): unknown {
  if (e instanceof NodeError || e instanceof ProviderFailure) return e;
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError' || (call.signal.reason as Error | undefined)?.name === 'TimeoutError') return new ProviderFailure(timedOut, true);
  if (call.signal.aborted) return e;
  return new ProviderFailure(`connection failed: ${err.cause?.code ?? err.cause?.message ?? err.message}`, true);
}

function statusFailure(status: number, text: string): ProviderFailure {
  const detail = errorDetail(text);
  return new ProviderFailure(`HTTP ${status}${detail ? `: ${detail}` : ''}`, failsOver(status), status);
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

/**
 * A tool call from the model's arguments: a JSON object's text (chat completions, streamed
 * fragments) or an object (Anthropic). Anything that is not a JSON object is kept raw in
 * `invalidArguments` so the caller can tell the model; empty text counts as no arguments.
 */
export function toolCall(id: string, name: string, args: unknown): ToolCall {
  let value = args;
  if (typeof args === 'string') {
    if (args.trim() === '') return { id, name, arguments: {} };
    try {
      value = JSON.parse(args) as unknown;
    } catch {
      return { id, name, arguments: {}, invalidArguments: args };
    }
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return { id, name, arguments: value as Record<string, unknown> };
  return { id, name, arguments: {}, invalidArguments: typeof args === 'string' ? args : JSON.stringify(args) };
}

/** A finish reason, taking tool calls into account: some compatible servers say `stop` when the model asked for tools. */
export function finishOf(reason: FinishReason, toolCalls: readonly ToolCall[]): FinishReason {
  return reason === 'stop' && toolCalls.length > 0 ? 'tool_calls' : reason;
}

/** Tool call ids as every wire format accepts them (Anthropic allows only letters, digits, `_` and `-`), so a transcript can move between providers. */
export function wireId(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '_') || 'call';
}
