import { z } from 'zod';
import { NodePolicy } from '@weft/schemas';
import { defineNode } from '../../define-node.js';

/** Runs one node for every item of a list, a few at a time; the output is the list of results. */
export default defineNode({
  type: 'control.loop',
  kind: 'control',
  version: 1,
  title: 'Loop',
  description:
    'Runs the body node once per item of `items` (as `$input`, with `$item` and `$index` in expressions), `concurrency` at a time, in a child run that continues as new before Temporal history limits. Outputs the results in item order.',
  icon: 'repeat',
  inputs: ['in'],
  outputs: ['out'],
  params: z
    .object({
      items: z.unknown().default('{{ $input }}').meta({ title: 'Items', description: 'A list; expressions allowed' }),
      body: z
        .object({
          type: z.string().meta({ title: 'Node type' }),
          params: z.record(z.string(), z.unknown()).default({}).meta({ title: 'Parameters' }),
          policy: NodePolicy.optional(),
        })
        .strict()
        .meta({ title: 'Body', description: 'The node run for each item' }),
      concurrency: z.number().int().min(1).max(100).default(4).meta({ title: 'Items at once' }),
    })
    .strict(),
  output: z.array(z.unknown()),
  policy: { timeout: '24h' },
  mode: 'loop',
  // The body's params are resolved per item, with $item and $index in scope.
  deferredParams: ['body'],
  check: (params, catalog) => {
    const body = catalog.get(params.body.type);
    if (!body) return [{ path: ['body', 'type'], code: 'unknown_type', message: `unknown node type "${params.body.type}"` }];
    if (body.mode !== undefined && body.mode !== 'activity') return [{ path: ['body', 'type'], message: `a loop body must be a node that runs as one step, not ${params.body.type}` }];
    const parsed = body.params.safeParse(params.body.params);
    return parsed.success ? [] : parsed.error.issues.map((i) => ({ path: ['body', 'params', ...i.path], message: i.message }));
  },
});
