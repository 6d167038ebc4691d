import type { Workflow, WorkflowInput } from '@weft/schemas';
import { api, call, type CallOptions } from './client';

// The routes type their body as the validated document; the server fills defaults and checks
// everything, so a document as a person writes it is sent as it is.
const asBody = (document: unknown) => document as Workflow;

/** What saving a document answers: the workflow, its new version and the content hash. */
export interface SavedVersion {
  readonly id: string;
  readonly version: number;
  readonly hash: string;
}

/** `PUT /api/workflows/:id`: saves a document as the next version of a workflow, with an optional message saying what changed. */
export function saveWorkflow(id: string, document: WorkflowInput, message?: string, options?: CallOptions): Promise<SavedVersion> {
  const query = message?.trim() ? { message: message.trim() } : {};
  return call((o) => api.api.workflows[':id'].$put({ param: { id }, query, json: asBody(document) }, o), options);
}

/** `POST /api/workflows`: creates a workflow (version 1) from a document. */
export function createWorkflow(document: WorkflowInput, message?: string, options?: CallOptions): Promise<SavedVersion> {
  const query = message?.trim() ? { message: message.trim() } : {};
  return call((o) => api.api.workflows.$post({ query, json: asBody(document) }, o), options);
}

/** `POST /api/workflows/import`: creates a workflow from an exported document (older formats are upgraded). */
export function importWorkflow(document: unknown, options?: CallOptions): Promise<SavedVersion> {
  return call((o) => api.api.workflows.import.$post({ json: asBody(document) }, o), options);
}
