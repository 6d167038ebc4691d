import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatMessage, LlmCallRecord, LlmService, LlmUsage, LlmUsageStore, ToolCall } from '../services.js';
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
  /** The text of the last plain-text user message (tool results are not prompts). */
  readonly prompt: string;
  /** The conversation decoded back to the neutral form: an error result is told by Anthropic's `is_error`, or by chat completions' `Error: ` prefix (removed). */
  readonly messages: ChatMessage[];
  /** Names of the tools offered. */
  readonly tools: string[];
  /** Whether the answer was asked for as a stream (Server-Sent Events). */
  readonly stream: boolean;
  /** The structured-output schema name (OpenAI `response_format.json_schema.name`), if any. */
  readonly schemaName?: string;
}

/** A tool call the fake answers with; `arguments` as text is sent raw (it may be invalid JSON). */
export interface FakeToolCall {
  /** Default: `call_<n>` (chat completions) or `toolu_<n>` (Anthropic), `n` counting from 1 since the last reset. */
  readonly id?: string;
  readonly name: string;
  readonly arguments: Record<string, unknown> | string;
}

/** How the fake answers one request. */
export interface FakeLlmReply {
  /** The answer text (default `ok`, or none when there are tool calls); objects are sent as JSON text. */
  readonly text?: string | object;
  /** Tool calls, in the request's wire format. */
  readonly toolCalls?: readonly FakeToolCall[];
  /** The wire format's own finish reason (`finish_reason` / `stop_reason`); default: stop, or tool calls when there are some. */
  readonly finish?: string;
  /** HTTP status; not 2xx sends an error body in the wire format's shape. */
  readonly status?: number;
  /** Waits this long before answering. */
  readonly delayMs?: number;
  /** Streamed answers: waits this long between events. */
  readonly chunkDelayMs?: number;
  /** Never answers (until the client gives up or the server closes). */
  readonly hang?: boolean;
  /** Reported usage; default: words in the request's messages and in the answer. */
  readonly usage?: { readonly input: number; readonly output: number };
  /** Sends this body verbatim instead of a well-formed answer (as `text/event-stream` when a stream was asked for). */
  readonly raw?: string;
}

/** Picks the reply for a request. */
export type FakeLlmScript = (request: FakeLlmRequest, index: number) => FakeLlmReply;

type Format = FakeLlmRequest['format'];
/** What the fake answers, decided and in neutral terms; encoded per wire format and mode. */
interface Answer {
  readonly model: unknown;
  readonly text: string;
  readonly toolCalls: readonly { readonly id: string; readonly name: string; readonly arguments: Record<string, unknown> | string }[];
  readonly finish: string;
  readonly usage: { readonly input: number; readonly output: number };
}

/**
 * A local LLM server for tests speaking the OpenAI chat-completions (`…/chat/completions`) and
 * the Anthropic messages (`…/v1/messages`) wire formats on 127.0.0.1, plain or streamed (when
 * the request says `stream: true`), with tool calls. Any path prefix works, so one server can
 * play several providers (`<url>/a/v1`, `<url>/b`). Replies come from a queue (`reply`), else
 * from the script (`script`), else `ok`; every request is recorded.
 * @example const llm = await new FakeLlm().start(); llm.reply({ status: 500 }, { text: 'hi' });
 */
export class FakeLlm {
  readonly requests: FakeLlmRequest[] = [];
  #queue: FakeLlmReply[] = [];
  #script: FakeLlmScript = () => ({});
  #server: Server | undefined;
  #url = '';
  #calls = 0;

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

  /** Forgets queued replies, the script, recorded requests and the tool call count. */
  reset(): this {
    this.#queue = [];
    this.#script = () => ({});
    this.requests.length = 0;
    this.#calls = 0;
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
    if (reply.delayMs) await sleep(reply.delayMs);
    if (res.destroyed) return;
    const status = reply.status ?? 200;
    const ok = status >= 200 && status < 300;
    res.writeHead(status, { 'content-type': request.stream && ok ? 'text/event-stream' : 'application/json' });
    if (reply.raw !== undefined) return void res.end(reply.raw);
    if (!ok) return void res.end(JSON.stringify(errorBody(format, status)));
    const text = typeof reply.text === 'object' ? JSON.stringify(reply.text) : (reply.text ?? (reply.toolCalls?.length ? '' : 'ok'));
    const toolCalls = (reply.toolCalls ?? []).map((c) => ({ ...c, id: c.id ?? `${format === 'openai' ? 'call' : 'toolu'}_${++this.#calls}` }));
    const answer: Answer = {
      model: body.model,
      text,
      toolCalls,
      finish: reply.finish ?? (toolCalls.length ? (format === 'openai' ? 'tool_calls' : 'tool_use') : format === 'openai' ? 'stop' : 'end_turn'),
      usage: reply.usage ?? { input: words(request.system, ...request.messages.filter((m) => m.role !== 'system').map(messageText)), output: words(text, ...toolCalls.map((c) => argumentsText(c.arguments))) },
    };
    if (!request.stream) return void res.end(JSON.stringify(answerBody(format, answer)));
    res.flushHeaders();
    const events = format === 'openai' ? openAiEvents(answer, body?.stream_options?.include_usage === true) : anthropicEvents(answer);
    for (const [i, event] of events.entries()) {
      if (i > 0 && reply.chunkDelayMs) await sleep(reply.chunkDelayMs);
      if (res.destroyed) return;
      res.write(event);
    }
    res.end();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function decode(format: Format, path: string, headers: IncomingMessage['headers'], body: any): FakeLlmRequest {
  const messages = format === 'openai' ? decodeOpenAi(body) : decodeAnthropic(body);
  const system = format === 'anthropic' ? blocksText(body?.system) : messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n\n');
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const tools: string[] = (Array.isArray(body?.tools) ? body.tools : []).map((t: any) => String(format === 'openai' ? t?.function?.name : t?.name));
  const schemaName = body?.response_format?.json_schema?.name;
  return { format, path, headers, body, system, prompt: lastUser?.content ?? '', messages, tools, stream: body?.stream === true, ...(typeof schemaName === 'string' ? { schemaName } : {}) };
}

function decodeOpenAi(body: any): ChatMessage[] {
  const names = new Map<string, string>();
  return (Array.isArray(body?.messages) ? body.messages : []).map((m: any): ChatMessage => {
    if (m.role === 'tool') {
      const content = blocksText(m.content);
      const isError = content.startsWith('Error: ');
      const id = String(m.tool_call_id);
      return { role: 'tool', toolCallId: id, name: names.get(id) ?? String(m.name ?? ''), content: isError ? content.slice('Error: '.length) : content, ...(isError ? { isError } : {}) };
    }
    if (m.role === 'assistant' && Array.isArray(m.tool_calls) && m.tool_calls.length) {
      const toolCalls = m.tool_calls.map((c: any) => decodedCall(String(c.id), String(c.function?.name), c.function?.arguments));
      for (const c of toolCalls) names.set(c.id, c.name);
      return { role: 'assistant', content: blocksText(m.content), toolCalls };
    }
    return { role: m.role === 'system' || m.role === 'assistant' ? m.role : 'user', content: blocksText(m.content) };
  });
}

function decodeAnthropic(body: any): ChatMessage[] {
  const out: ChatMessage[] = body?.system ? [{ role: 'system', content: blocksText(body.system) }] : [];
  const names = new Map<string, string>();
  for (const m of Array.isArray(body?.messages) ? body.messages : []) {
    const blocks: any[] = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : Array.isArray(m.content) ? m.content : [];
    if (m.role === 'assistant') {
      const toolCalls = blocks.filter((b) => b.type === 'tool_use').map((b) => decodedCall(String(b.id), String(b.name), b.input));
      for (const c of toolCalls) names.set(c.id, c.name);
      out.push({ role: 'assistant', content: blocksText(blocks), ...(toolCalls.length ? { toolCalls } : {}) });
      continue;
    }
    for (const b of blocks.filter((x) => x.type === 'tool_result')) {
      const id = String(b.tool_use_id);
      out.push({ role: 'tool', toolCallId: id, name: names.get(id) ?? '', content: blocksText(b.content), ...(b.is_error === true ? { isError: true } : {}) });
    }
    if (blocks.some((b) => b.type === 'text')) out.push({ role: 'user', content: blocksText(blocks) });
  }
  return out;
}

function decodedCall(id: string, name: string, args: unknown): ToolCall {
  if (typeof args !== 'string') return { id, name, arguments: (args ?? {}) as Record<string, unknown> };
  try {
    const value = JSON.parse(args) as unknown;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return { id, name, arguments: value as Record<string, unknown> };
  } catch {
    // Kept raw below, as the gateway keeps it.
  }
  return { id, name, arguments: {}, invalidArguments: args };
}

/** The text of a string or of a list of content blocks (their text blocks joined). */
function blocksText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((b: any) => b?.type === 'text' && typeof b.text === 'string')
    .map((b: any) => b.text as string)
    .join('');
}

function messageText(m: ChatMessage): string {
  return m.role === 'assistant' && m.toolCalls ? [m.content, ...m.toolCalls.map((c) => c.invalidArguments ?? JSON.stringify(c.arguments))].join(' ') : m.content;
}

function argumentsText(args: Record<string, unknown> | string): string {
  return typeof args === 'string' ? args : JSON.stringify(args);
}

/** Anthropic's input is an object; arguments given as text become one when they are a JSON object, and stay (invalid) text otherwise. */
function anthropicInput(args: Record<string, unknown> | string): unknown {
  if (typeof args !== 'string') return args;
  try {
    const value = JSON.parse(args) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : args;
  } catch {
    return args;
  }
}

function words(...texts: string[]): number {
  return texts.join(' ').split(/\s+/).filter(Boolean).length;
}

function answerBody(format: Format, a: Answer) {
  if (format === 'openai') {
    const toolCalls = a.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: argumentsText(c.arguments) } }));
    return {
      id: 'chatcmpl-fake',
      object: 'chat.completion',
      model: a.model,
      choices: [{ index: 0, message: { role: 'assistant', content: a.text === '' && toolCalls.length ? null : a.text, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) }, finish_reason: a.finish }],
      usage: { prompt_tokens: a.usage.input, completion_tokens: a.usage.output, total_tokens: a.usage.input + a.usage.output },
    };
  }
  return {
    id: 'msg_fake',
    type: 'message',
    role: 'assistant',
    model: a.model,
    content: [...(a.text !== '' || a.toolCalls.length === 0 ? [{ type: 'text', text: a.text }] : []), ...a.toolCalls.map((c) => ({ type: 'tool_use', id: c.id, name: c.name, input: anthropicInput(c.arguments) }))],
    stop_reason: a.finish,
    usage: { input_tokens: a.usage.input, output_tokens: a.usage.output },
  };
}

/** Text in streamed pieces: a word (with the space after it) at a time. */
function textChunks(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? (text ? [text] : []);
}

/** Tool arguments in streamed fragments of a few characters, as providers send them. */
function argumentChunks(args: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i += 7) out.push(args.slice(i, i + 7));
  return out;
}

function openAiEvents(a: Answer, includeUsage: boolean): string[] {
  const chunk = (delta: object, finish: string | null = null) => `data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', model: a.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  return [
    chunk({ role: 'assistant', content: '' }),
    ...textChunks(a.text).map((content) => chunk({ content })),
    ...a.toolCalls.flatMap((c, index) => [
      chunk({ tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.name, arguments: '' } }] }),
      ...argumentChunks(argumentsText(c.arguments)).map((fragment) => chunk({ tool_calls: [{ index, function: { arguments: fragment } }] })),
    ]),
    chunk({}, a.finish),
    ...(includeUsage ? [`data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', model: a.model, choices: [], usage: { prompt_tokens: a.usage.input, completion_tokens: a.usage.output, total_tokens: a.usage.input + a.usage.output } })}\n\n`] : []),
    'data: [DONE]\n\n',
  ];
}

function anthropicEvents(a: Answer): string[] {
  const event = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  const text = a.text !== '' || a.toolCalls.length === 0;
  return [
    event('message_start', { message: { id: 'msg_fake', type: 'message', role: 'assistant', model: a.model, content: [], stop_reason: null, usage: { input_tokens: a.usage.input, output_tokens: 1 } } }),
    event('ping', {}),
    ...(text
      ? [
          event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
          ...textChunks(a.text).map((t) => event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: t } })),
          event('content_block_stop', { index: 0 }),
        ]
      : []),
    ...a.toolCalls.flatMap((c, i) => {
      const index = i + (text ? 1 : 0);
      return [
        event('content_block_start', { index, content_block: { type: 'tool_use', id: c.id, name: c.name, input: {} } }),
        ...argumentChunks(argumentsText(c.arguments)).map((partial_json) => event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json } })),
        event('content_block_stop', { index }),
      ];
    }),
    event('message_delta', { delta: { stop_reason: a.finish, stop_sequence: null }, usage: { output_tokens: a.usage.output } }),
    event('message_stop', {}),
  ];
}

function errorBody(format: Format, status: number) {
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
