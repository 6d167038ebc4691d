import { Hono } from 'hono';
import { z } from 'zod';
import type { NodeKind, NodeRegistry } from '@weft/nodes';
import { NodeTypeView } from '@weft/schemas';
import { requireRole, type AuthEnv } from '../auth/bearer-auth.js';
import { describe } from '../openapi.js';

/** Palette headings, one per node kind. */
const CATEGORIES: Record<NodeKind, string> = {
  control: 'Flow control',
  strategy: 'Strategy',
  security: 'Security',
  execution: 'Execution',
  analysis: 'Analysis',
  retrieval: 'Retrieval',
};

/** `GET /api/node-types`: the catalog of node types with JSON Schemas of params and output. */
export function nodeTypeRoutes(registry: NodeRegistry) {
  const items: NodeTypeView[] = registry.all().map((d) => ({
    type: d.type,
    kind: d.kind,
    category: CATEGORIES[d.kind],
    version: d.version,
    title: d.title,
    description: d.description,
    icon: d.icon,
    inputs: [...d.inputs],
    outputs: [...d.outputs],
    ...(d.dynamicOutputs ? { dynamicOutputs: d.dynamicOutputs } : {}),
    ...(d.expressionParams?.length ? { expressionParams: [...d.expressionParams] } : {}),
    trigger: d.trigger === true,
    params: z.toJSONSchema(d.params, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
    output: z.toJSONSchema(d.output, { unrepresentable: 'any' }) as Record<string, unknown>,
    policy: { ...d.policy },
  }));
  return new Hono<AuthEnv>()
    .use(requireRole('viewer'))
    .get('/', describe({ summary: 'The catalog of node types with the JSON Schemas of their params and output', tags: ['node-types'], responses: { 200: { description: 'Every node type', schema: z.object({ items: z.array(NodeTypeView) }) } } }), (c) => c.json({ items }));
}
