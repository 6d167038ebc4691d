import { executeChild, isCancellation } from '@temporalio/workflow';
import type { RunNodeResult } from '../node-requests.js';
import type { AgentSettings } from '../agent-activities.js';
import { RUN_AGENT } from './definitions.js';
import type { HereContext } from './node-context.js';
import { recording } from './recording.js';
import { toRunError } from './run-error.js';
import type { runAgent } from './run-agent.js';

/**
 * An agent node: resolves its params and runs its loop as a `runAgent` child workflow (its own
 * history, continued as new past a bound). At a limit it fails, or sends the outcome out of its
 * `error` port when `onLimit` is `route`.
 */
export async function runAgentNode(ctx: HereContext): Promise<RunNodeResult> {
  const { node, runId, request } = ctx;
  const begun = await recording.beginNode(request);
  try {
    const self = `${runId}-${node.id}-agent`;
    const result = await executeChild<typeof runAgent>(RUN_AGENT, {
      workflowId: self,
      args: [
        {
          runId,
          workflowId: ctx.plan.workflowId,
          node,
          agent: node.id,
          settings: agentSettings(begun.params),
          context: { input: request.input, upstream: request.upstream, runInput: ctx.input, ...(ctx.runRequest ? { runRequest: ctx.runRequest } : {}) },
          root: runId,
          self,
        },
      ],
    });
    if (result.limit) return ctx.end({ output: { ...result.output, error: result.limit }, ports: ['error'] });
    return ctx.end({ output: result.output });
  } catch (err) {
    if (isCancellation(err)) throw err;
    return ctx.fail(toRunError(node.id, err));
  }
}

/** An agent's resolved params as the loop reads them (checked by the node's schema when they were resolved). */
export function agentSettings(p: Readonly<Record<string, unknown>>): AgentSettings {
  const opt = <T>(k: string, v: T | undefined) => (v === undefined ? {} : { [k]: v });
  const budget = record(p['budget']);
  const outputSchema = record(p['outputSchema']);
  return {
    instructions: text(p['instructions']) ?? '',
    task: String(p['task'] ?? ''),
    ...opt('model', text(p['model'])),
    ...opt('providers', Array.isArray(p['providers']) ? p['providers'].filter((v) => typeof v === 'string') : undefined),
    ...opt('temperature', number(p['temperature'])),
    ...opt('maxTokens', number(p['maxTokens'])),
    ...opt('timeoutMs', number(p['timeoutMs'])),
    maxTurns: Number(p['maxTurns'] ?? 10),
    ...opt('budget', budget && { ...opt('tokens', number(budget['tokens'])), ...opt('costUsd', number(budget['costUsd'])) }),
    toolConcurrency: Number(p['toolConcurrency'] ?? 4),
    ...opt('outputSchema', outputSchema),
    onLimit: p['onLimit'] === 'route' ? 'route' : 'fail',
  };
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const number = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const record = (v: unknown): Readonly<Record<string, unknown>> | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v)) : undefined);
