import type { z } from 'zod';
import type { NodePolicy } from '@weft/schemas';

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
