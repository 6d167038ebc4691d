import { timingSafeEqual } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { Hono, type Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import { z } from 'zod';
import type { NodeRegistry } from '@weft/nodes';
import { createEmbedders, createGuardedFetch, createMcpConnector, type EmbedderSet, type McpConnector } from '@weft/nodes/executors';
import { bearerAuth, requireRole, type AuthEnv, type Caller } from './auth/bearer-auth.js';
import { tokenCache } from './auth/token-cache.js';
import { createToken, ROLES } from './auth/tokens.js';
import { bodyLimit } from './body-limit.js';
import type { Db } from '@weft/store';
import { apiError, HttpError } from './errors.js';
import { idempotency } from './idempotency.js';
import { appendAudit, verifyAuditChain } from '@weft/store/repositories/audit.repository';
import { collectionRoutes } from './routes/collections.js';
import { mcpRoutes } from './routes/mcp.js';
import { auditRoutes } from './routes/audit.js';
import { tokenRoutes } from './routes/tokens.js';
import { CallerView } from '@weft/schemas';
import { describe, DOCS_CSP, DOCS_HTML, JsonDocument, openApiDocument, Text } from './openapi.js';
import { createMetrics, type Metrics } from './metrics.js';
import { rateLimit } from './rate-limit.js';
import { healthRoutes } from './routes/health.js';
import { nodeTypeRoutes } from './routes/node-types.js';
import { approvalRoutes } from './routes/approvals.js';
import { runRoutes } from './routes/runs.js';
import { scheduleRoutes } from './routes/schedules.js';
import { schemaRoutes } from './routes/schema.js';
import { secretRoutes } from './routes/secrets.js';
import { hookRoutes, webhookRoutes } from './routes/webhooks.js';
import { workflowRoutes } from './routes/workflows.js';
import type { RunStarter } from './runs/index.js';
import type { SecretKey } from '@weft/store';
import { editorStatic } from './static.js';
import { noNulStrings, valid } from './validation.js';
import { log } from '@weft/workers/process';

/** What the API needs from its process. */
export interface AppDeps {
  readonly db: Db;
  readonly registry: NodeRegistry;
  readonly runs: RunStarter;
  /** The editor's build folder, served at `/` when given. */
  readonly editorDir?: string;
  /**
   * Key of the local control endpoint (embedded mode only): lets the `weft` command on the same
   * machine create tokens while this process holds the embedded database.
   */
  readonly controlKey?: string;
  /** Largest request body, in bytes. */
  readonly maxBodyBytes?: number;
  /** The key stored secrets are encrypted with; without it `PUT /api/secrets/:name` answers 503. */
  readonly secretKey?: SecretKey;
  /** Embedders for collection ingest and search; the local one only unless given (the worker's must match). */
  readonly embedders?: EmbedderSet;
  /** The Temporal client `/readyz` checks; without it only the database is checked. */
  readonly temporal?: Client;
  /** The task queue schedules' firings run on (the worker's); without it and `temporal`, `/api/schedules` answers 503. */
  readonly taskQueue?: string;
  /** The process's metrics, served at `/metrics`; a registry of its own (with the run and LLM series of `db`) when not given. */
  readonly metrics?: Metrics;
  /** Requests per minute of one API token (token bucket); 0 turns the limit off. */
  readonly rateLimitPerMinute?: number;
  /** MCP servers for `/api/mcp` (as the workers reach them); HTTP through the default SSRF guard and no stdio commands unless given. */
  readonly mcp?: McpConnector;
  /**
   * This API process's id (`startApiProcess`, beating): the Idempotency-Keys it claims name it, so a
   * retry of a request it died holding runs once it has missed its heartbeats. Without it, after 15 minutes.
   */
  readonly apiProcessId?: string;
}

const LocalTokenBody = z.object({ role: z.enum(ROLES), name: z.string().max(200).optional() }).strict();

/** Builds the Hono app: public health, token-guarded `/api`, and the editor. */
export function createApp(deps: AppDeps) {
  // One cache for the auth middleware and the token routes, which drop a token they revoke.
  const tokens = tokenCache({ db: deps.db });
  const api = new Hono<AuthEnv>()
    .use(bearerAuth({ db: deps.db, tokens }))
    .use(rateLimit({ perMinute: deps.rateLimitPerMinute ?? 600 }))
    // Every POST, after auth: the key's scope is the caller's token (see `idempotency` for why all POSTs).
    .use(idempotency<AuthEnv>({ db: deps.db, scope: (c) => `token:${c.get('caller').tokenId}`, ...(deps.apiProcessId === undefined ? {} : { holder: deps.apiProcessId }) }))
    .get('/me', describe({ summary: 'Who the token is: its name and role (the editor hides what the role may not do)', tags: ['tokens'], responses: { 200: { description: 'The calling token', schema: CallerView } } }), requireRole('viewer'), (c) => {
      const { tokenId, name, role } = c.get('caller');
      return c.json({ tokenId, name, role });
    })
    .route('/workflows', workflowRoutes(deps))
    .route('/runs', runRoutes(deps))
    .route('/approvals', approvalRoutes(deps))
    .route('/node-types', nodeTypeRoutes(deps.registry))
    .route('/secrets', secretRoutes(deps))
    .route('/schedules', scheduleRoutes(deps))
    .route('/webhooks', webhookRoutes(deps))
    .route('/collections', collectionRoutes({ db: deps.db, embedders: deps.embedders ?? createEmbedders() }))
    .route('/tokens', tokenRoutes({ db: deps.db, tokens }))
    .route('/mcp', mcpRoutes({ db: deps.db, mcp: deps.mcp ?? createMcpConnector({ fetch: createGuardedFetch(), commands: {} }), ...(deps.secretKey ? { secretKey: deps.secretKey } : {}) }))
    .route('/audit', auditRoutes(deps));

  const metrics = deps.metrics ?? createMetrics({ db: deps.db });
  let openapi: ReturnType<typeof openApiDocument> | undefined;
  const app = new Hono()
    .use(requestLog())
    .use(wellFormedPath())
    .use(securityHeaders())
    .use(metrics.http())
    .route('/', healthRoutes({ db: deps.db, ...(deps.temporal ? { temporal: deps.temporal } : {}) }))
    // Public, as Prometheus expects: expose the API port only on an internal network (see README, Deploy).
    .get('/metrics', describe({ summary: 'Prometheus metrics of this process', tags: ['health'], public: true, responses: { 200: { description: 'The metrics, in Prometheus text format', type: 'text/plain', schema: Text } } }), async (c) => {
      const { body, contentType } = await metrics.scrape();
      return c.body(body, 200, { 'content-type': contentType });
    })
    .route('/api/schema', schemaRoutes());
  // Before the body is limited, read or validated: without the key a caller gets 401, never a 400 or 413.
  if (deps.controlKey) app.use('/api/_local/*', controlKeyCheck({ key: deps.controlKey }));
  app.use('/api/*', bodyLimit({ maxSize: deps.maxBodyBytes ?? 5 * 1024 * 1024, onError: (c) => apiError(c, 413, 'body_too_large', 'the request body is too large') }));

  // Webhooks are public: signed instead of bearer-authenticated.
  app.use('/hooks/*', bodyLimit({ maxSize: deps.maxBodyBytes ?? 5 * 1024 * 1024, onError: (c) => apiError(c, 413, 'body_too_large', 'the request body is too large') }));
  // PostgreSQL stores no NUL in text or jsonb: refused here, for every route, rather than as a 500.
  app.use('/api/*', noNulStrings());
  app.use('/hooks/*', noNulStrings());
  app.route('/hooks', hookRoutes(deps));

  // Public: the OpenAPI document of every route, derived from their middlewares, and a page rendering it.
  app.get('/api/openapi.json', describe({ summary: 'The OpenAPI 3.1 document of this API', tags: ['docs'], public: true, responses: { 200: { description: 'The document', schema: JsonDocument } } }), async (c) => c.json(await (openapi ??= openApiDocument(app))));
  app.get('/api/docs', describe({ summary: 'A readable API reference (offline)', tags: ['docs'], public: true, responses: { 200: { description: 'An HTML page rendering openapi.json', type: 'text/html', schema: Text } } }), secureHeaders({ contentSecurityPolicy: DOCS_CSP, xFrameOptions: 'DENY' }), (c) => c.html(DOCS_HTML));

  // The key was checked by `controlKeyCheck`, registered above for `/api/_local/*`.
  if (deps.controlKey) {
    app.post('/api/_local/tokens', valid('json', LocalTokenBody), async (c) => {
      const { role, name } = c.req.valid('json');
      const created = await createToken(deps.db, { role, ...(name ? { name } : {}) });
      await appendAudit(deps.db, { actor: 'control', action: 'token.create', target: created.id, details: { role, name: name || `${role} token`, expiresAt: null } });
      return c.json(created, 201);
    });
    app.post('/api/_local/audit/verify', async (c) => c.json(await verifyAuditChain(deps.db)));
  }

  const routed = app.route('/api', api);
  app.all('/api/*', (c) => {
    const path = new URL(c.req.url).pathname;
    const allowed = allowedMethods(app.routes, path);
    if (allowed.length && !allowed.includes(c.req.method)) {
      c.header('allow', allowed.join(', '));
      return apiError(c, 405, 'method_not_allowed', `${c.req.method} is not allowed on ${path}; use ${allowed.join(', ')}`);
    }
    return apiError(c, 404, 'not_found', `no route ${c.req.method} ${path}`);
  });
  if (deps.editorDir) app.use('*', editorStatic({ root: deps.editorDir }));
  app.notFound((c) => apiError(c, 404, 'not_found', 'not found'));
  app.onError((err, c) => {
    if (err instanceof HttpError) return apiError(c, err.status, err.code, err.message, err.issues);
    if (err instanceof HTTPException) {
      const status = err.status === 400 || err.status === 401 || err.status === 413 ? err.status : 400;
      return apiError(c, status, status === 401 ? 'unauthorized' : 'invalid_request', err.message);
    }
    log.error('unhandled error', { path: c.req.path, error: err.message, stack: err.stack });
    return apiError(c, 500, 'internal', 'internal error; the server log has details');
  });
  return routed;
}

/** The methods routed at `path` (middlewares aside), for a 405's `allow` header. */
function allowedMethods(routes: readonly { method: string; path: string }[], path: string): string[] {
  const methods = new Set<string>();
  for (const r of routes) {
    if (r.method === 'ALL') continue;
    const re = new RegExp(`^${r.path.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\/:[A-Za-z0-9_]+/g, '/[^/]+')}$`);
    if (re.test(path)) methods.add(r.method);
  }
  return [...methods];
}

/**
 * Guards the local control endpoint (`/api/_local/*`): answers 401 unless `X-Weft-Control-Key`
 * holds `key`, compared in constant time, before anything reads the body.
 */
function controlKeyCheck({ key }: { readonly key: string }) {
  const expected = Buffer.from(key);
  return createMiddleware(async function controlKeyCheck(c, next) {
    const given = Buffer.from(c.req.header('x-weft-control-key') ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return apiError(c, 401, 'unauthorized', 'bad control key');
    await next();
  });
}

/**
 * Answers 400 to a path that is not valid percent-encoding (`/%ff`), before a route or the
 * editor's files try to decode it and fail as a 500.
 */
function wellFormedPath() {
  return createMiddleware(async function wellFormedPath(c, next) {
    const url = c.req.url;
    if (url.includes('%')) {
      try {
        decodeURIComponent(new URL(url).pathname);
      } catch {
        return apiError(c, 400, 'invalid_request', 'the request path is not valid percent-encoding');
      }
    }
    await next();
  });
}

/**
 * Security headers on every answer: the editor's policy allows only its own scripts and workers
 * (Monaco's include `blob:` ones) and the inline styles Monaco and React Flow insert; no framing,
 * no MIME sniffing, no referrer. A route may set a stricter policy of its own (the API reference).
 */
function securityHeaders() {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      workerSrc: ["'self'", 'blob:'],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:', 'blob:'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    xFrameOptions: 'DENY',
    referrerPolicy: 'no-referrer',
    // Without includeSubDomains: Weft may share a domain with services it knows nothing of.
    strictTransportSecurity: 'max-age=15552000',
    // Keep a stricter header a route set itself.
    overwrite: false,
  });
}

/** Logs one line per request: method, path, status, milliseconds and the caller's token id. */
function requestLog() {
  return createMiddleware(async function requestLog(c, next) {
    const started = performance.now();
    await next();
    // Set by `bearerAuth` in the `/api` sub-app, which shares this request's context.
    const caller = (c as unknown as Context<AuthEnv>).get('caller') as Caller | undefined;
    log.request({
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      ...(caller ? { tokenId: caller.tokenId } : {}),
    });
  });
}

/** The API's type, for the editor's typed client. */
export type AppType = ReturnType<typeof createApp>;
