import { ActivityCancellationType, patched, proxyLocalActivities } from '@temporalio/workflow';
import { durationToMs, type PlanEdge, type PlanNode } from '@weft/schemas/plan';
import type { NodeActivities } from '../activities.js';
import type { ChainLink, ChainRequest, ChainResult } from '../node-requests.js';
import { RECORDING_OPTIONS } from './recording.js';

/** The longest chain one activity runs: its nodes are recorded in one write at its end. */
export const CHAIN_LIMIT = 100;

/** What the graph tells about a node, for finding the chain that starts at it. */
export interface ChainGraph {
  readonly nodes: ReadonlyMap<string, PlanNode>;
  readonly incoming: ReadonlyMap<string, readonly PlanEdge[]>;
  readonly outgoing: ReadonlyMap<string, readonly PlanEdge[]>;
  /** Whether a node may join a chain now (not started, not reused, not set to run alone). */
  readonly free: (id: string) => boolean;
  readonly conditionsOf: (id: string) => ChainLink['conditions'];
}

/**
 * The pure nodes that run after `first` in one activity: while a node has one outgoing edge,
 * into a pure node with no other input, the chain goes on. Empty when `first` is not pure or
 * nothing follows it that way (it then runs on its own, as before chains existed).
 */
export function chainAfter(first: PlanNode, g: ChainGraph): ChainLink[] {
  const links: ChainLink[] = [];
  if (!first.pure) return links;
  let at = first;
  while (links.length + 1 < CHAIN_LIMIT) {
    const out = g.outgoing.get(at.id) ?? [];
    if (out.length !== 1) break;
    const edge = out[0]!;
    const next = g.nodes.get(edge.target);
    if (!next?.pure || (g.incoming.get(next.id) ?? []).length !== 1 || !g.free(next.id)) break;
    links.push({ node: next, edge, conditions: g.conditionsOf(next.id) });
    at = next;
  }
  return links;
}

/**
 * Whether this run fuses chains: runs started before chains existed replay as they ran, one
 * activity per node. Asked only where a chain was found, so a run without one records no marker.
 */
export function fusingChains(): boolean {
  return patched(FUSE_CHAINS);
}

const FUSE_CHAINS = 'fuse-pure-chains';

/**
 * Runs a chain as one local activity, given as long as its nodes' own time limits together. A
 * failed try (the database did not answer) runs the whole chain again, as a crash would; after
 * three, the caller runs the nodes one by one, each with its own retries.
 */
export function runChain(req: ChainRequest): Promise<ChainResult> {
  const limit = req.chain.reduce((sum, l) => sum + (durationToMs(l.node.startToCloseTimeout) ?? 60_000), 0);
  const { runChain: run } = proxyLocalActivities<Pick<NodeActivities, 'runChain'>>({
    startToCloseTimeout: limit,
    retry: { ...RECORDING_OPTIONS.retry, maximumAttempts: 3 },
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
  return run(req);
}
