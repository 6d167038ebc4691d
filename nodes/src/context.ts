import type { z } from 'zod';
import type { AttemptDetail, ExpressionScope } from '@weft/schemas';
import type { NodeDefinition, Routed } from './define-node.js';
import type { KnowledgeStore } from './retrieval/knowledge.js';
import type { EmbedderSet, LlmService, McpConnector, Sandbox, ToolSpec } from './services.js';

/** Structured log lines of one node attempt. */
export interface NodeLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** What an executor gets from the engine for one attempt. */
export interface NodeContext {
  readonly runId: string;
  readonly workflowId: string;
  readonly nodeId: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** `<runId>:<nodeId>`: the same across retries and worker crashes. Send it with side effects. */
  readonly idempotencyKey: string;
  /** Aborted when the attempt is cancelled or times out. */
  readonly signal: AbortSignal;
  /** Tells Temporal the attempt is alive; the engine also beats on its own while it runs. */
  heartbeat(details?: unknown): void;
  readonly log: NodeLogger;
  /** Outbound HTTP. Executors use this, never the global `fetch`, so policy applies to every call. */
  readonly fetch: typeof fetch;
  /** What expressions see: the node input, upstream outputs, the run. */
  readonly scope: ExpressionScope;
  /**
   * A secret's value, decrypted, for a request to `destination`. Use it for that call only: never
   * return it or log it (the engine also masks every value read here, in every common encoding,
   * in the node's output, error, notes and logs). Ask again for every other URL the value goes
   * to, redirect hops included (`fetchWithSecret` does). Throws a non-retryable `SecretNotFound`
   * when there is no such secret, and `SecretNotAllowed` (audited as `secret.refused`) when the
   * secret is not bound to the destination's host.
   */
  secret(name: string, destination: URL): Promise<string>;
  /** LLM completions: the provider chain with failover, breakers, the run's budget; every call recorded. */
  readonly llm: LlmService;
  /** Embedders by name; the offline local embedder is the default. */
  readonly embedders: EmbedderSet;
  /** Knowledge collections (pgvector + full text). */
  readonly knowledge: KnowledgeStore;
  /** MCP servers: HTTP through the SSRF guard, stdio only for the operator's configured commands. */
  readonly mcp: McpConnector;
  /** Where expressions and user code run: threads stopped from outside at their limits. */
  readonly sandbox: Sandbox;
  /**
   * Set by the engine when an agent calls this node as a tool: the tool the model chose (one of
   * those the node's `tools` offered) and the arguments it sent. Absent when the node runs in the flow.
   */
  readonly toolCall?: { readonly name: string; readonly arguments: Readonly<Record<string, unknown>> };
  /** Appends an event to the audit log, as this run. */
  audit(action: string, target: string, details?: Record<string, unknown>): Promise<void>;
  /**
   * Records what this attempt sent or decided (the request, the port chosen and why), shown with
   * the attempt on the run page; a later note of the same kind replaces the earlier one. Mask
   * credentials in every form you sent them; the engine also masks every secret read through
   * `secret`, cuts long strings and writes the note with the attempt's end. Prompts sent
   * through `llm` are noted by the engine.
   */
  note(detail: AttemptDetail): void;
}

/** Runs one attempt of a node: resolved params and the node's input in, the output out. */
export type Execute<D extends NodeDefinition> = (
  ctx: NodeContext,
  params: z.infer<D['params']>,
  input: unknown,
) => Promise<z.infer<D['output']> | Routed<z.infer<D['output']>>>;

/** Undoes a completed node during rollback, given its params and recorded output. */
export type Compensate<D extends NodeDefinition> = (
  ctx: NodeContext,
  params: z.infer<D['params']>,
  output: z.infer<D['output']>,
) => Promise<unknown>;

/** A node type's Node-only half. */
export interface NodeExecutor<D extends NodeDefinition = NodeDefinition> {
  readonly definition: D;
  /** Runs the node; types the engine handles itself (approval, wait, …) have none. */
  readonly execute?: Execute<D>;
  readonly compensate?: Compensate<D>;
  /** The tools this node offers an agent when wired to its tools port (default: one tool described by the node). */
  readonly tools?: (ctx: NodeContext, params: z.infer<D['params']>) => Promise<readonly ToolSpec[]>;
}

/**
 * A node type's executor parts bound to its definition, as a list of every type holds them: the
 * params (and, for `compensate`, the recorded output) are parsed by the definition's own schemas
 * before the parts get them. The engine has checked them already; parsing again is what lets one
 * list hold every type without claiming types it cannot prove.
 */
export function nodeExecutor<P extends z.ZodType, O extends z.ZodType>(definition: NodeDefinition<P, O>, parts: Omit<NodeExecutor<NodeDefinition<P, O>>, 'definition'>): NodeExecutor {
  const { execute, compensate, tools } = parts;
  const params = (raw: unknown): z.infer<P> => definition.params.parse(raw);
  return {
    definition,
    ...(execute ? { execute: async (ctx: NodeContext, raw: unknown, input: unknown) => execute(ctx, params(raw), input) } : {}),
    ...(compensate ? { compensate: async (ctx: NodeContext, raw: unknown, output: unknown) => compensate(ctx, params(raw), definition.output.parse(output)) } : {}),
    ...(tools ? { tools: async (ctx: NodeContext, raw: unknown) => tools(ctx, params(raw)) } : {}),
  };
}

/**
 * An error an executor throws to say what went wrong and whether a retry could help.
 * The engine turns `retryable: false` into a non-retryable Temporal failure.
 */
export class NodeError extends Error {
  override readonly name = 'NodeError';
  constructor(
    /** Error type, matched by a policy's `nonRetryable` list, e.g. `HttpStatusError`. */
    readonly type: string,
    message: string,
    readonly retryable: boolean,
    readonly details?: unknown,
  ) {
    super(message);
  }
}
