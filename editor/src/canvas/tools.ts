import { TOOLS_PORT, type WorkflowEdge } from '@weft/schemas';

// Which nodes are an agent's tools, read from the edges as the validator reads them: a node wired
// into a `tools` port is a tool of that node (of the first one, when it is wired to several: the
// validator reports the others). Only agents have a `tools` port, so the port name is enough for
// the canvas, which must also draw nodes whose type the catalog does not know.

/** Whether an edge makes its source a tool of its target. */
export function isToolEdge(edge: Pick<WorkflowEdge, 'targetPort'>): boolean {
  return edge.targetPort === TOOLS_PORT;
}

/** The agent each tool node belongs to, by tool node id. */
export function toolOwners(edges: readonly Pick<WorkflowEdge, 'source' | 'target' | 'targetPort'>[]): Map<string, string> {
  const owners = new Map<string, string>();
  for (const e of edges) if (isToolEdge(e) && !owners.has(e.source)) owners.set(e.source, e.target);
  return owners;
}

/** The tool nodes wired to one agent, in edge order. */
export function toolsOf(agentId: string, edges: readonly Pick<WorkflowEdge, 'source' | 'target' | 'targetPort'>[]): string[] {
  const tools: string[] = [];
  for (const e of edges) if (isToolEdge(e) && e.target === agentId && !tools.includes(e.source)) tools.push(e.source);
  return tools;
}

/** Whether a node type takes tools (an agent). */
export function takesTools(type: { readonly inputs: readonly string[] } | undefined): boolean {
  return type?.inputs.includes(TOOLS_PORT) ?? false;
}

/**
 * Why connecting `source` to `target` breaks the rules of tools, or null when it does not: a tool
 * runs only when its agent calls it, so it has no other connections, serves one agent, and is
 * never a trigger.
 */
export function toolConnectionProblem(
  edges: readonly Pick<WorkflowEdge, 'source' | 'target' | 'targetPort'>[],
  attempt: { readonly source: string; readonly target: string; readonly targetPort: string; readonly sourceIsTrigger: boolean },
): string | null {
  const owners = toolOwners(edges);
  const { source, target } = attempt;
  if (isToolEdge({ targetPort: attempt.targetPort })) {
    if (attempt.sourceIsTrigger) return `a trigger cannot be a tool: ${source} starts runs`;
    const owner = owners.get(source);
    if (owner !== undefined) return owner === target ? `${source} is already a tool of ${target}` : `${source} is already a tool of ${owner}: a node can be the tool of one agent only`;
    if (edges.some((e) => e.source === source || e.target === source)) return `${source} has other connections: a tool runs only when its agent calls it, so remove them first`;
    return null;
  }
  for (const end of [source, target]) {
    const owner = owners.get(end);
    if (owner !== undefined) return `${end} is a tool of ${owner}: it runs only when the agent calls it, so it can have no other connections`;
  }
  return null;
}
