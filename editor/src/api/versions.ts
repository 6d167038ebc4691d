import type { WorkflowView } from '@weft/schemas';
import { api, call, type CallOptions, type Ok } from './client';

/** A line of `GET /api/workflows/:id/versions`. */
export type VersionSummary = Ok<Awaited<ReturnType<typeof api.api.workflows[':id']['versions']['$get']>>>['items'][number];

/** The answer of `GET /api/workflows/:id/diff`. */
export type VersionDiff = Ok<Awaited<ReturnType<typeof api.api.workflows[':id']['diff']['$get']>>>;

/** `GET /api/workflows/:id/versions`: one page, newest first. */
export async function listVersions(id: string, cursor: string | undefined, options?: CallOptions): Promise<{ items: VersionSummary[]; nextCursor: string | null }> {
  const page = await call((o) => api.api.workflows[':id'].versions.$get({ param: { id }, query: { limit: '100', ...(cursor ? { cursor } : {}) } }, o), options);
  return { items: [...page.items], nextCursor: page.nextCursor ?? null };
}

/** `GET /api/workflows/:id/versions/:v`. */
export function getVersion(id: string, version: number, options?: CallOptions): Promise<WorkflowView> {
  return call((o) => api.api.workflows[':id'].versions[':v'].$get({ param: { id, v: String(version) } }, o), options);
}

/** `GET /api/workflows/:id/diff?from=&to=`. */
export function getDiff(id: string, from: number, to: number, options?: CallOptions): Promise<VersionDiff> {
  return call((o) => api.api.workflows[':id'].diff.$get({ param: { id }, query: { from: String(from), to: String(to) } }, o), options);
}

/** Saves an old version's document as the newest version (`PUT /api/workflows/:id`); returns the new number. */
export async function restoreVersion(id: string, version: number, options?: CallOptions): Promise<number> {
  const old = await getVersion(id, version, options);
  const saved = await call((o) => api.api.workflows[':id'].$put({ param: { id }, query: { message: `Restored from version ${version}` }, json: old.document }, o), options);
  return saved.version;
}
