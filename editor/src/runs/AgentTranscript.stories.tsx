import type { Meta, StoryObj } from '@storybook/react-vite';
import type { AgentStep } from '@weft/schemas';
import { agentStep } from './agent-step.fixture';
import { conversations, textKey } from './agent-transcript';
import { ConversationView } from './AgentTranscript';

const at = (s: number) => new Date(Date.UTC(2026, 10, 21, 9, 0, s)).toISOString();
const step = (agent: string, nodeId: string, turn: number, part: number, kind: AgentStep['kind'], status: AgentStep['status'], data: unknown): AgentStep =>
  agentStep({ agent, nodeId, turn, part, kind, status, data }, at(turn * 3 + part), at(turn * 3 + part + 1));
const turn = (text: string, calls: { id: string; name: string; arguments: Record<string, unknown> }[], inputTokens: number, outputTokens: number) => ({
  text,
  toolCalls: calls,
  provider: 'openai',
  model: 'gpt-4o-mini',
  inputTokens,
  outputTokens,
  costUsd: (inputTokens * 0.15 + outputTokens * 0.6) / 1_000_000,
  latencyMs: 1400,
  finishReason: calls.length ? 'tool_calls' : 'stop',
});
const call = (callId: string, name: string, tool: string, args: Record<string, unknown>, extra: object = {}) => ({ callId, name, tool, arguments: args, key: `run_story:planner:${callId}`, ...extra });

const task = step('planner', 'planner', 0, 0, 'task', 'succeeded', {
  instructions: 'You plan team events. Use the tools; never guess the weather.',
  task: 'Plan the team offsite in Lisbon for the platform team.',
  tools: [
    { name: 'weather', description: 'The weather forecast of a city', node: 'weather' },
    { name: 'book_venue', description: 'Books a venue for the offsite', node: 'book' },
    { name: 'researcher', description: 'Finds venues', node: 'researcher' },
  ],
});
const turn1 = step('planner', 'planner', 1, 0, 'turn', 'succeeded', turn('Let me check the weather and find venues.', [{ id: 'c1', name: 'weather', arguments: { city: 'Lisbon' } }, { id: 'c2', name: 'researcher', arguments: { city: 'Lisbon', guests: 15 } }], 812, 64));
const weather = step('planner', 'planner', 1, 1, 'call', 'succeeded', call('c1', 'weather', 'weather', { city: 'Lisbon' }, { output: { city: 'Lisbon', forecast: 'sunny', high: 24, hourly: Array.from({ length: 24 }, (_, h) => ({ hour: h, temperature: 16 + Math.round(8 * Math.sin((h / 24) * Math.PI)) })) } }));
const research = step('planner', 'planner', 1, 2, 'call', 'succeeded', call('c2', 'researcher', 'researcher', { city: 'Lisbon', guests: 15 }, { output: 'Casa do Mar seats 20 and is free in May.' }));
const nested = [
  step('planner/1.2', 'researcher', 1, 0, 'turn', 'succeeded', turn('Searching the venue list.', [{ id: 'n1', name: 'search', arguments: { query: 'venues Lisbon 15 people' } }], 300, 20)),
  step('planner/1.2', 'researcher', 1, 1, 'call', 'failed', call('n1', 'search', 'search', { query: 'venues Lisbon 15 people' }, { error: { type: 'HttpStatusError', message: 'GET https://venues.example.org/search answered 503' } })),
  step('planner/1.2', 'researcher', 2, 0, 'turn', 'succeeded', turn('Casa do Mar seats 20 and is free in May.', [], 420, 18)),
];
const turn2 = step('planner', 'planner', 2, 0, 'turn', 'succeeded', turn('Sunny, and Casa do Mar fits. Booking it.', [{ id: 'c3', name: 'book_venue', arguments: { venue: 'Casa do Mar', guests: 15 } }], 1650, 40));
const waitingBooking = step('planner', 'planner', 2, 1, 'call', 'waiting', call('c3', 'book_venue', 'book', { venue: 'Casa do Mar', guests: 15 }, { approval: { status: 'waiting', reason: 'every call of book_venue needs approval' } }));
const approvedBooking = step(
  'planner',
  'planner',
  2,
  1,
  'call',
  'succeeded',
  call('c3', 'book_venue', 'book', { venue: 'Casa do Mar', guests: 16 }, { approval: { status: 'edited', reason: 'every call of book_venue needs approval', by: 'Dana (operator)', comment: 'Sam joins too', at: at(30), arguments: { venue: 'Casa do Mar', guests: 16 } }, output: { status: 200, body: { confirmation: 'BK-1' } } }),
);
const answer = step('planner', 'planner', 3, 0, 'turn', 'succeeded', turn('Booked Casa do Mar for 16 people. Expect sunshine in Lisbon.', [], 1900, 22));

const meta = {
  title: 'Runs/AgentTranscript',
  component: ConversationView,
  args: { conversation: conversations([task, turn1, weather, research, ...nested, turn2, approvedBooking, answer])[0]! },
} satisfies Meta<typeof ConversationView>;

export default meta;
type Story = StoryObj<typeof meta>;

/** The model's text growing while it writes (the caret), before it asks for any tool. */
export const Streaming: Story = {
  args: { conversation: conversations([task, step('planner', 'planner', 1, 0, 'turn', 'running', { text: '', toolCalls: [] })], { [textKey('planner', 1)]: 'Let me check the weather in Lisbon first, then look for' })[0]! },
};

/** A call that waits for a person, with the reason and where to decide. */
export const WaitingForApproval: Story = {
  args: { conversation: conversations([task, turn1, weather, research, ...nested, turn2, waitingBooking])[0]! },
};

/**
 * Done: a long result folded, an agent called as a tool with its own conversation (and a failed
 * call in red), the approver's edit beside what the model proposed, tokens and cost per turn and
 * in all, and the final answer.
 */
export const Completed: Story = {};
