import { z } from 'zod';
import { checkExpression, PortName } from '@weft/schemas';
import { defineNode } from '../../define-node.js';
import { LlmCallParams } from '../../llm-params.js';

/** Ports a route may not take: the static fallback port and the error port of `onError: route`. */
const RESERVED_PORTS = ['default', 'error'];

/** One named output port of a router and when it is chosen. */
export const Route = z
  .object({
    port: PortName.meta({ title: 'Port', description: 'Name of the output port' }),
    when: z.string().min(1).optional().meta({ title: 'Condition', description: 'Rules mode: JSONata yielding true or false; `$` is the input' }),
    description: z.string().optional().meta({ title: 'Description', description: 'LLM mode: when this port is the right one', multiline: true }),
  })
  .strict();
export type Route = z.infer<typeof Route>;

/** Sends its input out of one of the ports it names, chosen by rules or by an LLM. */
export default defineNode({
  type: 'strategy.route',
  kind: 'strategy',
  version: 1,
  title: 'Route',
  description:
    'Sends its input out of exactly one of the named ports: in rules mode the first route whose condition is true, in LLM mode the port an LLM picks from the route descriptions. Nothing chosen: the `default` port.',
  icon: 'signpost',
  inputs: ['in'],
  outputs: ['default'],
  // The `default` port is drawn only while the fallback is `default`, not another route.
  dynamicOutputs: { param: 'routes', field: 'port', fallback: 'default' },
  params: z
    .object({
      routes: z.array(Route).min(1).max(64).meta({ title: 'Routes', description: 'Each route is an output port' }),
      mode: z.enum(['rules', 'llm']).default('rules').meta({ title: 'Decided by' }),
      default: z.string().default('default').meta({ title: 'Fallback port', description: 'Where the input goes when no route is chosen: `default` or one of the routes' }),
      prompt: z.string().optional().meta({ title: 'Question', description: 'LLM mode: what to decide on; default: the input, as JSON', multiline: true }),
      ...LlmCallParams,
    })
    .strict(),
  output: z.unknown(),
  policy: { timeout: '10m', maxAttempts: 3, initialInterval: '5s', backoff: 2 },
  // Conditions are evaluated by the executor, against the input.
  expressionParams: ['routes'],
  // Rules are JSONata on the input; asking an LLM is network work and not light.
  light: (params) => params.mode === 'rules',
  routing: true,
  check: (params) => {
    const problems: { path: PropertyKey[]; message: string }[] = [];
    const seen = new Set<string>();
    params.routes.forEach((r, i) => {
      if (RESERVED_PORTS.includes(r.port)) problems.push({ path: ['routes', i, 'port'], message: `"${r.port}" is reserved; name the port otherwise` });
      else if (seen.has(r.port)) problems.push({ path: ['routes', i, 'port'], message: `port "${r.port}" is named twice` });
      seen.add(r.port);
      if (params.mode === 'rules') {
        if (r.when === undefined) problems.push({ path: ['routes', i, 'when'], message: 'in rules mode every route needs a condition' });
        else {
          const error = checkExpression(r.when);
          if (error) problems.push({ path: ['routes', i, 'when'], message: `condition does not parse: ${error.message}` });
        }
      }
    });
    if (params.default !== 'default' && !seen.has(params.default)) {
      problems.push({ path: ['default'], message: `fallback port "${params.default}" is neither "default" nor a route` });
    }
    return problems;
  },
});
