import { z } from 'zod';
import { CronExpression } from './cron.js';
// Plain validation messages for every schema (a side effect: zod's error map is global).
import './messages.js';

/** A duration such as `500ms`, `30s`, `5m`, `2h` or `1d`. */
export const Duration = z
  .string()
  .regex(/^\d+(\.\d+)?(ms|s|m|h|d)$/, 'A duration such as 500ms, 30s, 5m, 2h or 1d')
  .meta({ title: 'Duration', description: 'A number followed by ms, s, m, h or d' });
export type Duration = z.infer<typeof Duration>;

/** Identifier of a node or edge: letters, digits, `_` and `-`, starting with a letter. */
export const Identifier = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'Letters, digits, _ and -, starting with a letter (at most 64)');

/** Port name on a node (`in`, `out`, `true`, `error`, …). */
export const PortName = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'Lower-case letters, digits and _, starting with a letter (at most 32)');

/** Retry, timeout and error-handling policy of a node; each field overrides the node type's default. */
export const NodePolicy = z
  .object({
    maxAttempts: z.number().int().min(1).max(100).optional().meta({ title: 'Attempts', description: 'Attempts in all, the first included' }),
    initialInterval: Duration.optional().meta({ title: 'First retry after' }),
    backoff: z.number().min(1).max(10).optional().meta({ title: 'Backoff factor', description: 'Each retry waits this many times longer' }),
    maxInterval: Duration.optional().meta({ title: 'Longest wait between retries' }),
    nonRetryable: z.array(z.string()).optional().meta({ title: 'Errors not retried', description: 'Error types that fail at once' }),
    timeout: Duration.optional().meta({ title: 'Timeout', description: 'Longest time one attempt may take' }),
    heartbeatTimeout: Duration.optional().meta({ title: 'Heartbeat timeout', description: 'A silent attempt counts as lost after this long (the worker died)' }),
    onError: z.enum(['fail', 'continue', 'route']).optional().meta({ title: 'On error' }),
    compensate: z.boolean().optional().meta({ title: 'Undo on rollback' }),
  })
  .strict()
  .meta({ title: 'Policy' });
export type NodePolicy = z.infer<typeof NodePolicy>;

/** Position of a node on the canvas; layout only, it never changes behaviour or the hash. */
export const Position = z.object({ x: z.number(), y: z.number() }).strict();
export type Position = z.infer<typeof Position>;

/** One argument an agent passes to a tool node, read in its params as `$tool.<name>`. */
export const ToolArgument = z
  .object({
    name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'Letters, digits and _, starting with a letter or _ (at most 64)').meta({ title: 'Name' }),
    type: z.enum(['string', 'number', 'integer', 'boolean', 'object', 'array']).default('string').meta({ title: 'Type' }),
    description: z.string().max(1000).default('').meta({ title: 'Description', description: 'What the model should pass' }),
    required: z.boolean().default(true).meta({ title: 'Required' }),
    enum: z.array(z.string()).min(1).max(100).optional().meta({ title: 'Allowed values' }),
  })
  .strict();
export type ToolArgument = z.infer<typeof ToolArgument>;

/** When a tool call waits for a person before it runs. */
export const ToolApproval = z
  .object({
    require: z.enum(['never', 'always', 'when']).default('never').meta({ title: 'Needs approval', description: 'never, always, or when the rule holds' }),
    when: z.string().max(10_000).optional().meta({ title: 'Rule', description: 'JSONata over the call\'s arguments (also `$tool.<arg>`) and the run (`$run`, `$nodes`), e.g. `amount > 100`' }),
    detectors: z
      .array(z.enum(['email', 'phone', 'card', 'secret']))
      .max(4)
      .optional()
      .meta({ title: 'Personal data', description: 'Also ask when the arguments contain any of these' }),
    timeout: Duration.default('24h').meta({ title: 'Decide within', description: 'Undecided calls are rejected after this long' }),
  })
  .strict();
export type ToolApproval = z.infer<typeof ToolApproval>;

/** How a node wired to an agent's `tools` port is offered to the model. */
export const ToolSettings = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'Letters, digits, _ and - (at most 64)').optional().meta({ title: 'Tool name', description: 'Default: the node id' }),
    description: z.string().max(4000).default('').meta({ title: 'Description', description: 'What the tool does and when to use it; the model reads this' }),
    arguments: z.array(ToolArgument).max(32).default([]).meta({ title: 'Arguments' }),
    approval: ToolApproval.optional().meta({ title: 'Approval' }),
  })
  .strict();
export type ToolSettings = z.infer<typeof ToolSettings>;

/** One node of a workflow: an instance of a node type with its params. */
export const WorkflowNode = z
  .object({
    id: Identifier.meta({ title: 'Id', description: 'Unique in the workflow; expressions use it as $nodes.<id>' }),
    type: z.string().regex(/^[a-z][a-z0-9-]*\.[a-z][a-zA-Z0-9-]*$/, 'A node type such as execution.http').meta({ title: 'Type' }),
    label: z.string().max(200).optional().meta({ title: 'Label' }),
    params: z.record(z.string(), z.unknown()).default({}).meta({ title: 'Parameters' }),
    position: Position.default({ x: 0, y: 0 }).meta({ title: 'Position', description: 'Layout only: never changes behaviour or the hash' }),
    policy: NodePolicy.optional(),
    tool: ToolSettings.optional().meta({ title: 'As a tool', description: 'How an agent sees this node when it is wired to the agent\'s tools port' }),
  })
  .strict();
export type WorkflowNode = z.infer<typeof WorkflowNode>;

/** A connection from one node's output port to another node's input port. */
export const WorkflowEdge = z
  .object({
    id: Identifier.meta({ title: 'Id' }),
    source: Identifier.meta({ title: 'From node' }),
    sourcePort: PortName.default('out').meta({ title: 'From port' }),
    target: Identifier.meta({ title: 'To node' }),
    targetPort: PortName.default('in').meta({ title: 'To port' }),
    when: z.string().optional().meta({ title: 'Condition', description: 'JSONata over the source output; the edge is skipped when false' }),
  })
  .strict();
export type WorkflowEdge = z.infer<typeof WorkflowEdge>;

/** How runs of a workflow may start. */
export const Trigger = z.discriminatedUnion('type', [
  z.object({ type: z.literal('manual') }).strict().meta({ title: 'Manual', description: 'Started from the editor, the API or the CLI' }),
  z
    .object({
      type: z.literal('schedule'),
      cron: CronExpression,
      timezone: z.string().default('UTC').meta({ title: 'Time zone' }),
    })
    .strict()
    .meta({ title: 'Schedule', description: 'Started by a cron schedule in a time zone' }),
  z
    .object({
      type: z.literal('webhook'),
      path: z.string().regex(/^[a-z0-9][a-z0-9/_-]*$/, 'Lower-case letters, digits, /, _ and -, starting with a letter or digit').meta({ title: 'Path' }),
      secretRef: z.string().optional().meta({ title: 'Signing secret' }),
    })
    .strict()
    .meta({ title: 'Webhook', description: 'Started by an HTTP request to /hooks/<path>' }),
]);
export type Trigger = z.infer<typeof Trigger>;

/** Name of a stored secret (`PUT /api/secrets/:name`), as nodes and the API spell it. */
export const SecretName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'a secret name: a letter or _, then letters, digits or _ (at most 128)')
  .meta({ title: 'Secret', description: 'Name of a stored secret; its value is read when it is used and never shown' });

/** Workflow-wide settings. */
export const WorkflowSettings = z
  .object({
    concurrency: z.number().int().min(1).max(1000).default(16).meta({ title: 'Parallel nodes', description: 'How many nodes of one run may run at once' }),
    runTimeout: Duration.optional().meta({ title: 'Run timeout' }),
    budget: z
      .object({
        tokens: z.number().int().min(1).optional().meta({ title: 'Tokens', description: 'LLM tokens (in + out) one run may use' }),
        costUsd: z.number().positive().optional().meta({ title: 'Cost (USD)', description: 'LLM spending one run may reach' }),
      })
      .strict()
      .optional()
      .meta({ title: 'LLM budget', description: 'A run that would exceed it stops with BudgetExceeded' }),
    providers: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .meta({ title: 'LLM providers', description: 'Provider names in failover order for this workflow\'s LLM nodes (a node may set its own)' }),
  })
  .strict();
export type WorkflowSettings = z.infer<typeof WorkflowSettings>;

/** A frame around nodes on the canvas; layout only, it never changes behaviour or the hash. */
export const NodeGroup = z
  .object({
    id: Identifier.meta({ title: 'Id' }),
    label: z.string().max(200).default('Group').meta({ title: 'Label' }),
    nodes: z.array(Identifier).max(10_000).meta({ title: 'Nodes', description: 'Ids of the nodes inside the frame' }),
    collapsed: z.boolean().default(false).meta({ title: 'Collapsed' }),
  })
  .strict();
export type NodeGroup = z.infer<typeof NodeGroup>;

/** The workflow document: what the editor saves, the API stores and the engine runs. */
export const Workflow = z
  .object({
    $schema: z.string().optional().meta({ description: 'URL of this JSON Schema, for editors; ignored by Weft' }),
    schemaVersion: z.literal(1).meta({ title: 'Format version' }),
    name: z.string().min(1).max(200).meta({ title: 'Name' }),
    description: z.string().max(10_000).optional().meta({ title: 'Description' }),
    inputSchema: z.record(z.string(), z.unknown()).optional().meta({ title: 'Input schema', description: 'JSON Schema of the run input' }),
    nodes: z.array(WorkflowNode).max(10_000).meta({ title: 'Nodes' }),
    edges: z.array(WorkflowEdge).max(50_000).default([]).meta({ title: 'Connections' }),
    triggers: z.array(Trigger).default([{ type: 'manual' }]).meta({ title: 'Triggers' }),
    settings: WorkflowSettings.default({ concurrency: 16 }).meta({ title: 'Settings' }),
    groups: z.array(NodeGroup).max(1000).optional().meta({ title: 'Groups', description: 'Layout only: frames drawn around nodes on the canvas' }),
  })
  .strict();
export type Workflow = z.infer<typeof Workflow>;
/** The document as a person may write it, before defaults are filled in. */
export type WorkflowInput = z.input<typeof Workflow>;
