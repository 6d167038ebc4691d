import { z } from 'zod';
import { defineNode } from '../../define-node.js';
import { JsonSchemaParam, jsonSchemaProblems, LlmCallParams, LlmNodeUsage } from '../../llm-params.js';

const { system: _system, ...callParams } = LlmCallParams;

/** How an agent ended: with an answer, or at one of its limits. */
export const AgentOutcome = z.enum(['answer', 'MaxTurnsReached', 'BudgetExceeded']);
export type AgentOutcome = z.infer<typeof AgentOutcome>;

/**
 * An LLM that works on a task in turns, calling the nodes wired to its `tools` port. Every turn
 * and every tool call is its own durable step: a crash resumes at the turn it stopped in.
 */
export default defineNode({
  type: 'strategy.agent',
  kind: 'strategy',
  version: 1,
  title: 'Agent',
  description:
    'An LLM that works on a task in turns and calls tools: the nodes wired to its tools port (HTTP, code, search, sub-workflows, MCP servers, other agents). A tool that fails tells the model, which can try another way. Stops with an answer, or at its turn or budget limit.',
  icon: 'bot',
  inputs: ['in', 'tools'],
  outputs: ['out', 'error'],
  mode: 'agent',
  params: z
    .object({
      instructions: z.string().default('').meta({ title: 'Instructions', description: 'The system prompt: who the agent is, how it should work; {{ }} expressions allowed', multiline: true }),
      task: z.string().min(1).meta({ title: 'Task', description: 'What to do, usually from the input, e.g. {{ $input.question }}', multiline: true }),
      ...callParams,
      maxTurns: z.number().int().min(1).max(500).default(10).meta({ title: 'Most turns', description: 'Model turns before the agent stops with MaxTurnsReached' }),
      budget: z
        .object({
          tokens: z.number().int().min(1).optional().meta({ title: 'Tokens', description: 'Tokens (in + out) this agent may use' }),
          costUsd: z.number().positive().optional().meta({ title: 'Cost (USD)', description: 'What this agent may spend' }),
        })
        .strict()
        .optional()
        .meta({ title: 'Budget', description: 'Past it the agent stops with BudgetExceeded' }),
      toolConcurrency: z.number().int().min(1).max(32).default(4).meta({ title: 'Parallel tool calls', description: 'Calls of one turn that run at once' }),
      outputSchema: JsonSchemaParam.optional().meta({ title: 'Output schema', description: 'JSON Schema the final answer must follow (asked again once when it does not)' }),
      onLimit: z
        .enum(['fail', 'route'])
        .default('fail')
        .meta({ title: 'At a limit', description: 'fail: the node fails with MaxTurnsReached or BudgetExceeded; route: the outcome goes out of the error port' }),
    })
    .strict(),
  output: z.object({
    answer: z.unknown().meta({ description: 'The final answer: text, or the parsed JSON when an output schema is set' }),
    text: z.string().meta({ description: 'The final answer as the model wrote it' }),
    outcome: AgentOutcome,
    turns: z.number().meta({ description: 'Model turns taken' }),
    toolCalls: z.number().meta({ description: 'Tool calls made' }),
    usage: LlmNodeUsage,
  }),
  // Applies to each turn (one LLM call): providers that were all unavailable are tried again.
  policy: { timeout: '10m', maxAttempts: 3, initialInterval: '5s', backoff: 2 },
  check: (params) => jsonSchemaProblems(params.outputSchema, ['outputSchema']),
});
