import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { AgentStepKind, AgentStepStatus, AttemptDetail, AttemptPhase, AttemptStatus, RunError, RunStatus, Workflow } from '@weft/schemas';

/** Ports a node fired and its edges whose condition was false, as an attempt recorded them. */
export interface RecordedRoutes {
  readonly ports?: string[];
  readonly falseEdges: string[];
}

/** A workflow: a name and a pointer to its newest version. */
export interface WorkflowTable {
  id: string;
  name: string;
  latest_version: number;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}
export type WorkflowRow = Selectable<WorkflowTable>;
export type NewWorkflowRow = Insertable<WorkflowTable>;

/** One immutable saved version of a workflow document. */
export interface WorkflowVersionTable {
  workflow_id: string;
  version: number;
  /** sha256 of the canonical behavioural content (layout excluded). */
  hash: string;
  /** The document as validated when it was saved (read back as JSON). */
  document: ColumnType<Workflow, string, never>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  created_by: string | null;
  /** What the person saving this version said about it. */
  message: ColumnType<string | null, string | null | undefined, never>;
}
export type WorkflowVersionRow = Selectable<WorkflowVersionTable>;

/** One run of a workflow version. */
export interface RunTable {
  id: string;
  workflow_id: string;
  version: number;
  hash: string;
  status: RunStatus;
  trigger: string;
  input: ColumnType<unknown, string, string>;
  output: ColumnType<unknown, string | null, string | null>;
  error: ColumnType<RunError | null, string | null, string | null>;
  temporal_workflow_id: string;
  created_by: string | null;
  parent_run_id: ColumnType<string | null, string | null | undefined, never>;
  parent_node_id: ColumnType<string | null, string | null | undefined, never>;
  rerun_of: ColumnType<string | null, string | null | undefined, never>;
  /** The schedule id or webhook path that started the run, for those triggers. */
  trigger_ref: ColumnType<string | null, string | null | undefined, never>;
  /** The HTTP request a webhook run was started with (`RunRequest`), to start it again if its start was lost. */
  request: ColumnType<unknown, string | null | undefined, never>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  started_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  finished_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}
export type RunRow = Selectable<RunTable>;

/** One attempt of one node within a run. */
export interface NodeRunTable {
  id: Generated<number>;
  run_id: string;
  node_id: string;
  node_type: string;
  phase: AttemptPhase;
  attempt: number;
  status: AttemptStatus;
  input: ColumnType<unknown, string | null, string | null>;
  output: ColumnType<unknown, string | null, string | null>;
  error: ColumnType<RunError | null, string | null, string | null>;
  started_at: ColumnType<Date, Date | string | undefined, Date | string>;
  finished_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** Loop item index; -1 for the node itself. */
  item: ColumnType<number, number | undefined, never>;
  /** Ports fired and false edges, for re-runs. */
  routes: ColumnType<RecordedRoutes | null, string | null | undefined, string | null>;
  /** What the attempt sent and decided (`AttemptDetail`: HTTP request, rendered prompt, route choice). */
  detail: ColumnType<AttemptDetail | null, string | null | undefined, string | null>;
}
export type NodeRunRow = Selectable<NodeRunTable>;

/** One event of a run, in order; what the SSE stream replays. */
export interface RunEventTable {
  id: Generated<number>;
  run_id: string;
  type: string;
  node_id: string | null;
  attempt: number | null;
  item: number | null;
  data: ColumnType<unknown, string | null, never>;
  at: ColumnType<Date, Date | string | undefined, never>;
}
export type RunEventRow = Selectable<RunEventTable>;

/** One step of an agent's transcript: its task, a model turn, or a tool call. */
export interface AgentStepTable {
  id: Generated<number>;
  run_id: string;
  /** Which conversation: the agent node id, or a path for an agent called as a tool. */
  agent: string;
  node_id: string;
  turn: number;
  part: number;
  kind: AgentStepKind;
  status: AgentStepStatus;
  data: ColumnType<unknown, string, string>;
  started_at: ColumnType<Date, Date | string | undefined, never>;
  ended_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}
export type AgentStepRow = Selectable<AgentStepTable>;

/** One provider call of an LLM node attempt. */
export interface LlmCallTable {
  id: Generated<number>;
  run_id: string;
  node_id: string;
  attempt: number;
  item: ColumnType<number, number | undefined, never>;
  provider: string;
  model: string;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  latency_ms: number;
  error: string | null;
  at: ColumnType<Date, Date | string | undefined, never>;
}
export type LlmCallRow = Selectable<LlmCallTable>;

/** A secret, encrypted at rest; `value` is `v1:<key id>:<iv>:<tag>:<ciphertext>` in base64 parts. */
export interface SecretTable {
  name: string;
  value: string;
  key_id: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_by: string | null;
  /** Canonical destination patterns (a JSON array); null for a secret stored before bindings: sent nowhere. */
  hosts: ColumnType<string[] | null, string | null | undefined, string | null>;
}
export type SecretRow = Selectable<SecretTable>;

/** A Temporal Schedule bound to a workflow. */
export interface ScheduleTable {
  id: string;
  workflow_id: string;
  /** `{ cron?: string[], every?: string[] }` as created. */
  spec: ColumnType<unknown, string, never>;
  timezone: string;
  overlap: string;
  input: ColumnType<unknown, string | null, never>;
  note: string | null;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  created_by: string | null;
}
export type ScheduleRow = Selectable<ScheduleTable>;

/** A signed webhook bound to a workflow; `secret` is encrypted like a stored secret. */
export interface WebhookTable {
  path: string;
  workflow_id: string;
  mode: string;
  timeout_ms: number;
  headers: ColumnType<string[], string, never>;
  secret: string;
  key_id: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  created_by: string | null;
  rotated_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}
export type WebhookRow = Selectable<WebhookTable>;

/** A webhook signature already accepted, kept until its timestamp is out of the window (replay guard). */
export interface WebhookSignatureTable {
  hook_path: string;
  /** sha256 of the signature, hex. */
  digest: string;
  expires_at: ColumnType<Date, Date | string, Date | string>;
}

/** An Idempotency-Key a caller sent: claimed while its request runs, then the answer to replay. */
export interface IdempotencyKeyTable {
  /** `token:<token id>` or `hook:<path>`. */
  scope: string;
  key: string;
  method: string;
  /** The path with its query, as first requested. */
  path: string;
  /** sha256 (hex) of the method, path, query and body. */
  request_hash: string;
  /**
   * Random, set when the key is first claimed (and again when an expired row is taken over), kept
   * when a repeat takes over a request that died unfinished: what a run start names its run by.
   */
  claim_id: string;
  state: 'in_progress' | 'done';
  response_status: number | null;
  /** The answer's headers worth replaying (content-type, location), name to value. */
  response_headers: ColumnType<Record<string, string> | null, string | null | undefined, string | null>;
  /** The answer's body; null while in progress or when the answer showed a secret once. */
  response_body: string | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  /** The `api_process` that claimed the key; null when claimed without one (or before processes were recorded). */
  holder: ColumnType<string | null, string | null | undefined, string | null>;
}
export type IdempotencyKeyRow = Selectable<IdempotencyKeyTable>;

/** A large value kept out of Temporal history. */
export interface BlobTable {
  id: string;
  run_id: string;
  node_id: string;
  bytes: number;
  data: ColumnType<unknown, string, never>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

/** An append-only, hash-chained record of who did what. */
export interface AuditEventTable {
  id: Generated<number>;
  at: ColumnType<Date, Date | string, never>;
  actor: string;
  action: string;
  target: string;
  details: ColumnType<unknown, string, never>;
  prev_hash: string;
  hash: string;
}
export type AuditEventRow = Selectable<AuditEventTable>;

/** An API bearer token, stored as a hash. */
export interface ApiTokenTable {
  id: string;
  name: string;
  role: string;
  token_hash: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  expires_at: Date | null;
  last_used_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  revoked_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}
export type ApiTokenRow = Selectable<ApiTokenTable>;

/** A knowledge collection: documents embedded by one embedder. */
export interface CollectionTable {
  id: string;
  name: string;
  embedder: string;
  dimensions: number;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}
export type CollectionRow = Selectable<CollectionTable>;

/** A document of a collection; its text lives in its chunks. */
export interface DocumentTable {
  id: string;
  collection_id: string;
  /** Idempotency key of the ingest that stored it. */
  key: string | null;
  title: string | null;
  source: string | null;
  metadata: ColumnType<unknown, string, never>;
  chunks: number;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}
export type DocumentRow = Selectable<DocumentTable>;

/** A chunk of a document; `tsv` is generated from `text`. */
export interface ChunkTable {
  id: string;
  document_id: string;
  collection_id: string;
  position: number;
  heading: string | null;
  start: number;
  end: number;
  text: string;
  metadata: ColumnType<unknown, string, never>;
  tsv: ColumnType<string, never, never>;
  /** pgvector, no fixed dimension; the column exists only where pgvector is installed. */
  embedding: ColumnType<string | null, string | null | undefined, never>;
}
export type ChunkRow = Selectable<ChunkTable>;

/** The one row `/readyz` writes, to learn whether the database takes writes. */
export interface HealthProbeTable {
  id: number;
  checked_at: ColumnType<Date, Date | string, Date | string>;
}

/** A running API process, beaten every few seconds: whether the holder of an idempotency key is alive. */
export interface ApiProcessTable {
  /** Random, new at each start. */
  id: string;
  /** When it last beat, in database time. */
  seen_at: ColumnType<Date, Date | string, Date | string>;
}

/** Every table Weft keeps. */
export interface Database {
  workflow: WorkflowTable;
  workflow_version: WorkflowVersionTable;
  run: RunTable;
  node_run: NodeRunTable;
  api_token: ApiTokenTable;
  run_event: RunEventTable;
  agent_step: AgentStepTable;
  blob: BlobTable;
  audit_event: AuditEventTable;
  llm_call: LlmCallTable;
  secret: SecretTable;
  collection: CollectionTable;
  document: DocumentTable;
  chunk: ChunkTable;
  schedule: ScheduleTable;
  webhook: WebhookTable;
  webhook_signature: WebhookSignatureTable;
  idempotency_key: IdempotencyKeyTable;
  health_probe: HealthProbeTable;
  api_process: ApiProcessTable;
}
