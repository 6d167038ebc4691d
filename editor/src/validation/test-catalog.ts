import type { NodeTypeView } from '@weft/schemas';
import { z } from 'zod';

// Node type views as GET /api/node-types serves them (JSON Schemas written by zod, bare JSONata
// params listed in `expressionParams`), for tests.

function view(type: string, params: z.ZodType, extra: Partial<NodeTypeView> = {}, output: z.ZodType = z.unknown()): NodeTypeView {
  return {
    type,
    kind: type.split('.')[0]!,
    category: 'Test',
    version: 1,
    title: type,
    description: '',
    icon: 'box',
    inputs: ['in'],
    outputs: ['out'],
    trigger: false,
    params: z.toJSONSchema(params, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
    output: z.toJSONSchema(output, { unrepresentable: 'any' }) as Record<string, unknown>,
    policy: {},
    ...extra,
  };
}

/** A trigger, a JSONata transform, an HTTP-like call and a branch. */
export function testCatalog(): Map<string, NodeTypeView> {
  const views = [
    view('control.trigger', z.object({}).strict(), { inputs: [], trigger: true }, z.object({ input: z.unknown() })),
    view(
      'analysis.transform',
      z
        .object({
          expression: z.string().min(1).meta({ title: 'Expression', description: 'JSONata, without {{ }}' }),
          timeoutMs: z.number().int().min(1).max(60_000).default(1000).meta({ title: 'Time limit (ms)' }),
        })
        .strict(),
      { expressionParams: ['expression'] },
    ),
    view(
      'execution.http',
      z
        .object({
          method: z.enum(['GET', 'POST']).default('GET').meta({ title: 'Method' }),
          url: z.string().min(1).meta({ title: 'URL', description: 'http:// or https://; expressions allowed' }),
          headers: z.record(z.string(), z.string()).default({}).meta({ title: 'Headers' }),
          body: z.unknown().optional().meta({ title: 'Body' }),
          auth: z
            .discriminatedUnion('type', [
              z.object({ type: z.literal('bearer'), secret: z.string().meta({ title: 'Secret', description: 'Name of a stored secret' }) }).strict().meta({ title: 'Bearer token' }),
              z.object({ type: z.literal('header'), name: z.string(), secret: z.string().meta({ title: 'Secret' }) }).strict().meta({ title: 'Header' }),
            ])
            .optional(),
          tags: z.array(z.string()).default([]).meta({ title: 'Tags' }),
          follow: z.boolean().default(true).meta({ title: 'Follow redirects' }),
        })
        .strict(),
      {},
      z.object({ status: z.number(), body: z.object({ items: z.array(z.object({ id: z.string(), name: z.string() })) }).strict() }).strict(),
    ),
    view('control.branch', z.object({ condition: z.string().min(1).meta({ title: 'Condition', description: 'JSONata yielding true or false' }) }).strict(), { outputs: ['true', 'false'], expressionParams: ['condition'] }),
    view('execution.code', z.object({ code: z.string().min(1).meta({ title: 'Code' }) }).strict()),
  ];
  return new Map(views.map((v) => [v.type, v]));
}
