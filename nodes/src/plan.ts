import { TOOLS_PORT, type CompiledPlan, type NodePolicy, type PlanNode, type PlanTool, type ToolSettings, type Workflow, type WorkflowNode } from '@weft/schemas';
import type { NodeRegistry } from './registry.js';

/** Policy used where neither the node nor its type says otherwise. */
export const DEFAULT_POLICY: Required<Omit<NodePolicy, 'compensate'>> & { compensate: boolean } = {
  maxAttempts: 3,
  initialInterval: '1s',
  backoff: 2,
  maxInterval: '1m',
  nonRetryable: [],
  timeout: '1m',
  // Short, so an attempt whose worker died is retried within seconds; the engine beats every third of it.
  heartbeatTimeout: '5s',
  onError: 'fail',
  compensate: true,
};

/** Error types no retry can fix, whatever the policy says. */
const ALWAYS_NON_RETRYABLE = ['InvalidParams', 'ExpressionError', 'ExpressionTimeout', 'ExpressionMemoryLimit', 'CodeTimeout', 'CodeMemoryLimit', 'UnknownNodeType'];

/**
 * Compiles a validated document into the plan `runGraph` executes: each node's policy is merged
 * (node over type over defaults) and turned into Temporal activity options.
 */
export function compilePlan(
  doc: Workflow,
  version: { workflowId: string; version: number; hash: string },
  registry: NodeRegistry,
  options: CompileOptions = {},
): CompiledPlan {
  // Nodes wired to an agent's tools port leave the flow: they run only when the agent calls them.
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const toolsOf = new Map<string, WorkflowNode[]>();
  const toolEdges = new Set<string>();
  for (const e of doc.edges) {
    const source = byId.get(e.source);
    if (e.targetPort !== TOOLS_PORT || !source || registry.definition(byId.get(e.target)?.type ?? '')?.mode !== 'agent') continue;
    toolEdges.add(e.id);
    toolsOf.set(e.target, [...(toolsOf.get(e.target) ?? []), source]);
  }
  const isTool = new Set([...toolsOf.values()].flat().map((n) => n.id));
  const compile = (n: WorkflowNode): PlanNode => {
    const node = compileNode(n, registry, options);
    const tools = toolsOf.get(n.id);
    return tools ? { ...node, tools: tools.map((t) => compileTool(t, compile)) } : node;
  };
  return {
    workflowId: version.workflowId,
    version: version.version,
    hash: version.hash,
    nodes: doc.nodes.filter((n) => !isTool.has(n.id)).map(compile),
    edges: doc.edges.filter((e) => !toolEdges.has(e.id)).map((e) => ({ ...e })),
    concurrency: doc.settings.concurrency,
    ...(doc.settings.runTimeout ? { runTimeout: doc.settings.runTimeout } : {}),
  };
}

/** A tool node as an agent offers it to the model: its name, description and the JSON Schema of its arguments. */
function compileTool(n: WorkflowNode, compile: (n: WorkflowNode) => PlanNode): PlanTool {
  const settings = n.tool;
  const approval = settings?.approval;
  return {
    node: compile(n),
    name: settings?.name ?? n.id,
    description: settings?.description || n.label || n.id,
    parameters: toolParameters(settings?.arguments ?? []),
    ...(approval && approval.require !== 'never'
      ? { approval: { require: approval.require, ...(approval.when ? { when: approval.when } : {}), ...(approval.detectors ? { detectors: approval.detectors } : {}), timeout: approval.timeout } }
      : {}),
  };
}

/** The JSON Schema sent to the model for a tool's declared arguments. */
export function toolParameters(args: ToolSettings['arguments']): Record<string, unknown> {
  return {
    type: 'object',
    properties: Object.fromEntries(
      args.map((a) => [a.name, { type: a.type, ...(a.description ? { description: a.description } : {}), ...(a.enum ? { enum: a.enum } : {}) }]),
    ),
    required: args.filter((a) => a.required).map((a) => a.name),
    additionalProperties: false,
  };
}

/** How plans are compiled. */
export interface CompileOptions {
  /** Whether light nodes run as local activities (default true); false runs every node as an activity. */
  readonly localActivities?: boolean;
  /** Whether chains of pure nodes run as one local activity (default true, needs `localActivities`); false runs each on its own. */
  readonly fuse?: boolean;
}

/** Compiles one node (also a loop's body) into what the engine runs. */
export function compileNode(n: Pick<WorkflowNode, 'id' | 'type' | 'params' | 'policy'>, registry: NodeRegistry, options: CompileOptions = {}): PlanNode {
  const def = registry.definition(n.type);
  if (!def) throw new Error(`unknown node type "${n.type}"`);
  const p = { ...DEFAULT_POLICY, ...def.policy, ...n.policy };
  // Params as the validator accepted them, defaults applied, for join and compensation rules.
  const parsed = def.params.safeParse(n.params);
  const typed = parsed.success ? parsed.data : undefined;
  const compensates = typed !== undefined && def.compensates !== undefined && def.compensates(typed);
  const mode = def.mode ?? 'activity';
  const light = typed !== undefined && (typeof def.light === 'function' ? def.light(typed) : def.light === true);
  // Light and nothing to undo: a node acting on the world always gets a full activity. A loop's
  // body stays one activity per item: hundreds of items would all be recorded in one workflow task.
  const local = (options.localActivities ?? true) && mode === 'activity' && light && def.kind !== 'execution' && !compensates;
  // Pure: light, or declared so (code in the sandbox). A chain runs as one local activity, so
  // turning local activities off turns fusing off too.
  const pure = (options.fuse ?? true) && (options.localActivities ?? true) && mode === 'activity' && !compensates && ((light && def.kind !== 'execution') || def.pure === true);
  return {
      id: n.id,
      type: n.type,
      mode,
      params: n.params,
      join: typed !== undefined && def.join ? def.join(typed) : 'all',
      compensable: compensates && p.compensate !== false,
      sideEffects: def.kind === 'execution',
      ...(local ? { local: true } : {}),
      ...(pure ? { pure: true } : {}),
      startToCloseTimeout: p.timeout,
      heartbeatTimeout: p.heartbeatTimeout,
      retry: {
        maximumAttempts: p.maxAttempts,
        initialInterval: p.initialInterval,
        backoffCoefficient: p.backoff,
        maximumInterval: p.maxInterval,
        nonRetryableErrorTypes: [...new Set([...ALWAYS_NON_RETRYABLE, ...p.nonRetryable])],
      },
      onError: p.onError,
      isOutput: def.runOutput === true,
      ...(def.mode === 'loop' && typed ? { body: compileNode({ id: n.id, ...(typed as { body: Pick<WorkflowNode, 'type' | 'params' | 'policy'> }).body }, registry, { ...options, localActivities: false, fuse: false }) } : {}),
  };
}
