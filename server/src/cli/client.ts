import type { ApiIssue, RunEvent } from '@weft/schemas';
import { EventSourceParserStream, type EventSourceMessage } from 'eventsource-parser/stream';
import { runningInstance } from '../runtime/control-file.js';

/** Where the API answers when neither `WEFT_URL` nor a running embedded Weft says otherwise. */
export const DEFAULT_URL = 'http://127.0.0.1:7300';

/** A command used wrongly: the CLI prints the message and exits with 2. */
export class UsageError extends Error {}

/** An error answer of the API, in Weft's error shape. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: readonly ApiIssue[] = [],
  ) {
    super(message);
  }
}

/** The API's base URL: `WEFT_URL`, else the embedded instance running from `dataDir`, else the default. */
export function apiUrl(env: NodeJS.ProcessEnv, dataDir: string): string {
  const url = env['WEFT_URL'] ?? runningInstance(dataDir)?.url ?? DEFAULT_URL;
  return url.replace(/\/+$/, '');
}

/** A small client of Weft's HTTP API, authenticated with a bearer token. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  /** Builds a client from the environment; throws a usage error when `WEFT_TOKEN` is missing. */
  static fromEnv(env: NodeJS.ProcessEnv, dataDir: string): ApiClient {
    const token = env['WEFT_TOKEN'];
    if (!token) throw new UsageError('WEFT_TOKEN is not set: create a token with `weft token create --role operator` and export WEFT_TOKEN=<token>');
    return new ApiClient(apiUrl(env, dataDir), token);
  }

  /** Sends a request and returns the parsed JSON answer, or throws an {@link ApiFailure}. */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.fetch(path, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw failure(res.status, text);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Every item of a list endpoint, following `nextCursor` when the endpoint pages. */
  async listAll<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | undefined;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const page = await this.request<{ items: T[]; nextCursor?: string | null }>('GET', cursor ? `${path}${sep}cursor=${encodeURIComponent(cursor)}` : path);
      items.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return items;
  }

  /**
   * Reads a run's event stream (server-sent events) and calls `onEvent` for each event until the
   * server ends the stream, which it does once the run has ended. Resumes after a dropped connection.
   */
  async events(runId: string, onEvent: (e: RunEvent) => void, isOver: () => Promise<boolean>): Promise<void> {
    let last = 0;
    for (;;) {
      const res = await this.fetch(`/api/runs/${encodeURIComponent(runId)}/events`, {
        headers: { authorization: `Bearer ${this.token}`, accept: 'text/event-stream', ...(last ? { 'last-event-id': String(last) } : {}) },
      });
      if (!res.ok || !res.body) throw failure(res.status, await res.text());
      const events = res.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
      try {
        for await (const message of events as unknown as AsyncIterable<EventSourceMessage>) {
          if (!message.data) continue;
          const event = JSON.parse(message.data) as RunEvent;
          last = event.id;
          onEvent(event);
        }
      } catch {
        // A dropped connection: ask again from the last event seen, unless the run is over.
      }
      if (await isOver()) return;
    }
  }

  private async fetch(path: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(`${this.baseUrl}${path}`, init);
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      throw new ApiFailure(0, 'unreachable', `cannot reach Weft at ${this.baseUrl}${cause ? ` (${cause})` : ''}: start it with \`weft start\` or set WEFT_URL`);
    }
  }
}

function failure(status: number, text: string): ApiFailure {
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string; issues?: ApiIssue[] } };
    if (body.error?.message) return new ApiFailure(status, body.error.code ?? `http_${status}`, body.error.message, body.error.issues ?? []);
  } catch {
    // not Weft's error shape; report the text as it came
  }
  return new ApiFailure(status, `http_${status}`, text.trim() || `the server answered ${status}`);
}
