import type { AgentStep, RunEvent, WorkflowInput } from '@weft/schemas';
import type { FakeLlmReply, FakeLlmRequest, FakeLlmScript } from '@weft/nodes/testing/fake-llm';
import type { Stack } from './stack.js';

export { until } from './until.js';

/** A tool result as the model read it (decoded from either wire format). */
export interface ReadResult {
  readonly name: string;
  readonly content: string;
  readonly isError: boolean;
}

/** One scripted conversation: the reply depends on the request and the tool results read so far. */
export type Script = (req: FakeLlmRequest, results: readonly ReadResult[]) => FakeLlmReply;

/**
 * A fake model's script for agent tests: each conversation names its script in its task
 * (`script:<name>`), so agents of one run (a supervisor and its specialists) answer by their own.
 */
export function scriptedModel(scripts: Readonly<Record<string, Script>>): FakeLlmScript {
  return (req) => {
    const task = taskOf(req);
    const name = /script:(\w+)/.exec(task)?.[1] ?? '';
    const script = scripts[name];
    return script ? { usage: { input: 100, output: 10 }, ...script(req, toolResults(req)) } : { text: `no script for ${task}` };
  };
}

/** The task of a conversation: its first user message. */
export function taskOf(req: FakeLlmRequest): string {
  return req.messages.find((m) => m.role === 'user')?.content ?? '';
}

/** The tool results a request carries, in order. */
export function toolResults(req: FakeLlmRequest): ReadResult[] {
  return req.messages.flatMap((m) => (m.role === 'tool' ? [{ name: m.name, content: m.content, isError: m.isError === true }] : []));
}

/** An agent (`agent`, script `<script>`) with the given tool nodes on its tools port, between a trigger and an output. */
export function toolFlow(script: string, params: Record<string, unknown>, tools: WorkflowInput['nodes'], extra: Partial<WorkflowInput> = {}): WorkflowInput {
  return {
    schemaVersion: 1,
    name: `agent ${script}`,
    nodes: [
      { id: 'start', type: 'control.trigger' },
      { id: 'agent', type: 'strategy.agent', params: { instructions: 'You help.', task: `script:${script} {{ $input.q }}`, ...params } },
      { id: 'out', type: 'control.output', params: { value: '{{ $input }}' } },
      ...tools,
      ...(extra.nodes ?? []),
    ],
    edges: [
      { id: 'e1', source: 'start', target: 'agent' },
      { id: 'e2', source: 'agent', target: 'out' },
      ...tools.map((t) => ({ id: `tool-${t.id}`, source: t.id, target: 'agent', targetPort: 'tools' })),
      ...(extra.edges ?? []),
    ],
  };
}

/** A run's agent transcripts (all conversations, or one). */
export async function transcript(stack: Stack, runId: string, agent?: string): Promise<AgentStep[]> {
  const res = await stack.api('GET', `/api/runs/${runId}/transcript${agent === undefined ? '' : `?agent=${encodeURIComponent(agent)}`}`);
  if (res.status !== 200) throw new Error(`transcript: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json.steps as AgentStep[];
}

/** Parses Server-Sent Events text into run events (complete blocks only). */
export function parseSse(text: string): RunEvent[] {
  return text
    .split('\n\n')
    .map((block) => block.split('\n').find((l) => l.startsWith('data:')))
    .filter((l): l is string => l !== undefined)
    .map((l) => JSON.parse(l.slice(5)) as RunEvent);
}
