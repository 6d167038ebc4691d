/**
 * What the host process gives executors beyond the basics: LLMs, embeddings, knowledge
 * collections, secrets and the audit log. Only interfaces live here (isomorphic, no I/O); the
 * worker wires implementations in, so plugins see the same services as the built-ins.
 */

import type { AgentToolCall, ExpressionScope, LlmCallFigures } from '@weft/schemas';
import type { CodeJob } from './sandbox/protocol.js';

/** A tool the model may call. */
export interface ToolSpec {
  readonly name: string;
  readonly description: string;
  /** JSON Schema of the arguments (an object schema). */
  readonly parameters: Readonly<Record<string, unknown>>;
}

/** A call the model asked for. `arguments` is the parsed object; when the model sent arguments that are not a JSON object, `arguments` is `{}` and `invalidArguments` holds the raw text. */
export type ToolCall = AgentToolCall;

/**
 * One message of a chat exchange, provider-neutral (nothing in it belongs to one wire format, so
 * a conversation begun on one provider can go on at another): system and user text, the
 * assistant's answers with the tool calls it asked for, and the results of those calls.
 */
export type ChatMessage =
  | { readonly role: 'system' | 'user'; readonly content: string }
  | { readonly role: 'assistant'; readonly content: string; readonly toolCalls?: readonly ToolCall[] }
  | { readonly role: 'tool'; readonly toolCallId: string; readonly name: string; readonly content: string; readonly isError?: boolean };

/** Why the model stopped: it finished, it asked for tools, it hit the token limit, or anything else. */
export type FinishReason = 'stop' | 'tool_calls' | 'length' | 'other';

/** A completion request, provider-neutral. */
export interface LlmRequest {
  readonly messages: readonly ChatMessage[];
  /** Provider names in failover order; default: the configured chain. */
  readonly providers?: readonly string[];
  /** Model id; default: each provider's own default model. */
  readonly model?: string;
  readonly temperature?: number;
  readonly maxTokens?: number;
  /** Asks for a JSON answer following this JSON Schema (structured output where the provider has it). */
  readonly json?: { readonly name: string; readonly schema: Readonly<Record<string, unknown>> };
  /** Time limit of one provider call. */
  readonly timeoutMs?: number;
  /** Tools the model may call; the calls it asks for come back in {@link LlmResult.toolCalls}. */
  readonly tools?: readonly ToolSpec[];
  /** Whether the model may (`auto`, the providers' default), must not or must call a tool; sent only with tools. */
  readonly toolChoice?: 'auto' | 'none' | 'required';
  /**
   * Streams the answer: each piece of text is passed here as it arrives. The result is the same
   * as without it. When a provider fails mid-stream and another one answers, the text already
   * passed came from the failed one; the result holds the answering provider's text.
   */
  readonly onText?: (delta: string) => void;
}

/** The answer of the provider that served a request. */
export interface LlmResult extends LlmCallFigures {
  readonly text: string;
  /** The tools the model asked to call, in its order; empty when none. */
  readonly toolCalls: readonly ToolCall[];
  readonly finishReason: FinishReason;
}

/** LLM completions with failover, circuit breakers and the run's budget applied. */
export interface LlmService {
  complete(request: LlmRequest): Promise<LlmResult>;
}

/** One provider call, as recorded against the node attempt that made it. */
export interface LlmCallRecord extends LlmCallFigures {
  readonly runId: string;
  readonly nodeId: string;
  readonly attempt: number;
  readonly item?: number;
  /** Why the call failed; absent when it succeeded. */
  readonly error?: string;
}

/** A run's LLM spending so far and its limits. */
export interface LlmUsage {
  readonly tokens: number;
  readonly costUsd: number;
  readonly budget: { readonly tokens?: number; readonly costUsd?: number };
  /** The workflow's provider chain (`settings.providers`), used when a node names none. */
  readonly providers?: readonly string[];
}

/** Where LLM calls are recorded and budgets read. */
export interface LlmUsageStore {
  recordLlmCall(call: LlmCallRecord): Promise<void>;
  llmUsage(runId: string): Promise<LlmUsage>;
}

/** What one node attempt's LLM service is bound to. */
export interface LlmScope {
  readonly runId: string;
  readonly nodeId: string;
  readonly attempt: number;
  readonly item?: number;
  readonly signal: AbortSignal;
  /** Reads a secret (provider API keys) for a request to `destination`; fails when the secret is not bound there. */
  readonly secret: (name: string, destination: URL) => Promise<string>;
  readonly usage: LlmUsageStore;
}

/** The worker's LLM providers; hands each attempt a service bound to it. */
export interface LlmGateway {
  forAttempt(scope: LlmScope): LlmService;
}

/** Turns texts into vectors of a fixed size. */
export interface Embedder {
  /** Stable id stored with a collection, e.g. `local-hash-384` or `openai:text-embedding-3-small`. */
  readonly id: string;
  readonly dimensions: number;
  embed(texts: readonly string[], signal?: AbortSignal): Promise<number[][]>;
}

/** The embedders a worker knows, by name; `default` when none is named. */
export interface EmbedderSet {
  get(name?: string): Embedder;
  names(): string[];
}

/** Appends to the audit log. */
export type AuditWriter = (entry: {
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly details?: Record<string, unknown>;
}) => Promise<void>;

/** A stored secret as activities read it: the value and the hosts it may be sent to. */
export interface StoredSecret {
  readonly value: string;
  /** Destination patterns (`api.example.com`, `*.example.com:8443`, `http://host/v1/`); `null` when stored before bindings: sent nowhere. */
  readonly hosts: readonly string[] | null;
}

/** Reads decrypted secrets; only activities hold one. */
export interface SecretReader {
  get(name: string): Promise<StoredSecret | undefined>;
}

// Imported here, beside its only use, so the LLM types above stay as they are.
import type { McpServerParams } from './execution/mcp/definition.js';

/** MCP servers a node may reach: HTTP URLs through the SSRF-guarded fetch, stdio commands only from the operator's list. */
export interface McpConnector {
  /** Opens a session with a server; fails with `McpUnavailable` (retryable) or `McpCommandNotAllowed`. Close it when done. */
  connect(server: McpServerParams, options: { signal: AbortSignal; secret: (name: string, destination: URL) => Promise<string> }): Promise<McpSession>;
}

/** An open session with one MCP server. */
export interface McpSession {
  /** Every tool the server offers (all pages). */
  listTools(): Promise<McpToolInfo[]>;
  /** Calls a tool; an unknown tool fails with `McpToolNotFound`, a tool's own failure comes back with `isError`. */
  callTool(name: string, args: Readonly<Record<string, unknown>>, signal: AbortSignal): Promise<{ content: unknown[]; structuredContent?: unknown; isError: boolean }>;
  /** Ends the session (and stops a stdio server's process); safe to call twice. */
  close(): Promise<void>;
}

/** One tool of an MCP server. */
export interface McpToolInfo {
  readonly name: string;
  readonly description: string;
  /** JSON Schema of the tool's arguments. */
  readonly inputSchema: Readonly<Record<string, unknown>>;
}

/**
 * Where user code and expressions run: sandbox processes the engine can stop from outside, so a runaway
 * regex, a native loop or a memory bomb costs its node, never the API or the worker. Failures are
 * non-retryable `CodeTimeout` / `CodeMemoryLimit` / `CodeError` (code) and `ExpressionError`s of
 * type `ExpressionTimeout` / `ExpressionMemoryLimit` / `ExpressionError` (expressions).
 */
export interface Sandbox {
  /** Evaluates one JSONata expression in a scope. */
  evaluate(source: string, scope: ExpressionScope, timeoutMs?: number): Promise<unknown>;
  /** Resolves every `{{ }}` template inside a params value, in one hop. */
  resolve(value: unknown, scope: ExpressionScope, timeoutMs?: number): Promise<unknown>;
  /** Runs a code node's function body in a fresh QuickJS instance with its limits. */
  runCode(job: CodeJob, signal?: AbortSignal): Promise<unknown>;
}
