import { timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import type { NodeRegistry } from '@weft/nodes';
import { createEmbedders, type EmbedderSet } from '@weft/nodes/executors';
import { bearerAuth, type AuthEnv } from './auth/bearer-auth.js';
import { createToken, ROLES } from './auth/tokens.js';
import type { Db } from './db/database.js';
import { apiError, HttpError } from './errors.js';
import { collectionRoutes } from './routes/collections.js';
import { healthRoutes } from './routes/health.js';
import { nodeTypeRoutes } from './routes/node-types.js';
import { runRoutes } from './routes/runs.js';
import { schemaRoutes } from './routes/schema.js';
import { secretRoutes } from './routes/secrets.js';
import { workflowRoutes } from './routes/workflows.js';
import type { RunStarter } from './runs.js';
import type { SecretKey } from './secrets/crypto.js';
import { editorStatic } from './static.js';
import { valid } from './validation.js';

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
}

const LocalTokenBody = z.object({ role: z.enum(ROLES), name: z.string().max(200).optional() }).strict();

/** Builds the Hono app: public health, token-guarded `/api`, and the editor. */
export function createApp(deps: AppDeps) {
  const api = new Hono<AuthEnv>()
    .use(bearerAuth({ db: deps.db }))
    .route('/workflows', workflowRoutes(deps))
    .route('/runs', runRoutes(deps))
    .route('/node-types', nodeTypeRoutes(deps.registry))
    .route('/secrets', secretRoutes(deps))
    .route('/collections', collectionRoutes({ db: deps.db, embedders: deps.embedders ?? createEmbedders() }));

  const app = new Hono()
    .route('/', healthRoutes())
    .route('/api/schema', schemaRoutes())
    .use('/api/*', bodyLimit({ maxSize: deps.maxBodyBytes ?? 5 * 1024 * 1024, onError: (c) => apiError(c, 413, 'body_too_large', 'the request body is too large') }));

  if (deps.controlKey) {
    const key = Buffer.from(deps.controlKey);
    app.post('/api/_local/tokens', valid('json', LocalTokenBody), async (c) => {
      const given = Buffer.from(c.req.header('x-weft-control-key') ?? '');
      if (given.length !== key.length || !timingSafeEqual(given, key)) return apiError(c, 401, 'unauthorized', 'bad control key');
      const { role, name } = c.req.valid('json');
      return c.json(await createToken(deps.db, { role, ...(name ? { name } : {}) }), 201);
    });
  }

  const routed = app.route('/api', api);
  app.all('/api/*', (c) => apiError(c, 404, 'not_found', `no route ${c.req.method} ${new URL(c.req.url).pathname}`));
  if (deps.editorDir) app.use('*', editorStatic({ root: deps.editorDir }));
  app.notFound((c) => apiError(c, 404, 'not_found', 'not found'));
  app.onError((err, c) => {
    if (err instanceof HttpError) return apiError(c, err.status, err.code, err.message, err.issues);
    if (err instanceof HTTPException) {
      const status = err.status === 400 || err.status === 401 || err.status === 413 ? err.status : 400;
      return apiError(c, status, status === 401 ? 'unauthorized' : 'invalid_request', err.message);
    }
    console.error(JSON.stringify({ level: 'error', msg: 'unhandled error', path: c.req.path, error: err.message, stack: err.stack }));
    return apiError(c, 500, 'internal', 'internal error; the server log has details');
  });
  return routed;
}

/** The API's type, for the editor's typed client. */
export type AppType = ReturnType<typeof createApp>;
