import { zValidator } from '@hono/zod-validator';
import { validator } from 'hono/validator';
import type { ValidationTargets } from 'hono';
import type { z } from 'zod';
import { jsonPath, validateWorkflow, Workflow, type NodeCatalog } from '@weft/schemas';
import { apiError } from './errors.js';
import { withMeta } from './openapi.js';

/** zod validation of a request part, answering 400 in Weft's error shape with every issue. */
export function valid<T extends z.ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  const mw = zValidator(target, schema, (result, c) => {
    if (!result.success) {
      const issues = result.error.issues.map((i) => ({ path: jsonPath(i.path), message: i.message, code: i.code }));
      return apiError(c, 400, 'invalid_request', `the request ${target} is not valid`, issues);
    }
    return undefined;
  });
  return withMeta(mw, { validate: { target, schema } });
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
  return withMeta(mw, { validate: { target: 'json', schema: Workflow, workflow: true } });
}
