import { Hono } from 'hono';
import { z } from 'zod';
import { Workflow } from '@weft/schemas';
import { describe, JsonDocument } from '../openapi.js';

/**
 * `GET /api/schema/workflow.json`: the document's JSON Schema (from the same zod schema the
 * validator uses), public so editors and CI can fetch it by URL.
 */
export function schemaRoutes() {
  const schema = { $id: '/api/schema/workflow.json', ...(z.toJSONSchema(Workflow, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>) };
  const body = JSON.stringify(schema);
  return new Hono().get('/workflow.json', describe({ summary: 'The JSON Schema of the workflow document', tags: ['docs'], public: true, responses: { 200: { description: 'A JSON Schema (draft 2020-12)', type: 'application/schema+json', schema: JsonDocument } } }), (c) => c.body(body, 200, { 'content-type': 'application/schema+json', 'cache-control': 'public, max-age=300' }));
}
