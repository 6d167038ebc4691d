import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

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
  document: ColumnType<unknown, string, never>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  created_by: string | null;
}
export type WorkflowVersionRow = Selectable<WorkflowVersionTable>;

/** One run of a workflow version. */
export interface RunTable {
  id: string;
  workflow_id: string;
  version: number;
  hash: string;
  status: string;
  trigger: string;
  input: ColumnType<unknown, string, string>;
  output: ColumnType<unknown, string | null, string | null>;
  error: ColumnType<unknown, string | null, string | null>;
  temporal_workflow_id: string;
  created_by: string | null;
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
  phase: string;
  attempt: number;
  status: string;
  input: ColumnType<unknown, string | null, string | null>;
  output: ColumnType<unknown, string | null, string | null>;
  error: ColumnType<unknown, string | null, string | null>;
  started_at: ColumnType<Date, Date | string | undefined, Date | string>;
  finished_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}
export type NodeRunRow = Selectable<NodeRunTable>;

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

/** Every table Weft keeps. */
export interface Database {
  workflow: WorkflowTable;
  workflow_version: WorkflowVersionTable;
  run: RunTable;
  node_run: NodeRunTable;
  api_token: ApiTokenTable;
}
