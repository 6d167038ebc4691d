import { z } from 'zod';
import type { ValueChange, WorkflowDiff } from './diff.js';
import { NODE_STATUSES, RUN_STATUSES, type AgentStep, type HttpRequestSent, type PromptSent, type RouteChoice, type RunError } from './run.js';
import type { DynamicOutputs } from './validate.js';
import { Workflow, WorkflowEdge } from './workflow.js';

/** A fixed result for one node of a test run: the node does not run and yields this instead. */
export const RunMock = z
  .object({
    output: z.unknown().meta({ description: 'The output the node yields' }),
    ports: z.array(z.string().min(1).max(64)).optional().meta({ description: 'Output ports that fire (all of them when absent)' }),
  })
  .strict();
export type RunMock = z.infer<typeof RunMock>;

/** Body of `POST /api/workflows/:id/runs`. */
export const StartRunBody = z
  .object({
    input: z.unknown().default({}).meta({ title: 'Run input' }),
    mocks: z
      .record(z.string().min(1).max(64), RunMock)
      .optional()
      .meta({ description: 'Nodes that do not run: each uses the given output instead (the run is marked as a test)' }),
  })
  .strict();
export type StartRunBody = z.infer<typeof StartRunBody>;

/** One problem in a request, as the API reports it. */
export const ApiIssue = z.object({
  path: z.string().meta({ description: 'JSON path of the problem in the request, e.g. `$.nodes[2].params.url`' }),
  message: z.string(),
  code: z.string().optional(),
  severity: z.enum(['error', 'warning']).optional(),
  nodeId: z.string().optional(),
});
export type ApiIssue = z.infer<typeof ApiIssue>;

/** The one error shape every API error uses. */
export const ApiError = z.object({
  error: z.object({ code: z.string(), message: z.string(), issues: z.array(ApiIssue) }),
});
export type ApiError = z.infer<typeof ApiError>;

/** A stored workflow with its latest version, as `GET /api/workflows/:id` returns it. */
export const WorkflowView = z.object({
  id: z.string(),
  name: z.string(),
  version: z.number().int(),
  hash: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  document: Workflow,
});
export type WorkflowView = z.infer<typeof WorkflowView>;

/** A line of `GET /api/workflows`. */
export const WorkflowSummary = z.object({
  id: z.string(),
  name: z.string(),
  version: z.number().int(),
  updatedAt: z.string(),
  lastRun: z.object({ id: z.string(), status: z.enum(RUN_STATUSES), createdAt: z.string() }).optional(),
});
export type WorkflowSummary = z.infer<typeof WorkflowSummary>;

/** What a save, an import or a create of a workflow answers: the version it stored. */
export const SavedWorkflow = z.object({ id: z.string(), version: z.number().int(), hash: z.string() });
export type SavedWorkflow = z.infer<typeof SavedWorkflow>;

/** One stored version of a workflow, as `GET /api/workflows/:id/versions` lists it. */
export const WorkflowVersionView = z.object({
  version: z.number().int(),
  hash: z.string(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  createdByName: z.string().nullable().meta({ description: 'The saving token\'s name; null for a token since deleted' }),
  message: z.string().nullable(),
});
export type WorkflowVersionView = z.infer<typeof WorkflowVersionView>;

/** A page of a list: `nextCursor` goes back as `?cursor=` for the next one. */
export const Page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** An error as recorded on a run or a node attempt (the shape of {@link RunError}). */
export const RunErrorView = z.object({
  type: z.string().meta({ description: 'Error type, e.g. `HttpStatusError`, `ExpressionError`, `Timeout`' }),
  message: z.string(),
  nodeId: z.string().optional(),
  retryable: z.boolean().optional(),
  details: z.unknown().optional(),
});
export type RunErrorView = z.infer<typeof RunErrorView>;

/** The prompt a node sent to an LLM (the shape of {@link PromptSent}). */
export const PromptSentView = z.object({ system: z.string().optional(), prompt: z.string(), calls: z.number().int() });
/** An HTTP request as a node sent it, secrets masked (the shape of {@link HttpRequestSent}). */
export const HttpRequestView = z.object({ method: z.string(), url: z.string(), headers: z.record(z.string(), z.string()), body: z.unknown().optional() });
/** The port a route chose and why (the shape of {@link RouteChoice}). */
export const RouteChoiceView = z.discriminatedUnion('by', [
  z.object({ port: z.string(), by: z.literal('rule'), index: z.number().int(), condition: z.string() }),
  z.object({ port: z.string(), by: z.literal('llm'), reason: z.string().optional() }),
  z.object({ port: z.string(), by: z.literal('fallback') }),
]);

/** What one LLM provider call used: who served it, the tokens, the cost and the time. */
export const LlmCallFigures = z.object({
  provider: z.string(),
  model: z.string(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  costUsd: z.number(),
  latencyMs: z.number(),
});
export type LlmCallFigures = z.infer<typeof LlmCallFigures>;

/** One provider call of an LLM node. */
export const LlmCallView = LlmCallFigures.extend({ attempt: z.number().int(), error: z.string().nullable(), at: z.string() });
export type LlmCallView = z.infer<typeof LlmCallView>;

/** What a run's LLM calls used, summed over every call (failed ones and loop items included). */
export const RunTotals = z.object({ llmCalls: z.number().int(), inputTokens: z.number(), outputTokens: z.number(), costUsd: z.number() });
export type RunTotals = z.infer<typeof RunTotals>;

/** One node of a run, as `GET /api/runs/:id` returns it. */
export const NodeRunView = z.object({
  id: z.string(),
  type: z.string(),
  status: z.enum(NODE_STATUSES),
  attempts: z.number().int(),
  lostAttempts: z.array(z.number().int()).optional().meta({ description: 'Attempts that never ended (their worker stopped answering) and were retried; absent when none' }),
  output: z.unknown(),
  error: RunErrorView.nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  reused: z.boolean().optional().meta({ description: 'Whether a re-run reused this node\'s earlier result instead of running it' }),
  llm: z.array(LlmCallView).optional().meta({ description: 'Provider calls of an LLM node, oldest first, over all its attempts' }),
  toolCalls: z.number().int().optional().meta({ description: 'For a tool of an agent: how many times the agent called it' }),
  input: z.unknown().optional().meta({ description: 'What the node got on its input edges (its latest attempt); null when it did not run' }),
  prompt: PromptSentView.optional(),
  request: HttpRequestView.optional(),
  route: RouteChoiceView.optional(),
  compensation: z
    .object({
      status: z.enum(['running', 'succeeded', 'failed']),
      attempts: z.number().int(),
      output: z.unknown(),
      error: RunErrorView.nullable(),
      finishedAt: z.string().nullable(),
      request: HttpRequestView.optional(),
    })
    .optional()
    .meta({ description: 'The node\'s undo during rollback, when it had one' }),
});
export type NodeRunView = z.infer<typeof NodeRunView>;

/** What started a run. */
export const RunTrigger = z.object({
  type: z.string().meta({ description: '`manual`, `schedule`, `webhook`, `rerun`, `subworkflow` or `test`' }),
  ref: z.string().optional().meta({ description: 'The schedule id or webhook path, for runs those started' }),
});
export type RunTrigger = z.infer<typeof RunTrigger>;

/** A run with its nodes, as `GET /api/runs/:id` returns it. */
export const RunView = z.object({
  id: z.string(),
  workflowId: z.string(),
  version: z.number().int(),
  hash: z.string(),
  status: z.enum(RUN_STATUSES),
  input: z.unknown(),
  output: z.unknown(),
  error: RunErrorView.nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  nodes: z.array(NodeRunView),
  totals: RunTotals.optional(),
  trigger: RunTrigger.optional(),
});
export type RunView = z.infer<typeof RunView>;

/** A line of `GET /api/runs`. */
export const RunSummary = z.object({
  id: z.string(),
  workflowId: z.string(),
  version: z.number().int(),
  status: z.enum(RUN_STATUSES),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  trigger: RunTrigger.optional(),
});
export type RunSummary = z.infer<typeof RunSummary>;

/** The answer to a run start: the run's id (it runs on). */
export const StartedRun = z.object({ runId: z.string() });
export type StartedRun = z.infer<typeof StartedRun>;

/** One node type of the catalog, as `GET /api/node-types` returns it. */
export const NodeTypeView = z.object({
  type: z.string(),
  kind: z.string(),
  category: z.string().meta({ description: 'Palette heading' }),
  version: z.number().int(),
  title: z.string(),
  description: z.string(),
  icon: z.string(),
  inputs: z.array(z.string()),
  outputs: z.array(z.string()),
  dynamicOutputs: z
    .object({ param: z.string(), field: z.string().optional(), fallback: z.string().optional() })
    .optional()
    .meta({ description: 'Output ports a node names in a param, besides `outputs`' }),
  expressionParams: z.array(z.string()).optional().meta({ description: 'Params holding a bare JSONata expression (no `{{ }}`)' }),
  trigger: z.boolean(),
  params: z.record(z.string(), z.unknown()).meta({ description: 'JSON Schema of the params (as a person writes them)' }),
  output: z.record(z.string(), z.unknown()).meta({ description: 'JSON Schema of the output' }),
  policy: z.record(z.string(), z.unknown()),
});
export type NodeTypeView = z.infer<typeof NodeTypeView>;

/** Who the calling token is, as `GET /api/me` answers. */
export const CallerView = z.object({ tokenId: z.string(), name: z.string(), role: z.enum(['viewer', 'editor', 'operator', 'admin']) });
export type CallerView = z.infer<typeof CallerView>;

/** One value that differs between two versions (the shape of {@link ValueChange}). */
export const ValueChangeView = z.object({ path: z.string(), kind: z.enum(['added', 'removed', 'changed']), from: z.unknown().optional(), to: z.unknown().optional() });

/** What changed between two versions, as `GET /api/workflows/:id/diff` answers (the diff is {@link WorkflowDiff}). */
export const WorkflowDiffView = z.object({
  from: z.object({ version: z.number().int(), hash: z.string() }),
  to: z.object({ version: z.number().int(), hash: z.string() }),
  diff: z.object({
    nodes: z.object({
      added: z.array(z.string()),
      removed: z.array(z.string()),
      changed: z.array(
        z.object({
          id: z.string(),
          type: z.object({ from: z.string(), to: z.string() }).optional(),
          label: z.object({ from: z.string().optional(), to: z.string().optional() }).optional(),
          params: z.array(ValueChangeView),
          policy: z.array(ValueChangeView),
        }),
      ),
      moved: z.array(z.string()),
    }),
    edges: z.object({ added: z.array(WorkflowEdge), removed: z.array(WorkflowEdge) }),
    settings: z.array(ValueChangeView),
    workflow: z.array(ValueChangeView),
    changed: z.boolean(),
  }),
});
export type WorkflowDiffView = z.infer<typeof WorkflowDiffView>;

/** A re-run's plan, as `POST /api/runs/:id/rerun` answers: `runId` once started (absent for a dry run). */
export const RerunPlanView = z.object({
  runId: z.string().optional(),
  rerunOf: z.string(),
  version: z.number().int(),
  fromNode: z.string(),
  rerun: z.array(z.string()).meta({ description: 'Nodes that run again' }),
  reused: z.array(z.string()).meta({ description: 'Nodes whose recorded results are reused' }),
  sideEffects: z.array(z.string()).meta({ description: 'Nodes that run again and act on the world: check before confirming' }),
});
export type RerunPlanView = z.infer<typeof RerunPlanView>;

/** An agent's tool call waiting for a person. */
export const PendingCallView = z.object({
  key: z.string().meta({ description: 'What a decision names (`call` in the approve and reject bodies)' }),
  agent: z.string(),
  turn: z.number().int(),
  tool: z.string(),
  toolNode: z.string(),
  arguments: z.record(z.string(), z.unknown()),
  reason: z.string(),
  parameters: z.record(z.string(), z.unknown()).optional().meta({ description: 'JSON Schema of the tool\'s arguments' }),
});

/** Live state of a run, from Temporal, as `GET /api/runs/:id/state` answers. */
export const LiveRunStateView = z.object({
  nodes: z.record(z.string(), z.object({ status: z.enum(NODE_STATUSES) })),
  approvals: z.array(
    z.object({ nodeId: z.string(), title: z.string(), description: z.string().optional(), deadline: z.string(), call: PendingCallView.optional() }),
  ),
});
export type LiveRunStateView = z.infer<typeof LiveRunStateView>;

/** One step of an agent's transcript (task, turn, tool call or re-ask), as `GET /api/runs/:id/transcript` lists it. */
export const AgentStepView = z.object({
  agent: z.string().meta({ description: 'Which conversation: the agent node\'s id, or a path for an agent called as a tool' }),
  nodeId: z.string(),
  turn: z.number().int(),
  part: z.number().int(),
  kind: z.enum(['task', 'turn', 'call', 'reask']),
  status: z.enum(['running', 'waiting', 'succeeded', 'failed', 'rejected']),
  data: z.record(z.string(), z.unknown()).meta({ description: 'By kind: the task, the turn\'s text and figures, the call with its result, or the re-ask\'s message' }),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
});
export type AgentStepView = z.infer<typeof AgentStepView>;

// The zod views describe the same values as the plain types the workflow bundle uses: kept in step here
// (the diff one way only: its plain type has read-only arrays).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const inStep: [Same<RunErrorView, RunError>, Same<z.infer<typeof PromptSentView>, PromptSent>, Same<z.infer<typeof RouteChoiceView>, RouteChoice>, Same<z.infer<typeof HttpRequestView>, HttpRequestSent>, Same<NodeTypeView['dynamicOutputs'], DynamicOutputs | undefined>, Same<z.infer<typeof ValueChangeView>, ValueChange>, [WorkflowDiffView['diff']] extends [WorkflowDiff] ? true : false, Same<Omit<AgentStepView, 'data'>, Omit<AgentStep, 'data'>>] = [true, true, true, true, true, true, true, true];
void inStep;
