import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LlmCallRecord, LlmService, LlmUsage, LlmUsageStore } from '../services.js';
import type { LlmProviderConfigInput } from '../llm/config.js';
import { createLlmGateway } from '../llm/gateway.js';

/** A request the fake server received, decoded. */
export interface FakeLlmRequest {
  /** Which wire format it spoke: chat completions or Anthropic messages. */
  readonly format: 'openai' | 'anthropic';
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: any;
  /** The system prompt (Anthropic `system`, or the OpenAI system messages joined). */
  readonly system: string;
  /** The text of the last user message. */
  readonly prompt: string;
  /** The structured-output schema name (OpenAI `response_format.json_schema.name`), if any. */
  readonly schemaName?: string;
}

/** How the fake answers one request. */
export interface FakeLlmReply {
  /** The answer text (default `ok`); objects are sent as JSON text. */
  readonly text?: string | object;
  /** HTTP status; not 2xx sends an error body in the wire format's shape. */
  readonly status?: number;
  /** Waits this long before answering. */
  readonly delayMs?: number;
  /** Never answers (until the client gives up or the server closes). */
  readonly hang?: boolean;
  /** Reported usage; default: words in the request's messages and in the answer. */
  readonly usage?: { readonly input: number; readonly output: number };
  /** Sends this body verbatim instead of a well-formed answer. */
  readonly raw?: string;
}

/** Picks the reply for a request. */
export type FakeLlmScript = (request: FakeLlmRequest, index: number) => FakeLlmReply;

/**
 * A local LLM server for tests speaking the OpenAI chat-completions (`…/chat/completions`) and
 * the Anthropic messages (`…/v1/messages`) wire formats on 127.0.0.1. Any path prefix works,
 * so one server can play several providers (`<url>/a/v1`, `<url>/b`). Replies come from a queue
 * (`reply`), else from the script (`script`), else `ok`; every request is recorded.
 * @example const llm = await new FakeLlm().start(); llm.reply({ status: 500 }, { text: 'hi' });
 */
export class FakeLlm {
  readonly requests: FakeLlmRequest[] = [];
  #queue: FakeLlmReply[] = [];
  #script: FakeLlmScript = () => ({});
  #server: Server | undefined;
  #url = '';

  /** `http://127.0.0.1:<port>`, once started. */
  get url(): string {
    return this.#url;
  }

  /** Listens on a random loopback port. */
  async start(): Promise<this> {
    const server = createServer((req, res) => void this.#handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.#server = server;
    this.#url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  /** Queues replies for the next requests, in order. */
  reply(...replies: FakeLlmReply[]): this {
    this.#queue.push(...replies);
    return this;
  }

  /** Answers requests the queue does not cover. */
  script(script: FakeLlmScript): this {
    this.#script = script;
    return this;
  }

  /** Forgets queued replies, the script and recorded requests. */
  reset(): this {
    this.#queue = [];
    this.#script = () => ({});
    this.requests.length = 0;
    return this;
  }

  /** Stops listening and drops open (hanging) connections. */
  async close(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += (chunk as Buffer).toString();
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const format = path.endsWith('/chat/completions') ? 'openai' : path.endsWith('/v1/messages') ? 'anthropic' : undefined;
    if (req.method !== 'POST' || !format) return void res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no route ${req.method} ${path}` } }));
    let body: any;
    try {
      body = JSON.parse(raw);
    } catch {
      return void res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'body is not JSON' } }));
    }
    const request = decode(format, path, req.headers, body);
    const index = this.requests.push(request) - 1;
    const reply = this.#queue.shift() ?? this.#script(request, index);
    if (reply.hang) return;
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    if (res.destroyed) return;
    const status = reply.status ?? 200;
    res.writeHead(status, { 'content-type': 'application/json' });
    if (reply.raw !== undefined) return void res.end(reply.raw);
    if (status < 200 || status >= 300) return void res.end(JSON.stringify(errorBody(format, status)));
    const text = typeof reply.text === 'object' ? JSON.stringify(reply.text) : (reply.text ?? 'ok');
    const usage = reply.usage ?? { input: words(request.system, ...messagesText(format, body)), output: words(text) };
    res.end(JSON.stringify(answerBody(format, body.model, text, usage)));
  }
}

/** Starts a {@link FakeLlm}. */
export function startFakeLlm(): Promise<FakeLlm> {
  return new FakeLlm().start();
}

function decode(format: 'openai' | 'anthropic', path: string, headers: IncomingMessage['headers'], body: any): FakeLlmRequest {
  const messages: { role: string; content: unknown }[] = Array.isArray(body?.messages) ? body.messages : [];
  const system = format === 'anthropic' ? String(body?.system ?? '') : messages.filter((m) => m.role === 'system').map((m) => String(m.content)).join('\n\n');
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const schemaName = body?.response_format?.json_schema?.name;
  return { format, path, headers, body, system, prompt: String(lastUser?.content ?? ''), ...(typeof schemaName === 'string' ? { schemaName } : {}) };
}

function messagesText(format: 'openai' | 'anthropic', body: any): string[] {
  const messages: { role: string; content: unknown }[] = Array.isArray(body?.messages) ? body.messages : [];
  return messages.filter((m) => format === 'anthropic' || m.role !== 'system').map((m) => String(m.content));
}

function words(...texts: string[]): number {
  return texts.join(' ').split(/\s+/).filter(Boolean).length;
}

function answerBody(format: 'openai' | 'anthropic', model: unknown, text: string, usage: { input: number; output: number }) {
  if (format === 'openai') {
    return {
      id: 'chatcmpl-fake',
      object: 'chat.completion',
      model,
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
      usage: { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output },
    };
  }
  return {
    id: 'msg_fake',
    type: 'message',
    role: 'assistant',
    model,
    content: [{ type: 'text', text }],
    stop_reason: 'end_turn',
    usage: { input_tokens: usage.input, output_tokens: usage.output },
  };
}

function errorBody(format: 'openai' | 'anthropic', status: number) {
  const message = `fake failure ${status}`;
  return format === 'openai' ? { error: { message, type: 'server_error' } } : { type: 'error', error: { type: 'api_error', message } };
}

/**
 * An in-memory {@link LlmUsageStore} for tests: records calls, sums them into the usage, and
 * reports the budget and workflow provider chain a test sets.
 */
export class MemoryLlmUsage implements LlmUsageStore {
  readonly calls: LlmCallRecord[] = [];
  budget: LlmUsage['budget'];
  providers: readonly string[] | undefined;

  constructor(o: { budget?: LlmUsage['budget']; providers?: readonly string[] } = {}) {
    this.budget = o.budget ?? {};
    this.providers = o.providers;
  }

  async recordLlmCall(call: LlmCallRecord): Promise<void> {
    this.calls.push(call);
  }

  async llmUsage(runId: string): Promise<LlmUsage> {
    const mine = this.calls.filter((c) => c.runId === runId);
    return {
      tokens: mine.reduce((n, c) => n + c.inputTokens + c.outputTokens, 0),
      costUsd: mine.reduce((n, c) => n + c.costUsd, 0),
      budget: this.budget,
      ...(this.providers ? { providers: this.providers } : {}),
    };
  }
}

/**
 * `ctx.llm` for executor tests: a gateway over `providers` (typically pointing at a
 * {@link FakeLlm}), bound to one attempt of run `run_test`, node `node`, recording into `usage`.
 * @example const { llm, usage } = testLlm([{ name: 'fake', type: 'openai', baseUrl: `${fake.url}/v1`, model: 'm' }]);
 */
export function testLlm(providers: readonly LlmProviderConfigInput[], o: { usage?: MemoryLlmUsage; secrets?: Readonly<Record<string, string>>; runId?: string; nodeId?: string } = {}): { llm: LlmService; usage: MemoryLlmUsage } {
  const usage = o.usage ?? new MemoryLlmUsage();
  const llm = createLlmGateway({ providers }).forAttempt({
    runId: o.runId ?? 'run_test',
    nodeId: o.nodeId ?? 'node',
    attempt: 1,
    signal: new AbortController().signal,
    secret: async (name) => {
      const v = o.secrets?.[name];
      if (v === undefined) throw new Error(`there is no secret named "${name}"`);
      return v;
    },
    usage,
  });
  return { llm, usage };
}
