import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { z } from 'zod';
import { diffWorkflows, jsonPath, Page, SavedWorkflow, StartedRun, StartRunBody, Workflow as WorkflowDocument, WorkflowDiffView, WorkflowSummary, WorkflowVersionView, WorkflowView } from '@weft/schemas';
import type { NodeRegistry } from '@weft/nodes';
import { requireRole, type AuthEnv } from '../auth/bearer-auth.js';
import type { Db } from '@weft/store';
import { addVersion, createWorkflow, findWorkflow, listVersions, listWorkflows, workflowHash, type StoredWorkflow } from '@weft/store/repositories/workflow.repository';
import { tokenNames } from '@weft/store/repositories/token.repository';
import { apiError } from '../errors.js';
import { appendAudit } from '@weft/store/repositories/audit.repository';
import type { RunStarter } from '../runs/index.js';
import { answerRunErrors } from './run-errors.js';
import { valid, validWorkflow } from '../validation.js';
import { decodeCursor, PageQuery, toPage } from '../pagination.js';
import { describe, errorDoc } from '../openapi.js';
import { idempotentId } from '../idempotency.js';
import { refuseRunInput } from '../run-input.js';

const WorkflowId = z.string().regex(/^wf_[a-z0-9]{1,40}$/, 'expected a workflow id such as wf_1a2b3c');
/** What a save may say about the new version. */
const SaveQuery = z.object({ message: z.string().trim().min(1).max(500).optional().meta({ description: 'What changed in this version' }) });
const IdParam = z.object({ id: WorkflowId });
const VersionNumber = z.coerce.number().int().min(1).max(2_147_483_647);
const VersionParam = z.object({ id: WorkflowId, v: VersionNumber });
const DiffQuery = z.object({ from: VersionNumber.optional(), to: VersionNumber.optional() });

/** A file name for an exported document: the workflow's name, made safe. */
function fileName(name: string): string {
  return `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'workflow'}.json`;
}

/** Workflows: create, new version, read, list, validate, start a run. */
export function workflowRoutes(deps: { db: Db; registry: NodeRegistry; runs: RunStarter }) {
  const { db, registry } = deps;
  return new Hono<AuthEnv>()
    .onError(answerRunErrors)
    .use(requireRole('viewer'))
    .get('/', describe({ summary: 'List workflows, most recently changed first', tags: ['workflows'], responses: { 200: { description: 'A page of workflows', schema: Page(WorkflowSummary) } } }), valid('query', PageQuery), async (c) => {
      const { limit, cursor } = c.req.valid('query');
      const after = decodeCursor(cursor, 2) as [string, string] | undefined;
      const rows = await listWorkflows(db, { limit: limit + 1, ...(after ? { after } : {}) });
      const page = toPage(rows, limit, (r) => [r.sort_at, r.id], (r): WorkflowSummary => ({
        id: r.id,
        name: r.name,
        version: r.latest_version,
        updatedAt: r.updated_at.toISOString(),
        ...(r.run_id && r.run_status && r.run_created_at
          ? { lastRun: { id: r.run_id, status: r.run_status as never, createdAt: new Date(r.run_created_at).toISOString() } }
          : {}),
      }));
      return c.json(page);
    })
    .post('/validate', describe({ summary: 'Validate a workflow document without saving it', tags: ['workflows'], responses: { 200: { description: 'Valid, with the hash it would be saved under', schema: z.object({ ok: z.literal(true), hash: z.string() }) }, 422: errorDoc('The graph has problems; every one is listed') } }), validWorkflow(registry), (c) => c.json({ ok: true, hash: workflowHash(c.req.valid('json')) }))
    .post('/', describe({ summary: 'Create a workflow (version 1)', tags: ['workflows'], responses: { 201: { description: 'Created', schema: SavedWorkflow }, 422: errorDoc('The graph has problems; every one is listed') } }), requireRole('editor'), valid('query', SaveQuery), validWorkflow(registry), async (c) => {
      const document = c.req.valid('json');
      const id = `wf_${randomBytes(8).toString('hex')}`;
      const hash = workflowHash(document);
      await createWorkflow(db, { id, document, hash, createdBy: c.get('caller').tokenId, message: c.req.valid('query').message ?? null });
      await appendAudit(db, { actor: c.get('caller').tokenId, action: 'workflow.create', target: id, details: { version: 1, hash } });
      return c.json({ id, version: 1, hash }, 201);
    })
    .post('/import', describe({ summary: 'Import a workflow document (older schema versions are upgraded)', tags: ['workflows'], responses: { 201: { description: 'Imported', schema: SavedWorkflow }, 422: errorDoc('The graph has problems; every one is listed') } }), requireRole('editor'), validWorkflow(registry), async (c) => {
      // The validator has already upgraded a document of an older schemaVersion.
      const document = c.req.valid('json');
      const id = `wf_${randomBytes(8).toString('hex')}`;
      const hash = workflowHash(document);
      await createWorkflow(db, { id, document, hash, createdBy: c.get('caller').tokenId });
      await appendAudit(db, { actor: c.get('caller').tokenId, action: 'workflow.import', target: id, details: { version: 1, hash } });
      return c.json({ id, version: 1, hash }, 201);
    })
    .put('/:id', describe({ summary: 'Save a new version of a workflow (`?message=` says what changed)', tags: ['workflows'], responses: { 200: { description: 'Saved', schema: SavedWorkflow }, 422: errorDoc('The graph has problems; every one is listed') } }), requireRole('editor'), valid('param', IdParam), valid('query', SaveQuery), validWorkflow(registry), async (c) => {
      const { id } = c.req.valid('param');
      const document = c.req.valid('json');
      const hash = workflowHash(document);
      const version = await addVersion(db, { id, document, hash, createdBy: c.get('caller').tokenId, message: c.req.valid('query').message ?? null });
      if (version === undefined) return apiError(c, 404, 'not_found', `no workflow ${id}`);
      await appendAudit(db, { actor: c.get('caller').tokenId, action: 'workflow.update', target: id, details: { version, hash } });
      return c.json({ id, version, hash }, 200);
    })
    .get('/:id', describe({ summary: 'Read a workflow at its latest version', tags: ['workflows'], responses: { 200: { description: 'The workflow', schema: WorkflowView } } }), valid('param', IdParam), async (c) => {
      const { id } = c.req.valid('param');
      const wf = await findWorkflow(db, id);
      if (!wf) return apiError(c, 404, 'not_found', `no workflow ${id}`);
      return c.json(toView(wf));
    })
    .get('/:id/versions', describe({ summary: 'List the versions of a workflow, newest first', tags: ['workflows'], responses: { 200: { description: 'A page of versions', schema: Page(WorkflowVersionView) } } }), valid('param', IdParam), valid('query', PageQuery), async (c) => {
      const { id } = c.req.valid('param');
      const { limit, cursor } = c.req.valid('query');
      const before = decodeCursor(cursor, 1)?.[0];
      const rows = await listVersions(db, id, { limit: limit + 1, ...(typeof before === 'number' ? { before } : {}) });
      if (rows.length === 0 && !(await findWorkflow(db, id))) return apiError(c, 404, 'not_found', `no workflow ${id}`);
      const names = await tokenNames(db, rows.map((r) => r.created_by));
      return c.json(
        toPage(rows, limit, (r) => [r.version], (r) => ({
          version: r.version,
          hash: r.hash,
          createdAt: r.created_at.toISOString(),
          createdBy: r.created_by,
          // The token's name, as people read who saved it; null for a token since deleted.
          createdByName: r.created_by ? (names.get(r.created_by) ?? null) : null,
          message: r.message,
        })),
      );
    })
    .get('/:id/versions/:v', describe({ summary: 'Read one version of a workflow', tags: ['workflows'], responses: { 200: { description: 'The workflow at that version', schema: WorkflowView } } }), valid('param', VersionParam), async (c) => {
      const { id, v } = c.req.valid('param');
      const wf = await findWorkflow(db, id, v);
      if (!wf) return apiError(c, 404, 'not_found', `no version ${v} of workflow ${id}`);
      return c.json(toView(wf));
    })
    .get('/:id/diff', describe({ summary: 'Diff two versions of a workflow', tags: ['workflows'], responses: { 200: { description: 'What changed', schema: WorkflowDiffView } } }), valid('param', IdParam), valid('query', DiffQuery), async (c) => {
      const { id } = c.req.valid('param');
      const latest = await findWorkflow(db, id);
      if (!latest) return apiError(c, 404, 'not_found', `no workflow ${id}`);
      const q = c.req.valid('query');
      const to = q.to ?? latest.version;
      const from = q.from ?? Math.max(1, to - 1);
      const [a, b] = await Promise.all([findWorkflow(db, id, from), findWorkflow(db, id, to)]);
      if (!a || !b) return apiError(c, 404, 'not_found', `workflow ${id} has versions 1 to ${latest.version}`, [{ path: a ? '$.to' : '$.from', message: `no version ${a ? to : from}` }]);
      return c.json({ from: { version: a.version, hash: a.hash }, to: { version: b.version, hash: b.hash }, diff: diffWorkflows(a.document, b.document) });
    })
    .get('/:id/export', describe({ summary: 'Export a workflow document as a file', tags: ['workflows'], responses: { 200: { description: 'The document, as an attachment', schema: WorkflowDocument } } }), valid('param', IdParam), async (c) => {
      const { id } = c.req.valid('param');
      const wf = await findWorkflow(db, id);
      if (!wf) return apiError(c, 404, 'not_found', `no workflow ${id}`);
      c.header('content-disposition', `attachment; filename="${fileName(wf.name)}"`);
      return c.json(wf.document);
    })
    .post('/:id/runs', describe({ summary: 'Start a run of the latest version', tags: ['workflows'], responses: { 202: { description: 'Started; the run goes on', schema: StartedRun }, 422: errorDoc('A mock names no node of the workflow, or the input does not fit its input schema') } }), requireRole('operator'), valid('param', IdParam), valid('json', StartRunBody), async (c) => {
      const { id } = c.req.valid('param');
      const wf = await findWorkflow(db, id);
      if (!wf) return apiError(c, 404, 'not_found', `no workflow ${id}`);
      const { input, mocks } = c.req.valid('json');
      const ids = wf.document.nodes.map((n) => n.id);
      const unknown = Object.keys(mocks ?? {}).filter((nodeId) => !ids.includes(nodeId));
      if (unknown.length) {
        const issues = unknown.map((nodeId) => ({ path: jsonPath(['mocks', nodeId]), message: `version ${wf.version} has no node "${nodeId}"` }));
        return apiError(c, 422, 'unknown_node', 'a mock names a node the workflow does not have', issues);
      }
      const refused = refuseRunInput(c, wf.document, input, ['input']);
      if (refused) return refused;
      // A mocked node never runs: the engine takes its given result as it takes a re-run's recorded one.
      const reuse = mocks ? Object.fromEntries(Object.entries(mocks).map(([nodeId, m]) => [nodeId, { output: m.output ?? null, ...(m.ports ? { ports: m.ports } : {}), falseEdges: [] }])) : undefined;
      const key = idempotentId(c);
      const runId = await deps.runs.start(wf, input, { trigger: mocks ? 'test' : 'manual', createdBy: c.get('caller').tokenId, ...(reuse ? { reuse } : {}), ...(key ? { idempotentId: key } : {}) });
      await appendAudit(db, { actor: c.get('caller').tokenId, action: 'run.start', target: runId, details: { workflowId: id, version: wf.version, ...(mocks ? { mocked: Object.keys(mocks) } : {}) } });
      return c.json({ runId }, 202);
    });
}

function toView(wf: StoredWorkflow): WorkflowView {
  return {
    id: wf.id,
    name: wf.name,
    version: wf.version,
    hash: wf.hash,
    createdAt: wf.createdAt.toISOString(),
    updatedAt: wf.updatedAt.toISOString(),
    document: wf.document,
  };
}
