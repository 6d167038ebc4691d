import type { PlanEdge, PlanNode, RunRequest } from '@weft/schemas/plan';

// What the workflow and the node activities send each other: plain data, carried in Temporal
// history (workflow code imports these as types only).

/** Outputs larger than this go to the database, and Temporal history carries a reference. */
export const INLINE_LIMIT_BYTES = 64 * 1024;

/** What every node activity gets: the node and what its expressions may read. */
export interface NodeRequest {
  readonly runId: string;
  readonly workflowId: string;
  readonly node: PlanNode;
  /** What arrived on the node's input edges. */
  readonly input: unknown;
  /** Outputs of the node's ancestors, for `$nodes.<id>.output`. */
  readonly upstream: Readonly<Record<string, { readonly output: unknown }>>;
  readonly runInput: unknown;
  /** The webhook request that started the run, as `$run.request`. */
  readonly runRequest?: RunRequest;
  /** When an agent calls the node as a tool: the call's arguments, as `$tool`. */
  readonly toolArgs?: Readonly<Record<string, unknown>>;
}

/** What `runGraph` sends to run one node (or one loop item). */
export interface RunNodeRequest extends NodeRequest {
  /** `when` conditions of the node's outgoing edges, evaluated here on its output. */
  readonly conditions: readonly { readonly edgeId: string; readonly when: string }[];
  /** The loop item this attempt runs (the body of a loop), as `$item` / `$index`. */
  readonly item?: { readonly index: number; readonly value: unknown };
}

/** What one node attempt returns to `runGraph`. */
export interface RunNodeResult {
  /** The output, or a {@link BlobRef} when it is large. */
  readonly output: unknown;
  /** Output ports fired; absent means every port. */
  readonly ports?: readonly string[];
  /** Outgoing edges whose `when` condition was false. */
  readonly falseEdges: readonly string[];
}

/** A chain of pure nodes run by one activity (`runChain`): each node gets the output of the one before. */
export interface ChainRequest extends Omit<NodeRequest, 'node'> {
  readonly chain: readonly ChainLink[];
}

/** One node of a chain: the edge into it from the node before (absent for the first), and its outgoing conditions. */
export interface ChainLink {
  readonly node: PlanNode;
  readonly edge?: PlanEdge;
  readonly conditions: RunNodeRequest['conditions'];
}

/** The results of the chain's nodes that ran, in order: all of them, or those before where it stopped. */
export interface ChainResult {
  readonly results: readonly RunNodeResult[];
}

/** What `beginNode` returns for the nodes the workflow runs itself. */
export interface BeginResult {
  readonly params: Readonly<Record<string, unknown>>;
  /** For `wait`: how long to sleep. */
  readonly sleepMs?: number;
  /** For `loop`: where the items are kept and how many there are. */
  readonly items?: { readonly ref: string; readonly count: number };
}
