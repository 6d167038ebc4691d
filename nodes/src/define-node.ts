import type { z } from 'zod';
import type { DynamicOutputs, NodeCatalog, NodePolicy, PlanNodeMode } from '@weft/schemas';

/** The families of node types; the editor groups its palette by these. */
export type NodeKind = 'strategy' | 'security' | 'execution' | 'analysis' | 'retrieval' | 'control';

/** An isomorphic node type description: safe to load in the editor, the server and the worker. */
export interface NodeDefinition<P extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  /** Stable type id, `kind.name`, e.g. `execution.http`. */
  readonly type: string;
  readonly kind: NodeKind;
  /** Bumped when params or behaviour change incompatibly. */
  readonly version: number;
  readonly title: string;
  readonly description: string;
  /** Icon name the editor draws. */
  readonly icon: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Output ports named by the user in a param (e.g. a router's routes), besides `outputs`. */
  readonly dynamicOutputs?: DynamicOutputs;
  /** Schema of the node's params. */
  readonly params: P;
  /** Schema of the node's output, for downstream autocomplete and docs. */
  readonly output: O;
  /** Default policy; a node's own policy overrides it field by field. */
  readonly policy?: NodePolicy;
  /** Whether runs start at this node (the run input is its output). */
  readonly trigger?: boolean;
  /** Whether the node's output becomes the run's output. */
  readonly runOutput?: boolean;
  /** Params that hold a bare JSONata expression, evaluated by the executor itself. */
  readonly expressionParams?: readonly string[];
  /** Params left unresolved when the node runs (e.g. a compensation request that reads `$output`). */
  readonly deferredParams?: readonly string[];
  /** Whether the executor picks its output port(s) by returning {@link routed}. */
  readonly routing?: boolean;
  /** Whether nodes of this type can be undone, given their params (the executor has `compensate`). */
  readonly compensates?: (params: z.infer<P>) => boolean;
  /**
   * Whether nodes of this type (with these params) are light: no effect on the world, no network,
   * done in well under a second. The engine runs light nodes as Temporal local activities, in the
   * worker that runs the run, without a round trip through the Temporal server per node; they are
   * retried and recorded like any other node. Never light: the execution kind, compensable nodes.
   */
  readonly light?: boolean | ((params: z.infer<P>) => boolean);
  /**
   * Whether nodes of this type have no effect on the world however long they run (code in the
   * sandbox: no network, no files). Light nodes are pure already. The engine runs a chain of pure
   * nodes in one activity and records it in one write; a crash runs the chain again.
   */
  readonly pure?: boolean;
  /** How the engine runs it; `activity` (the default) calls the executor. */
  readonly mode?: PlanNodeMode;
  /** When the node may start: after all inputs settle (default), or at the first that arrives. */
  readonly join?: (params: z.infer<P>) => 'all' | 'any';
  /** Checks that need the catalog of node types, run by the validator when the params are valid. */
  readonly check?: (params: z.infer<P>, catalog: NodeCatalog) => readonly { readonly path: readonly PropertyKey[]; readonly message: string; readonly code?: string }[];
}

/** An output sent out of chosen ports only; what routing executors return. */
export class Routed<T = unknown> {
  constructor(
    readonly ports: readonly string[],
    readonly output: T,
  ) {}
}

/** Sends `output` out of `port` (or several ports) only. */
export function routed<T>(port: string | readonly string[], output: T): Routed<T> {
  return new Routed(typeof port === 'string' ? [port] : port, output);
}

/**
 * Declares a node type. Returns the definition unchanged, typed, and frozen.
 * @example
 * export default defineNode({ type: 'analysis.upper', kind: 'analysis', version: 1, title: 'Upper case',
 *   description: 'Upper-cases text', icon: 'type', inputs: ['in'], outputs: ['out'],
 *   params: z.object({ text: z.string() }), output: z.string() })
 */
export function defineNode<P extends z.ZodType, O extends z.ZodType>(def: NodeDefinition<P, O>): NodeDefinition<P, O> {
  return Object.freeze(def);
}
