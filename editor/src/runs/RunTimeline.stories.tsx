import type { Meta, StoryObj } from '@storybook/react-vite';
import type { NodeRunView, RunView } from '@weft/schemas';
import { RunTimeline } from './RunTimeline';

const at = (s: number) => new Date(Date.UTC(2026, 10, 21, 9, 0, s)).toISOString();

const node = (id: string, type: string, from: number | null, to: number | null, extra: Partial<NodeRunView> = {}): NodeRunView => ({
  id,
  type,
  status: 'succeeded',
  attempts: 1,
  output: null,
  error: null,
  startedAt: from === null ? null : at(from),
  finishedAt: to === null ? null : at(to),
  ...extra,
});

const completed: RunView = {
  id: 'run_story_completed',
  workflowId: 'wf_story',
  version: 3,
  hash: 'sha256:story',
  status: 'completed',
  input: { name: 'Grace' },
  output: { greeting: 'Hello, Grace!' },
  error: null,
  createdAt: at(0),
  startedAt: at(0),
  finishedAt: at(9),
  trigger: { type: 'manual' },
  nodes: [
    node('start', 'control.trigger', 0, 0, { input: { name: 'Grace' }, output: { name: 'Grace' } }),
    node('fetch', 'execution.http', 0, 4, {
      attempts: 2,
      lostAttempts: [1],
      input: { name: 'Grace' },
      request: { method: 'POST', url: 'https://crm.example.org/people', headers: { authorization: 'Bearer [secret:CRM_TOKEN]', 'content-type': 'application/json' }, body: { name: 'Grace' } },
      output: { status: 200, body: 'x'.repeat(600) },
    }),
    node('pick', 'strategy.route', 4, 4, { input: { name: 'Grace' }, output: { name: 'Grace' }, route: { port: 'known', by: 'rule', index: 0, condition: "name != ''" } }),
    node('summarise', 'analysis.llm', 4, 8, {
      input: { name: 'Grace' },
      prompt: { system: 'You write one friendly sentence.', prompt: 'Summarise what we know about Grace.', calls: 1 },
      output: { text: 'A short summary.' },
      llm: [
        { attempt: 1, provider: 'openai', model: 'gpt-4o-mini', inputTokens: 812, outputTokens: 64, costUsd: 0.00016, latencyMs: 3900, error: null, at: at(8) },
      ],
    }),
    node('cached', 'analysis.transform', null, null, { reused: true, output: 42 }),
    node('result', 'control.output', 8, 9, { output: { greeting: 'Hello, Grace!' } }),
  ],
};

const failed: RunView = {
  ...completed,
  id: 'run_story_failed',
  status: 'failed',
  output: null,
  error: { type: 'HttpStatusError', message: 'POST https://example.org/invoices answered 503', nodeId: 'fetch', retryable: true },
  finishedAt: at(12),
  nodes: [
    node('start', 'control.trigger', 0, 0),
    node('fetch', 'execution.http', 0, 12, {
      status: 'failed',
      attempts: 3,
      request: { method: 'POST', url: 'https://example.org/invoices', headers: {}, body: { amount: 42 } },
      error: { type: 'HttpStatusError', message: 'POST https://example.org/invoices answered 503', details: { status: 503, headers: {}, body: { error: 'try again later' } } },
    }),
    node('summarise', 'analysis.llm', null, null, { status: 'skipped' }),
  ],
};

const meta = {
  title: 'Runs/RunTimeline',
  component: RunTimeline,
  args: { run: completed },
} satisfies Meta<typeof RunTimeline>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Inputs beside outputs, a long output folded, the request and prompt sent, a route's choice, a reused node, an LLM call table, an attempt lost to a stopped worker. */
export const Completed: Story = {};
export const Failed: Story = { args: { run: failed } };
