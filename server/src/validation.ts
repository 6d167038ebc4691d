import { resolver, uniqueSymbol, validator as described } from 'hono-openapi';
import { validator } from 'hono/validator';
import type { Context, MiddlewareHandler, ValidationTargets } from 'hono';
import type { z } from 'zod';
import { jsonPath, validateWorkflow, Workflow, type NodeCatalog } from '@weft/schemas';
import { apiError } from './errors.js';

/** zod validation of a request part, answering 400 in Weft's error shape with every issue. */
export function valid<T extends z.ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  return described(target, schema, (result, c) => {
    if (!result.success) {
      // zod's issues, as its Standard Schema interface hands them on: each keeps its zod code.
      const issues = result.error.map((i) => ({ path: jsonPath((i.path ?? []).map((p) => (typeof p === 'object' ? p.key : p))), message: i.message, code: (i as { code?: string }).code ?? 'invalid' }));
      return apiError(c, 400, 'invalid_request', `the request ${target} is not valid`, issues);
    }
    return undefined;
  });
}

/**
 * Validates a workflow document body with the shared validator: 400 for a wrong shape, 422 for
 * graph problems, every problem listed. Handlers read the parsed document with `c.req.valid('json')`.
 */
export function validWorkflow(catalog: NodeCatalog) {
  const mw = validator('json', (value: unknown, c) => {
    const result = validateWorkflow(value, catalog);
    if (result.ok) return result.document as Workflow;
    // Warnings alone never block a save; only errors reach here.
    const issues = result.problems.map((p) => ({ path: p.path, message: p.message, code: p.code, severity: p.severity, ...(p.nodeId ? { nodeId: p.nodeId } : {}) }));
    return result.kind === 'shape'
      ? apiError(c, 400, 'invalid_workflow', 'the workflow document does not have the expected shape', issues)
      : apiError(c, 422, 'invalid_workflow', 'the workflow graph has problems', issues);
  });
  // Documented as hono-openapi's own validators are: the body's JSON Schema (and its 400).
  return Object.assign(mw, { [uniqueSymbol]: { target: 'json', ...resolver(Workflow) } });
}

/** Options of `noNulStrings`. */
export interface NoNulStringsOptions {
  /** Most paths listed in one answer. Default 20. */
  readonly maxIssues?: number;
}

// Bodies read as text; others (none today) are left to their route, since reading them as text would corrupt them.
const TEXT_BODY = /^(application\/([\w.+-]*\+)?json|text\/|application\/x-www-form-urlencoded)|^\s*$/i;
const JSON_BODY = /\bjson\b/i;

/**
 * Refuses, with 400 and the JSON path of each, a request whose query or body holds a string (or
 * key) with U+0000: PostgreSQL stores no NUL in text or jsonb, so it could only fail later, as a
 * 500. One middleware before every route, so routes that read their body themselves (webhooks)
 * and routes added later are covered too.
 */
export function noNulStrings({ maxIssues = 20 }: NoNulStringsOptions = {}): MiddlewareHandler {
  return async function noNulStrings(c, next) {
    if (c.req.url.includes('%00')) {
      // `?a=1&a=2` is reported as `$.a[1]`, a single `?a=1` as `$.a`, as the routes' query validators read them.
      const query = Object.fromEntries(Object.entries(c.req.queries()).map(([k, v]) => [k, v.length === 1 ? v[0] : v]));
      const paths = nulPaths(query, maxIssues);
      if (paths.length) return nulError(c, 'query', paths);
    }
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD' || c.req.header('content-length') === '0') return next();
    const type = c.req.header('content-type') ?? '';
    if (!TEXT_BODY.test(type)) return next();
    // The text is cached: the route's own `c.req.json()` or `c.req.text()` (a webhook's signed bytes) reads the same body.
    const raw = await c.req.text();
    if (!raw.includes('\0') && !raw.includes('\\u0000')) return next();
    let value: unknown = raw;
    if (JSON_BODY.test(type)) {
      try {
        value = JSON.parse(raw);
      } catch {
        return next(); // the route answers malformed JSON
      }
    }
    const paths = nulPaths(value, maxIssues);
    return paths.length ? nulError(c, 'body', paths) : next();
  };
}

function nulError(c: Context, part: string, paths: readonly string[]) {
  const issues = paths.map((path) => ({ path, message: 'holds a NUL character (U+0000), which cannot be stored', code: 'nul_character' }));
  return apiError(c, 400, 'invalid_request', `the request ${part} holds a NUL character (U+0000)`, issues);
}

/** The JSON paths of the strings and keys in `value` that hold U+0000, in document order, at most `max`. */
export function nulPaths(value: unknown, max = Infinity): string[] {
  interface Step { readonly v: unknown; readonly key?: PropertyKey; readonly parent?: Step }
  const pathOf = (step: Step): string => {
    const keys: PropertyKey[] = [];
    for (let s: Step | undefined = step; s?.key !== undefined; s = s.parent) keys.push(s.key);
    return jsonPath(keys.reverse());
  };
  const out: string[] = [];
  // A stack of steps linked to their parents, not recursion or copied paths: a deeply nested body
  // must neither overflow the call stack nor cost quadratic memory.
  const stack: Step[] = [{ v: value }];
  while (stack.length && out.length < max) {
    const step = stack.pop()!;
    const v = step.v;
    if (typeof v === 'string') {
      if (v.includes('\0')) out.push(pathOf(step));
    } else if (v !== null && typeof v === 'object') {
      const entries: [PropertyKey, unknown][] = Array.isArray(v) ? v.map((item, i) => [i, item]) : Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, item] = entries[i]!;
        // A key holding NUL is reported as a string at its own path.
        stack.push({ v: typeof key === 'string' && key.includes('\0') ? key : item, key, parent: step });
      }
    }
  }
  return out;
}
