import type { AgentStep } from '@weft/schemas';

/** What a story or test says of an agent step; the times come separately. */
export type AgentStepFields = Pick<AgentStep, 'agent' | 'nodeId' | 'turn' | 'part' | 'kind' | 'status'> & { readonly data: unknown };

/** An agent step for stories and tests: a running or waiting step has not ended, so `endedAt` is null for it. */
export function agentStep(fields: AgentStepFields, startedAt: string, endedAt: string): AgentStep {
  return {
    ...fields,
    data: fields.data as AgentStep['data'],
    startedAt,
    endedAt: fields.status === 'running' || fields.status === 'waiting' ? null : endedAt,
  };
}
