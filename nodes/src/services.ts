/**
 * What the host process gives executors beyond the basics: LLMs, embeddings, knowledge
 * collections, secrets and the audit log. Only interfaces live here (isomorphic, no I/O); the
 * worker wires implementations in, so plugins see the same services as the built-ins.
 */

import type { LlmCallFigures } from '@weft/schemas';

/** One message of a chat exchange. */
export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

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
}

/** The answer of the provider that served a request. */
export interface LlmResult extends LlmCallFigures {
  readonly text: string;
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
  /** Reads a secret (provider API keys). */
  readonly secret: (name: string) => Promise<string>;
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

/** Reads decrypted secrets; only activities hold one. */
export interface SecretReader {
  get(name: string): Promise<string | undefined>;
}
