/**
 * Pure graph helpers over a workflow's nodes and edges. No zod and no I/O here: the Temporal
 * workflow bundle imports this module, so it must stay deterministic and dependency-free.
 */

/** The minimum a graph helper needs to know about a node. */
export interface GraphNode {
  readonly id: string;
}

/** The minimum a graph helper needs to know about an edge. */
export interface GraphEdge {
  readonly source: string;
  readonly target: string;
}

/** Incoming and outgoing edges of every node, in document order. */
export interface Adjacency<E extends GraphEdge> {
  readonly incoming: ReadonlyMap<string, readonly E[]>;
  readonly outgoing: ReadonlyMap<string, readonly E[]>;
}

/** Builds incoming and outgoing edge lists; edges naming unknown nodes are ignored. */
export function adjacency<E extends GraphEdge>(nodes: readonly GraphNode[], edges: readonly E[]): Adjacency<E> {
  const incoming = new Map<string, E[]>();
  const outgoing = new Map<string, E[]>();
  for (const n of nodes) {
    incoming.set(n.id, []);
    outgoing.set(n.id, []);
  }
  for (const e of edges) {
    const out = outgoing.get(e.source);
    const inc = incoming.get(e.target);
    if (!out || !inc) continue;
    out.push(e);
    inc.push(e);
  }
  return { incoming, outgoing };
}

/**
 * Finds one cycle and returns its node ids in order (the first repeated at the end is left out),
 * or `undefined` when the graph is acyclic.
 * @example findCycle([{id:'a'},{id:'b'}], [{source:'a',target:'b'},{source:'b',target:'a'}]) // ['a','b']
 */
export function findCycle(nodes: readonly GraphNode[], edges: readonly GraphEdge[]): string[] | undefined {
  const { outgoing } = adjacency(nodes, edges);
  const state = new Map<string, 1 | 2>(); // 1 = on the stack, 2 = done
  for (const start of nodes) {
    if (state.has(start.id)) continue;
    // Iterative DFS so that a 10,000-node chain cannot overflow the call stack.
    const stack: { id: string; next: number }[] = [{ id: start.id, next: 0 }];
    const path: string[] = [start.id];
    state.set(start.id, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const outs = outgoing.get(top.id) ?? [];
      if (top.next >= outs.length) {
        state.set(top.id, 2);
        stack.pop();
        path.pop();
        continue;
      }
      const target = outs[top.next++]!.target;
      const s = state.get(target);
      if (s === 1) return path.slice(path.indexOf(target));
      if (s === undefined) {
        state.set(target, 1);
        stack.push({ id: target, next: 0 });
        path.push(target);
      }
    }
  }
  return undefined;
}

/** Node ids in an order where every node comes after all its sources; throws on a cycle. */
export function topologicalOrder(nodes: readonly GraphNode[], edges: readonly GraphEdge[]): string[] {
  const { incoming, outgoing } = adjacency(nodes, edges);
  const remaining = new Map<string, number>();
  for (const n of nodes) remaining.set(n.id, incoming.get(n.id)!.length);
  // Document order among ready nodes keeps the result stable for replay.
  const ready = nodes.filter((n) => remaining.get(n.id) === 0).map((n) => n.id);
  const order: string[] = [];
  for (let i = 0; i < ready.length; i++) {
    const id = ready[i]!;
    order.push(id);
    for (const e of outgoing.get(id)!) {
      const left = remaining.get(e.target)! - 1;
      remaining.set(e.target, left);
      if (left === 0) ready.push(e.target);
    }
  }
  if (order.length !== nodes.length) throw new Error('graph has a cycle');
  return order;
}

/** Sources of each node's incoming edges, built once and shared by ancestor look-ups. */
export function parentMap(edges: readonly GraphEdge[]): Map<string, string[]> {
  const parents = new Map<string, string[]>();
  for (const e of edges) {
    const list = parents.get(e.target);
    if (list) list.push(e.source);
    else parents.set(e.target, [e.source]);
  }
  return parents;
}

/** Every node from which `id` can be reached (its ancestors), not including `id` itself. */
export function upstreamOf(id: string, edges: readonly GraphEdge[] | ReadonlyMap<string, readonly string[]>): Set<string> {
  const parents = edges instanceof Map ? edges : parentMap(edges as readonly GraphEdge[]);
  const seen = new Set<string>();
  const todo = [id];
  while (todo.length > 0) {
    for (const s of parents.get(todo.pop()!) ?? []) {
      if (!seen.has(s)) {
        seen.add(s);
        todo.push(s);
      }
    }
  }
  return seen;
}

/**
 * Builds a test of whether one node is upstream of (an ancestor of) another, for a graph without
 * cycles whose node ids are unique; throws on a cycle. One pass in topological order gives every
 * node its ancestors as a bit set (nodes² / 8 bytes in all), so each test takes constant time
 * where ancestor sets per node would take time and memory quadratic in a long chain.
 * @example isUpstream(nodes, edges)('a', 'd') // true: d can be reached from a
 */
export function isUpstream(nodes: readonly GraphNode[], edges: readonly GraphEdge[]): (ancestor: string, id: string) => boolean {
  const order = topologicalOrder(nodes, edges);
  const position = new Map<string, number>();
  order.forEach((id, i) => position.set(id, i));
  const parents: number[][] = order.map(() => []);
  for (const e of edges) {
    const source = position.get(e.source);
    const target = position.get(e.target);
    if (source !== undefined && target !== undefined) parents[target]!.push(source);
  }
  const words = (order.length + 31) >>> 5;
  const bits = new Uint32Array(order.length * words);
  parents.forEach((sources, i) => {
    const row = i * words;
    for (const p of sources) {
      const from = p * words;
      // Ancestors come earlier in the order, so a parent's bits end at its own position.
      for (let w = 0; w <= p >>> 5; w++) bits[row + w] = bits[row + w]! | bits[from + w]!;
      bits[row + (p >>> 5)] = bits[row + (p >>> 5)]! | (1 << (p & 31));
    }
  });
  return (ancestor, id) => {
    const a = position.get(ancestor);
    const b = position.get(id);
    return a !== undefined && b !== undefined && (bits[b * words + (a >>> 5)]! & (1 << (a & 31))) !== 0;
  };
}

/** Every node reachable from any of `starts`, the starts included. */
export function reachableFrom(starts: readonly string[], edges: readonly GraphEdge[]): Set<string> {
  const byTarget = new Map<string, string[]>();
  for (const e of edges) {
    const list = byTarget.get(e.source);
    if (list) list.push(e.target);
    else byTarget.set(e.source, [e.target]);
  }
  const seen = new Set<string>(starts);
  const todo = [...starts];
  while (todo.length > 0) {
    for (const t of byTarget.get(todo.pop()!) ?? []) {
      if (!seen.has(t)) {
        seen.add(t);
        todo.push(t);
      }
    }
  }
  return seen;
}

/**
 * Whether a node's result sends anything down an edge: its port fired (every port but `error`
 * when the node named none; the error port only when named, as an agent at its limit does) and the
 * edge's `when` condition held.
 */
export function edgeFired(result: { readonly ports?: readonly string[]; readonly falseEdges: readonly string[] }, edge: { readonly id: string; readonly sourcePort: string }): boolean {
  return (result.ports ? result.ports.includes(edge.sourcePort) : edge.sourcePort !== 'error') && !result.falseEdges.includes(edge.id);
}

/**
 * The input a node gets from the edges taken into it, as the engine builds it: the run input when
 * none was taken, the output of the one source (or of the first, for a node that joins on any),
 * else an object of the sources' outputs keyed by source id.
 */
export function inputOfTaken(sources: readonly string[], outputOf: (id: string) => unknown, runInput: unknown, joinAny = false): unknown {
  if (sources.length === 0) return runInput;
  if (sources.length === 1 || joinAny) return outputOf(sources[0]!);
  return Object.fromEntries(sources.map((id) => [id, outputOf(id)]));
}
