import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { ROLES, type Role } from './auth/tokens.js';

/** Where middlewares keep what the OpenAPI document says about the routes that use them. */
export const ROUTE_META = Symbol.for('weft.route-meta');

/** Documentation of one operation, given with `describe(...)`. */
export interface RouteDoc {
  readonly summary: string;
  readonly description?: string;
  readonly tags?: readonly string[];
  readonly responses?: Readonly<Record<number, { readonly description: string; readonly schema?: z.ZodType }>>;
  /** Callable without a token. */
  readonly public?: true;
}

/** What one middleware tells the document about a route. */
export interface RouteMeta {
  readonly validate?: { readonly target: string; readonly schema: z.ZodType; readonly workflow?: true };
  readonly role?: Role;
  readonly auth?: 'bearer';
  readonly doc?: RouteDoc;
  /** The methods an `Idempotency-Key` header makes retry-safe (`idempotency`). */
  readonly idempotency?: { readonly methods: readonly string[] };
  /** The route's successful answer shows a secret once, so it is never replayed (`secretInAnswer`). */
  readonly secretInAnswer?: true;
}

/** Attaches `meta` to a middleware and returns it unchanged (types included). */
export function withMeta<T extends object>(fn: T, meta: RouteMeta): T {
  Object.defineProperty(fn, ROUTE_META, { value: meta, enumerable: false });
  return fn;
}

/** A pass-through middleware carrying an operation's documentation. */
export function describe(doc: RouteDoc): MiddlewareHandler {
  // Hands the request on without an async frame of its own: it runs on every request of the route.
  return withMeta<MiddlewareHandler>(function describe(_c, next) {
    return next();
  }, { doc });
}

/** The part of a Hono app the document is derived from. */
export interface RoutedApp {
  readonly routes: readonly { method: string; path: string; handler: unknown }[];
}

/** Hono wraps handlers of sub-apps with their own error handler; this finds the original. */
function metaOf(handler: unknown): RouteMeta | undefined {
  let h = handler as Record<string | symbol, unknown> | undefined;
  for (let i = 0; i < 5 && h; i++) {
    const meta = h[ROUTE_META] as RouteMeta | undefined;
    if (meta) return meta;
    h = h['__COMPOSED_HANDLER'] as Record<string | symbol, unknown> | undefined;
  }
  return undefined;
}

/** `/api/x/*` → a regex matching the paths a `use()` middleware applies to. */
function patternOf(path: string): RegExp {
  if (path === '*' || path === '/*') return /^.*$/;
  const body = path
    .replace(/\/\*$/, '')
    .split('/')
    .map((seg) => (seg.startsWith(':') ? '[^/]+' : seg === '*' ? '.*' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${body}${path.endsWith('/*') ? '(/.*)?' : ''}$`);
}

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'issues'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        issues: {
          type: 'array',
          items: {
            type: 'object',
            required: ['path', 'message'],
            properties: { path: { type: 'string' }, message: { type: 'string' }, code: { type: 'string' }, severity: { type: 'string' }, nodeId: { type: 'string' } },
          },
        },
      },
    },
  },
} as const;

const ERROR_TEXT: Record<number, string> = {
  400: 'The request is not valid; every issue is listed',
  401: 'No valid API token',
  403: 'The token’s role is too weak',
  404: 'Not found',
  409: 'In conflict with what exists, or with a request of the same Idempotency-Key',
  422: 'Well-formed, but the content is not acceptable (or an Idempotency-Key used for another request)',
};

type Json = Record<string, unknown>;

/** Builds JSON Schemas for the document, hoisting `$defs` into `components.schemas`. */
class SchemaSet {
  readonly components: Record<string, Json> = { ApiError: ERROR_SCHEMA as unknown as Json };
  private count = 0;

  of(schema: z.ZodType, io: 'input' | 'output'): Json {
    const raw = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
    const prefix = `S${++this.count}_`;
    const defs = (raw['$defs'] ?? {}) as Record<string, Json>;
    const rewrite = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(rewrite);
      if (!v || typeof v !== 'object') return v;
      const out: Json = {};
      for (const [k, x] of Object.entries(v)) {
        if (k === '$schema' || k === '$defs' || k === '$id') continue;
        if (k === '$ref' && typeof x === 'string') out[k] = x === '#' ? `#/components/schemas/${prefix}root` : x.replace(/^#\/\$defs\//, `#/components/schemas/${prefix}`);
        else out[k] = rewrite(x);
      }
      return out;
    };
    for (const [name, def] of Object.entries(defs)) this.components[`${prefix}${name}`] = rewrite(def) as Json;
    const body = rewrite(raw) as Json;
    if (JSON.stringify(body).includes(`#/components/schemas/${prefix}root`)) this.components[`${prefix}root`] = body;
    return body;
  }
}

const toOpenApiPath = (path: string) => path.replace(/\/:([A-Za-z0-9_]+)(\{[^}]*\})?\??/g, '/{$1}');

/**
 * The OpenAPI 3.1 document of `app`, derived from the metadata its middlewares carry: validators
 * give parameters and bodies, `bearerAuth` and `requireRole` security and `x-weft-role`,
 * `describe` summaries and responses.
 */
export function openApiDocument(app: RoutedApp, info: { title?: string; version?: string } = {}) {
  const routes = app.routes;
  const uses = routes.filter((r) => r.method === 'ALL').map((r) => ({ re: patternOf(r.path), meta: metaOf(r.handler) })).filter((u) => u.meta);
  const ops = new Map<string, { method: string; path: string; metas: RouteMeta[] }>();
  for (const r of routes) {
    if (r.method === 'ALL' || r.path.startsWith('/api/_local')) continue;
    const key = `${r.method} ${r.path}`;
    let op = ops.get(key);
    if (!op) ops.set(key, (op = { method: r.method, path: r.path, metas: uses.filter((u) => u.re.test(r.path)).map((u) => u.meta!) }));
    const meta = metaOf(r.handler);
    if (meta) op.metas.push(meta);
  }

  const schemas = new SchemaSet();
  const paths: Record<string, Record<string, Json>> = {};
  for (const op of ops.values()) {
    const doc = op.metas.find((m) => m.doc)?.doc;
    const bearer = !doc?.public && op.metas.some((m) => m.auth === 'bearer');
    const roles = op.metas.map((m) => m.role).filter((r): r is Role => !!r);
    const role = roles.length ? roles.reduce((a, b) => (ROLES.indexOf(a) >= ROLES.indexOf(b) ? a : b)) : bearer ? 'viewer' : 'public';
    const validators = op.metas.map((m) => m.validate).filter((v) => !!v);
    const path = toOpenApiPath(op.path);

    const parameters: Json[] = [];
    const pathParams = [...op.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);
    const paramSchema = validators.find((v) => v.target === 'param');
    const paramProps = paramSchema ? ((schemas.of(paramSchema.schema, 'input')['properties'] ?? {}) as Record<string, Json>) : {};
    for (const name of pathParams) parameters.push({ name, in: 'path', required: true, schema: paramProps[name] ?? { type: 'string' } });
    for (const v of validators.filter((x) => x.target === 'query' || x.target === 'header')) {
      const s = schemas.of(v.schema, 'input');
      const required = new Set((s['required'] ?? []) as string[]);
      for (const [name, schema] of Object.entries((s['properties'] ?? {}) as Record<string, Json>)) {
        // zod marks defaulted fields required on input; they are optional to send.
        parameters.push({ name, in: v.target, required: required.has(name) && !('default' in schema), schema });
      }
    }
    const body = validators.find((v) => v.target === 'json');
    const idempotent = op.metas.some((m) => m.idempotency?.methods.includes(op.method));
    const secretOnce = op.metas.some((m) => m.secretInAnswer);
    if (idempotent) {
      parameters.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x20-\\x7e]+$' },
        description: secretOnce
          ? 'Makes a retry safe for 24 h: a repeat of the same request with the same key runs nothing. This answer shows a secret once, so it is not kept: a repeat after success answers 409 idempotency_not_replayable.'
          : 'Makes a retry safe for 24 h: a repeat of the same request with the same key runs nothing and gets the first answer again, with `Idempotent-Replayed: true`. The same key with another request answers 422; a repeat while the first still runs 409 with Retry-After.',
      });
    }

    const responses: Record<string, Json> = {};
    for (const [status, r] of Object.entries(doc?.responses ?? { 200: { description: 'OK' } })) {
      responses[status] = { description: r.description, ...(r.schema ? { content: { 'application/json': { schema: schemas.of(r.schema, 'output') } } } : {}) };
    }
    const errors = new Set<number>();
    if (validators.length) errors.add(400);
    if (bearer) errors.add(401);
    if (role !== 'public' && role !== 'viewer') errors.add(403);
    if (pathParams.length) errors.add(404);
    if (validators.some((v) => v.workflow)) errors.add(422);
    if (idempotent) errors.add(409).add(422);
    for (const s of errors) {
      responses[String(s)] ??= { description: ERROR_TEXT[s]!, content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } } };
    }

    const method = op.method.toLowerCase();
    (paths[path] ??= {})[method] = {
      operationId: `${method}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, ch: string | undefined) => (ch ?? '').toUpperCase())}`,
      summary: doc?.summary ?? `${op.method} ${path}`,
      ...(doc?.description ? { description: doc.description } : {}),
      tags: doc?.tags ? [...doc.tags] : [path.split('/')[2] ?? 'other'],
      ...(parameters.length ? { parameters } : {}),
      ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: schemas.of(body.schema, 'input') } } } } : {}),
      responses,
      security: bearer ? [{ bearerAuth: [] }] : [],
      'x-weft-role': role,
    };
  }

  return {
    openapi: '3.1.0',
    info: { title: info.title ?? 'Weft API', version: info.version ?? '1' },
    paths,
    components: { schemas: schemas.components, securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API token from `weft token create` or POST /api/tokens' } } },
  };
}

/** The offline API reference page: renders `openapi.json` (fetched by relative URL) with no external assets. */
export const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Weft API</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #1d2430; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.1rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
details { border: 1px solid #dde; border-radius: 6px; margin: .4rem 0; padding: .3rem .6rem; }
summary { cursor: pointer; } code, pre { font-family: ui-monospace, monospace; font-size: 12px; }
pre { background: #f5f6f8; padding: .5rem; overflow: auto; max-height: 24rem; }
.m { display: inline-block; min-width: 4rem; font-weight: 600; } .role { float: right; color: #666; }
.get { color: #146c2e; } .post { color: #0b5cad; } .put { color: #8a5a00; } .delete { color: #b3261e; } .patch { color: #6b3fa0; }
</style>
</head>
<body>
<h1>Weft API</h1>
<p>Every call under <code>/api</code> needs <code>Authorization: Bearer &lt;token&gt;</code> unless marked public. Errors always answer <code>{ "error": { "code", "message", "issues": [] } }</code>. The machine-readable document is <a href="openapi.json">openapi.json</a>.</p>
<div id="ops">Loading…</div>
<script>
(async () => {
  const root = document.getElementById('ops');
  const el = (tag, attrs, ...kids) => { const e = document.createElement(tag); Object.assign(e, attrs || {}); for (const k of kids) e.append(k); return e; };
  const pre = (v) => el('pre', { textContent: JSON.stringify(v, null, 2) });
  try {
    const doc = await (await fetch('openapi.json')).json();
    root.textContent = '';
    const byTag = new Map();
    for (const [path, ops] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(ops)) {
      const tag = (op.tags && op.tags[0]) || 'other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push({ path, method, op });
    }
    for (const [tag, list] of byTag) {
      root.append(el('h2', { textContent: tag }));
      for (const { path, method, op } of list) {
        const d = el('details', {}, el('summary', {}, el('span', { className: 'm ' + method, textContent: method.toUpperCase() }), el('code', { textContent: path }), ' — ' + op.summary, el('span', { className: 'role', textContent: op['x-weft-role'] })));
        if (op.description) d.append(el('p', { textContent: op.description }));
        if (op.parameters) { d.append(el('h4', { textContent: 'Parameters' })); d.append(pre(op.parameters)); }
        if (op.requestBody) { d.append(el('h4', { textContent: 'Request body' })); d.append(pre(op.requestBody.content['application/json'].schema)); }
        d.append(el('h4', { textContent: 'Responses' }));
        d.append(pre(op.responses));
        root.append(d);
      }
    }
  } catch (e) { root.textContent = 'Could not load the API document: ' + e; }
})();
</script>
</body>
</html>
`;

const inlineHash = (tag: string) => {
  const body = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(DOCS_HTML)?.[1] ?? '';
  return `'sha256-${createHash('sha256').update(body).digest('base64')}'`;
};

/** The reference page's Content-Security-Policy: its own inline script and style (by hash) and `openapi.json`, nothing else. */
export const DOCS_CSP = {
  defaultSrc: ["'none'"],
  scriptSrc: [inlineHash('script')],
  styleSrc: [inlineHash('style')],
  connectSrc: ["'self'"],
  imgSrc: ["'self'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};
