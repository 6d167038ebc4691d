import { z } from 'zod';
import { defineNode } from '../../define-node.js';
import { JsonSchemaParam, jsonSchemaProblems, LlmCallParams, LlmNodeUsage } from '../../llm-params.js';

/** The plan shape used when the node declares none: ordered steps with an id and a title. */
export const DEFAULT_PLAN_SCHEMA: Readonly<Record<string, unknown>> = Object.freeze({
  type: 'object',
  properties: {
    steps: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        properties: {
          id: { type: 'string', description: 'Short unique id of the step' },
          title: { type: 'string', description: 'What the step does, in a few words' },
          description: { type: 'string', description: 'Details, when the title is not enough' },
        },
        required: ['id', 'title'],
        additionalProperties: false,
      },
    },
  },
  required: ['steps'],
  additionalProperties: false,
});

/** Has an LLM turn a goal and its context into a structured plan. */
export default defineNode({
  type: 'strategy.plan',
  kind: 'strategy',
  version: 1,
  title: 'Plan',
  description:
    'Asks an LLM for a plan that reaches the goal, as JSON following the plan schema (by default ordered steps with an id and a title). An invalid plan is asked for again once, then the node fails.',
  icon: 'list-checks',
  inputs: ['in'],
  outputs: ['out'],
  params: z
    .object({
      goal: z.string().min(1).meta({ title: 'Goal', description: 'What the plan must achieve; {{ }} expressions allowed', multiline: true }),
      context: z.unknown().optional().meta({ title: 'Context', description: 'What the planner should know, e.g. {{ $input }}; objects are sent as JSON' }),
      planSchema: JsonSchemaParam.optional().meta({ title: 'Plan schema', description: 'JSON Schema of the plan; default: { steps: [{ id, title, description? }] }' }),
      ...LlmCallParams,
    })
    .strict(),
  output: z.object({
    plan: z.unknown().meta({ description: 'The plan, valid against the plan schema' }),
    provider: z.string(),
    model: z.string(),
    usage: LlmNodeUsage,
  }),
  policy: { timeout: '10m', maxAttempts: 3, initialInterval: '5s', backoff: 2 },
  check: (params) => jsonSchemaProblems(params.planSchema, ['planSchema']),
});
