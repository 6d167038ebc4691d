import type { RunSummary, RunView } from '@weft/schemas';
import { api, call, type CallOptions, type Ok } from './client';

// Calls of the operator pages (approvals, schedules, webhooks, knowledge, secrets, tokens, audit).

type Res<F extends (...args: never[]) => unknown> = Ok<Awaited<ReturnType<F>>>;

/** Who the signed-in token is. */
export type Me = Res<typeof api.api.me.$get>;
/** `GET /api/me`. */
export function getMe(options?: CallOptions): Promise<Me> {
  return call((o) => api.api.me.$get(undefined, o), options);
}

// ── Runs / approvals ──

/** `GET /api/runs`: the newest runs over every workflow. */
export async function listRecentRuns(limit: number, options?: CallOptions): Promise<RunSummary[]> {
  const { items } = await call((o) => api.api.runs.$get({ query: { limit: String(limit) } }, o), options);
  return items;
}

/** `GET /api/runs/:id`. */
export function getRunView(id: string, options?: CallOptions): Promise<RunView> {
  return call((o) => api.api.runs[':id'].$get({ param: { id }, query: {} }, o), options);
}

/** An approval a run waits on, its title and text as the run rendered them. */
export type PendingApproval = Res<typeof api.api.approvals.$get>['items'][number];
/** `GET /api/approvals`: every waiting approval, oldest first. */
export async function listApprovals(options?: CallOptions): Promise<PendingApproval[]> {
  const { items } = await call((o) => api.api.approvals.$get(undefined, o), options);
  return items;
}

/** A decision on an approval node, or on an agent's tool call (`call`, its key). */
export interface Decision {
  readonly approved: boolean;
  readonly nodeId: string;
  /** The tool call decided on. */
  readonly call?: string;
  /** Approving a tool call: run it with these arguments instead of the model's. */
  readonly arguments?: Record<string, unknown>;
  /** Why; rejecting a tool call, the agent's model reads it. */
  readonly comment?: string;
}
/** `POST /api/runs/:id/approve` or `/reject`. */
export async function decideApproval(runId: string, d: Decision, options?: CallOptions): Promise<void> {
  const json = d.call !== undefined
    ? { call: d.call, ...(d.approved && d.arguments ? { arguments: d.arguments } : {}), ...(d.comment ? { comment: d.comment } : {}) }
    : { nodeId: d.nodeId, ...(d.comment ? { comment: d.comment } : {}) };
  const route = api.api.runs[':id'];
  if (d.approved) await call((o) => route.approve.$post({ param: { id: runId }, json }, o), options);
  else await call((o) => route.reject.$post({ param: { id: runId }, json }, o), options);
}

// ── Schedules ──

/** A schedule as listed. */
export type Schedule = Res<typeof api.api.schedules.$get>['items'][number];
/** The body of a new schedule. */
export type NewSchedule = Parameters<typeof api.api.schedules.$post>[0]['json'];

/** `GET /api/schedules`. */
export async function listSchedules(options?: CallOptions): Promise<Schedule[]> {
  const { items } = await call((o) => api.api.schedules.$get({ query: { limit: '200' } }, o), options);
  return items;
}
/** `POST /api/schedules`. */
export function createSchedule(json: NewSchedule, options?: CallOptions): Promise<Schedule> {
  return call((o) => api.api.schedules.$post({ json }, o), options) as Promise<Schedule>;
}
/** Pause, resume or fire a schedule now. */
export async function scheduleAction(id: string, action: 'pause' | 'resume' | 'trigger', options?: CallOptions): Promise<void> {
  const route = api.api.schedules[':id'];
  const param = { id };
  if (action === 'pause') await call((o) => route.pause.$post({ param, json: {} }, o), options);
  else if (action === 'resume') await call((o) => route.resume.$post({ param, json: {} }, o), options);
  else await call((o) => route.trigger.$post({ param, json: {} }, o), options);
}
/** `DELETE /api/schedules/:id`. */
export async function deleteSchedule(id: string, options?: CallOptions): Promise<void> {
  await call((o) => api.api.schedules[':id'].$delete({ param: { id } }, o), options);
}

// ── Webhooks ──

/** A webhook as listed (never its secret). */
export type Webhook = Res<typeof api.api.webhooks.$get>['items'][number];
/** A webhook with its secret, answered once on create and rotate. */
export type WebhookWithSecret = Webhook & { readonly secret: string };
/** The body of a new webhook. */
export type NewWebhook = Parameters<typeof api.api.webhooks.$post>[0]['json'];

/** `GET /api/webhooks`. */
export async function listWebhooks(options?: CallOptions): Promise<Webhook[]> {
  const { items } = await call((o) => api.api.webhooks.$get({ query: { limit: '200' } }, o), options);
  return items;
}
/** `POST /api/webhooks`. */
export function createWebhook(json: NewWebhook, options?: CallOptions): Promise<WebhookWithSecret> {
  return call((o) => api.api.webhooks.$post({ json }, o), options) as Promise<WebhookWithSecret>;
}
/** `POST /api/webhooks/:path/rotate-secret`. */
export function rotateWebhookSecret(path: string, options?: CallOptions): Promise<WebhookWithSecret> {
  return call((o) => api.api.webhooks[':path']['rotate-secret'].$post({ param: { path } }, o), options) as Promise<WebhookWithSecret>;
}
/** `DELETE /api/webhooks/:path`. */
export async function deleteWebhook(path: string, options?: CallOptions): Promise<void> {
  await call((o) => api.api.webhooks[':path'].$delete({ param: { path } }, o), options);
}

// ── Knowledge collections ──

/** A collection as listed. */
export type Collection = Res<typeof api.api.collections.$get>['items'][number];
/** A document of a collection. */
export type KnowledgeDocument = Res<(typeof api.api.collections)[':name']['documents']['$get']>['items'][number];
/** One chunk of a document. */
export type Chunk = Res<(typeof api.api.collections)[':name']['documents'][':id']['$get']>['chunks'][number];
/** A document to ingest. */
export type DocumentUpload = Parameters<(typeof api.api.collections)[':name']['documents']['$post']>[0]['json']['documents'][number];
/** What a search answers. */
export type SearchAnswer = Res<(typeof api.api.collections)[':name']['search']['$post']>;

/** `GET /api/collections`. */
export async function listCollections(options?: CallOptions): Promise<{ items: Collection[]; vectors: boolean }> {
  const { items, vectors } = await call((o) => api.api.collections.$get({ query: { limit: '500' } }, o), options);
  return { items, vectors };
}
/** `GET /api/collections/:name`. */
export function getCollection(name: string, options?: CallOptions) {
  return call((o) => api.api.collections[':name'].$get({ param: { name } }, o), options);
}
/** `POST /api/collections`. */
export async function createCollection(name: string, options?: CallOptions): Promise<void> {
  await call((o) => api.api.collections.$post({ json: { name } }, o), options);
}
/** `DELETE /api/collections/:name`. */
export async function deleteCollection(name: string, options?: CallOptions): Promise<void> {
  await call((o) => api.api.collections[':name'].$delete({ param: { name } }, o), options);
}
/** `POST /api/collections/:name/documents`. */
export function ingestDocuments(name: string, documents: DocumentUpload[], options?: CallOptions) {
  return call((o) => api.api.collections[':name'].documents.$post({ param: { name }, json: { documents } }, o), options);
}
/** `GET /api/collections/:name/documents`. */
export async function listDocuments(name: string, options?: CallOptions): Promise<KnowledgeDocument[]> {
  const { items } = await call((o) => api.api.collections[':name'].documents.$get({ param: { name }, query: { limit: '500' } }, o), options);
  return items;
}
/** `GET /api/collections/:name/documents/:id`: the chunks of a document. */
export async function listChunks(name: string, id: string, options?: CallOptions): Promise<Chunk[]> {
  const { chunks } = await call((o) => api.api.collections[':name'].documents[':id'].$get({ param: { name, id } }, o), options);
  return chunks;
}
/** `DELETE /api/collections/:name/documents/:id`. */
export async function deleteDocument(name: string, id: string, options?: CallOptions): Promise<void> {
  await call((o) => api.api.collections[':name'].documents[':id'].$delete({ param: { name, id } }, o), options);
}
/** `POST /api/collections/:name/search`. */
export function searchCollection(name: string, query: string, topK: number, options?: CallOptions): Promise<SearchAnswer> {
  return call((o) => api.api.collections[':name'].search.$post({ param: { name }, json: { query, topK } }, o), options);
}

// ── Secrets, tokens, audit ──

/** A secret as listed: its name, times and the hosts it may be sent to (`null`: none yet), never its value. */
export type SecretEntry = Res<typeof api.api.secrets.$get>['items'][number];
/** What a secret write sets: a new value, new hosts, or both (a new secret needs both). */
export interface SecretWrite {
  readonly value?: string;
  readonly hosts?: readonly string[];
}
/** `GET /api/secrets`. */
export async function listSecrets(options?: CallOptions): Promise<SecretEntry[]> {
  const { items } = await call((o) => api.api.secrets.$get({ query: { limit: '500' } }, o), options);
  return items;
}
/** `PUT /api/secrets/:name`: what the write leaves out (value or hosts) stays as stored. */
export async function putSecret(name: string, write: SecretWrite, options?: CallOptions): Promise<void> {
  const json = { ...(write.value === undefined ? {} : { value: write.value }), ...(write.hosts === undefined ? {} : { hosts: [...write.hosts] }) };
  await call((o) => api.api.secrets[':name'].$put({ param: { name }, json }, o), options);
}
/** `DELETE /api/secrets/:name`. */
export async function deleteSecret(name: string, options?: CallOptions): Promise<void> {
  await call((o) => api.api.secrets[':name'].$delete({ param: { name } }, o), options);
}

/** A token as listed (never its hash). */
export type TokenEntry = Res<typeof api.api.tokens.$get>['items'][number];
/** A new token: the secret value is in this answer only. */
export type CreatedToken = Res<typeof api.api.tokens.$post>;
/** The body of a new token. */
export type NewToken = Parameters<typeof api.api.tokens.$post>[0]['json'];
/** `GET /api/tokens`. */
export async function listTokens(options?: CallOptions): Promise<TokenEntry[]> {
  const { items } = await call((o) => api.api.tokens.$get({ query: { limit: '500' } }, o), options);
  return items;
}
/** `POST /api/tokens`. */
export function createToken(json: NewToken, options?: CallOptions): Promise<CreatedToken> {
  return call((o) => api.api.tokens.$post({ json }, o), options);
}
/** `DELETE /api/tokens/:id`: revokes. */
export async function revokeToken(id: string, options?: CallOptions): Promise<void> {
  await call((o) => api.api.tokens[':id'].$delete({ param: { id } }, o), options);
}

/** One audit event. */
export type AuditEvent = Res<typeof api.api.audit.$get>['items'][number];
/** Filters of the audit log. */
export interface AuditFilter {
  readonly action?: string;
  readonly actor?: string;
  readonly target?: string;
}
/** `GET /api/audit`: one page, newest first. */
export function listAudit(filter: AuditFilter, cursor: string | null, options?: CallOptions) {
  const query: Record<string, string> = { limit: '50' };
  for (const [k, v] of Object.entries(filter)) if (typeof v === 'string' && v.trim()) query[k] = v.trim();
  if (cursor) query.cursor = cursor;
  return call((o) => api.api.audit.$get({ query }, o), options);
}
