import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentCallData, AgentStep, WorkflowInput } from '@weft/schemas';
import { FakeLlm, type FakeLlmRequest } from '@weft/nodes/testing/fake-llm';
import { parseSse, scriptedModel, taskOf, toolFlow, toolResults, transcript as transcriptOf, until, type ReadResult, type Script } from './testing/agents.js';
import { BACKENDS } from '@weft/store/testing';
import type { Receiver } from './testing/receiver.js';
import type { Stack } from './testing/stack.js';
import { useStack } from './testing/suite.js';

/** A script that makes one call, then reports what it read: `ran: …` or `not run: …`. */
const once =
  (name: string, args: (req: FakeLlmRequest) => Record<string, unknown>): Script =>
  (req, results) =>
    results.length === 0 ? { toolCalls: [{ id: 'k1', name, arguments: args(req) }] } : { text: `${results[0]!.isError ? 'not run' : 'ran'}: ${results[0]!.content}` };

const SCRIPTS: Record<string, Script> = {
  // Pays ACME the amount the task names (`script:pay <amount> …`).
  pay: once('pay', (req) => ({ to: 'ACME', amount: Number(/script:pay (\d+)/.exec(taskOf(req))?.[1]) })),
  refund: once('refund', () => ({ order: 'o-1', amount: 5 })),
  ask: once('ask', () => ({ question: 'May I refund order o-1?' })),
  slow: once('slow', () => ({})),
  hurry: once('hurry', () => ({ question: 'Ship today?' })),
  // A supervisor that hands the payment to a specialist agent, which pays.
  boss: once('treasurer', () => ({ question: 'pay ACME 600' })),
  treasurer: once('pay', () => ({ to: 'ACME', amount: 600 })),
  // Tells two people in one turn; only the address with an e-mail in it needs a person.
  notify: (_req, results) =>
    results.length === 0
      ? { toolCalls: [{ id: 'n1', name: 'notify', arguments: { to: 'the front desk', text: 'parcel arrived' } }, { id: 'n2', name: 'notify', arguments: { to: 'ann@example.com', text: 'parcel arrived' } }] }
      : { text: results.map((r) => r.content).join(' | ') },
};

/** The tools every run offers: each with its own approval rule. */
function approvalFlow(script: string, receiver: Receiver): WorkflowInput {
  return toolFlow(script, {}, [
    {
      id: 'pay',
      type: 'execution.http',
      params: { method: 'POST', url: `${receiver.url}/pay`, body: { to: '{{ $tool.to }}', amount: '{{ $tool.amount }}' } },
      tool: { description: 'Pays a supplier', arguments: [{ name: 'to', type: 'string' }, { name: 'amount', type: 'number' }], approval: { require: 'when', when: 'amount > 100' } },
    },
    {
      id: 'refund',
      type: 'execution.http',
      params: { method: 'POST', url: `${receiver.url}/refund`, body: { order: '{{ $tool.order }}', amount: '{{ $tool.amount }}' } },
      tool: { description: 'Refunds an order', arguments: [{ name: 'order', type: 'string' }, { name: 'amount', type: 'number' }], approval: { require: 'always' } },
    },
    {
      id: 'notify',
      type: 'analysis.transform',
      params: { expression: '"told " & $tool.to & ": " & $tool.text' },
      tool: { description: 'Tells someone', arguments: [{ name: 'to', type: 'string' }, { name: 'text', type: 'string' }], approval: { require: 'when', detectors: ['email'] } },
    },
    { id: 'slow', type: 'analysis.transform', params: { expression: '"done"' }, tool: { description: 'Needs a quick yes', approval: { require: 'always', timeout: '1s' } } },
  ], {
    // An approval node has no `out` port: it is wired from one of its own.
    nodes: [
      {
        id: 'hurry',
        type: 'security.approval',
        params: { title: 'Quick question', description: '{{ $tool.question }}', timeout: '1s', onTimeout: 'fail' },
        tool: { description: 'Asks a person who must answer within a second', arguments: [{ name: 'question', type: 'string' }] },
      },
      {
        id: 'ask',
        type: 'security.approval',
        params: { title: 'The agent has a question', description: '{{ $tool.question }}' },
        tool: { description: 'Asks a person, who approves or rejects', arguments: [{ name: 'question', type: 'string' }] },
      },
    ],
    edges: [
      { id: 'tool-ask', source: 'ask', sourcePort: 'approved', target: 'agent', targetPort: 'tools' },
      { id: 'tool-hurry', source: 'hurry', sourcePort: 'approved', target: 'agent', targetPort: 'tools' },
    ],
  });
}

/** An item of `GET /api/approvals`. */
interface ApprovalItem {
  runId: string;
  nodeId: string;
  title: string;
  description: string | null;
  waitingSince: string | null;
  deadline: string | null;
  call: { key: string; agent: string; turn: number; tool: string; toolNode: string; arguments: Record<string, unknown>; reason: string } | null;
}

describe.each(BACKENDS)('approval of agent tool calls on %s', (backend) => {
  const fake = new FakeLlm();
  const env: Record<string, string> = {};
  beforeAll(async () => {
    await fake.start();
    fake.script(scriptedModel(SCRIPTS));
    env['WEFT_LLM_PROVIDERS'] = JSON.stringify([{ name: 'main', type: 'openai', baseUrl: `${fake.url}/main/v1`, model: 'gpt-test' }]);
  });
  afterAll(() => fake.close());
  let stack: Stack;
  let receiver: Receiver;
  useStack(backend, (s, r) => ((stack = s), (receiver = r)), { env, receiver: true });

  const start = async (script: string, q: string) => stack.startRun(await stack.createWorkflow(approvalFlow(script, receiver)), { q });
  const calls = async (runId: string): Promise<(AgentStep & { data: AgentCallData })[]> => (await transcriptOf(stack, runId, 'agent')).filter((s): s is AgentStep & { data: AgentCallData } => s.kind === 'call');
  /** The run's approvals in the inbox, once there is one. */
  const inbox = (runId: string) =>
    until(`an approval of ${runId}`, async () => {
      const items = ((await stack.api('GET', '/api/approvals')).json.items as ApprovalItem[]).filter((i) => i.runId === runId);
      return items.length > 0 ? items : undefined;
    });
  /** The statuses a finished run went through, from its events. */
  const statuses = async (runId: string) => {
    const res = await stack.app.request(`/api/runs/${runId}/events`, { headers: { authorization: `Bearer ${stack.token}` } });
    return parseSse(await res.text()).flatMap((e) => (e.type === 'run' ? [(e.data as { status: string }).status] : []));
  };
  /** What the model read in its last request of the run whose task ends with `q`. */
  const lastRead = (q: string): ReadResult[] => toolResults(fake.requests.filter((r) => taskOf(r).endsWith(q)).at(-1)!);
  const audit = async (runId: string, action: string) => (await stack.api('GET', `/api/audit?action=${action}&target=${runId}`)).json.items as { action: string; details: Record<string, unknown> }[];
  const answerOf = async (runId: string) => {
    const run = await stack.waitForRun(runId);
    expect({ status: run.status, error: run.error }).toEqual({ status: 'completed', error: null });
    return (run.output as { answer: string }).answer;
  };

  it('runs a call the rule lets through at once, and holds one over it until a person approves', async () => {
    const small = await start('pay', '50 #under');
    expect(await answerOf(small)).toContain(`effect-${small}:agent:1:k1`);
    expect(receiver.keys.get(`${small}:agent:1:k1`)).toMatchObject({ requests: 1, effects: 1, body: { to: 'ACME', amount: 50 } });
    expect((await calls(small)).map((c) => [c.status, c.data.approval])).toEqual([['succeeded', undefined]]);
    expect(await statuses(small)).not.toContain('waiting');

    const runId = await start('pay', '500 #approve');
    const key = `${runId}:agent:1:k1`;
    const [item] = await inbox(runId);
    expect(item).toMatchObject({
      nodeId: 'agent',
      waitingSince: expect.any(String),
      deadline: expect.any(String),
      call: { key, agent: 'agent', turn: 1, tool: 'pay', toolNode: 'pay', arguments: { to: 'ACME', amount: 500 }, reason: 'the rule holds: amount > 100' },
    });
    expect((await stack.api('GET', `/api/runs/${runId}`)).json.status).toBe('waiting');
    expect((await calls(runId)).map((c) => [c.status, c.data.approval?.status])).toEqual([['waiting', 'waiting']]);
    expect(receiver.keys.has(key)).toBe(false);

    const res = await stack.api('POST', `/api/runs/${runId}/approve`, { call: key, comment: 'within budget' });
    expect(res).toEqual({ status: 202, json: { runId, nodeId: 'agent', call: key, approved: true } });
    expect(await answerOf(runId)).toContain(`effect-${key}`);
    expect(receiver.keys.get(key)).toMatchObject({ requests: 1, effects: 1, body: { to: 'ACME', amount: 500 } });
    const [read] = lastRead('500 #approve');
    expect(read!.isError).toBe(false);
    expect(JSON.parse(read!.content)).toMatchObject({ status: 200, body: { id: `effect-${key}`, received: { to: 'ACME', amount: 500 } } });
    const [call] = await calls(runId);
    expect(call!.data.approval).toMatchObject({ status: 'approved', reason: 'the rule holds: amount > 100', comment: 'within budget', by: expect.any(String) });
    expect(await audit(runId, 'run.approve_call')).toEqual([
      expect.objectContaining({ action: 'run.approve_call', details: expect.objectContaining({ nodeId: 'agent', call: key, tool: 'pay', arguments: { to: 'ACME', amount: 500 }, comment: 'within budget' }) }),
    ]);
    expect((await stack.api('GET', '/api/approvals')).json.items.filter((i: ApprovalItem) => i.runId === runId)).toEqual([]);
    expect(await statuses(runId)).toEqual(['queued', 'running', 'waiting', 'running', 'completed']);
  });

  it('runs an approved call with the arguments the approver edited, and tells the model they changed', async () => {
    const runId = await start('pay', '700 #edit');
    const key = `${runId}:agent:1:k1`;
    await inbox(runId);
    const edited = { to: 'ACME', amount: 90 };
    expect((await stack.api('POST', `/api/runs/${runId}/approve`, { call: key, arguments: edited, comment: 'pay 90 now' })).status).toBe(202);
    await answerOf(runId);
    expect(receiver.keys.get(key)).toMatchObject({ requests: 1, effects: 1, body: edited });
    const [read] = lastRead('700 #edit');
    const note = `(A person changed the arguments before the call ran: ${JSON.stringify(edited)})\n`;
    expect(read!.content.startsWith(note)).toBe(true);
    expect(JSON.parse(read!.content.slice(note.length))).toMatchObject({ status: 200, body: { received: edited } });
    const [call] = await calls(runId);
    expect(call).toMatchObject({ status: 'succeeded', data: { arguments: edited, approval: { status: 'edited', arguments: edited, comment: 'pay 90 now' } } });
    expect((await audit(runId, 'run.approve_call'))[0]!.details).toMatchObject({ call: key, arguments: { to: 'ACME', amount: 700 }, editedArguments: edited });
  });

  it('refuses bad decisions with the path at fault, and a rejected call never runs: the model reads the comment', async () => {
    const runId = await start('pay', '900 #reject');
    const key = `${runId}:agent:1:k1`;
    await inbox(runId);

    const withArguments = await stack.api('POST', `/api/runs/${runId}/reject`, { call: key, arguments: { amount: 1 } });
    expect(withArguments.status).toBe(400);
    expect(withArguments.json.error.issues).toEqual([expect.objectContaining({ path: '$.arguments' })]);
    const misfit = await stack.api('POST', `/api/runs/${runId}/approve`, { call: key, arguments: { to: 'ACME', amount: 'ninety', memo: 'x' } });
    expect(misfit.status).toBe(422);
    expect(misfit.json.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['$.arguments', '$.arguments.amount']);
    const unknown = await stack.api('POST', `/api/runs/${runId}/approve`, { call: `${runId}:agent:1:nope` });
    expect(unknown.status).toBe(409);
    expect(unknown.json.error.issues).toEqual([{ path: '$.call', message: `waiting: call ${key}` }]);
    const unnamed = await stack.api('POST', `/api/runs/${runId}/approve`, {});
    expect(unnamed.status).toBe(400);
    expect(unnamed.json.error.issues).toEqual([{ path: '$.call', message: `one of: ${key}` }]);
    const notAnApproval = await stack.api('POST', `/api/runs/${runId}/approve`, { nodeId: 'agent' });
    expect(notAnApproval.status).toBe(409);
    expect(notAnApproval.json.error.issues).toEqual([expect.objectContaining({ path: '$.nodeId' })]);
    // None of them decided anything.
    expect((await calls(runId))[0]!.status).toBe('waiting');

    expect((await stack.api('POST', `/api/runs/${runId}/reject`, { call: key, comment: 'over the monthly limit' })).status).toBe(202);
    expect(await answerOf(runId)).toBe('not run: The call was not run: a person rejected it: over the monthly limit.');
    expect(lastRead('900 #reject')).toEqual([{ name: 'pay', content: 'The call was not run: a person rejected it: over the monthly limit.', isError: true }]);
    expect(receiver.keys.has(key)).toBe(false);
    expect((await calls(runId))[0]).toMatchObject({ status: 'rejected', data: { approval: { status: 'rejected', comment: 'over the monthly limit' } } });
    expect(await audit(runId, 'run.reject_call')).toEqual([expect.objectContaining({ details: expect.objectContaining({ call: key, tool: 'pay', comment: 'over the monthly limit' }) })]);
    expect(await audit(runId, 'run.approve_call')).toEqual([]);
    // Once decided, the call takes no second decision.
    expect((await stack.api('POST', `/api/runs/${runId}/approve`, { call: key })).status).toBe(409);
  });

  it('asks for every call of an always-approved tool, and for calls whose arguments hold an e-mail address', async () => {
    const runId = await start('notify', '#detect');
    const [item] = await inbox(runId);
    expect(item!.call).toMatchObject({ key: `${runId}:agent:1:n2`, tool: 'notify', arguments: { to: 'ann@example.com', text: 'parcel arrived' }, reason: 'the arguments contain email in $.to' });
    // The other call of the same turn had nothing to ask about and has run meanwhile.
    const during = await calls(runId);
    expect(during.map((c) => [c.data.callId, c.status])).toEqual([
      ['n1', 'succeeded'],
      ['n2', 'waiting'],
    ]);
    await stack.api('POST', `/api/runs/${runId}/approve`, { call: item!.call!.key });
    expect(await answerOf(runId)).toBe('told the front desk: parcel arrived | told ann@example.com: parcel arrived');

    const refund = await start('refund', '#always');
    const [asked] = await inbox(refund);
    expect(asked!.call).toMatchObject({ tool: 'refund', arguments: { order: 'o-1', amount: 5 }, reason: 'every call of refund needs approval' });
    await stack.api('POST', `/api/runs/${refund}/approve`, { call: asked!.call!.key });
    expect(await answerOf(refund)).toContain(`effect-${asked!.call!.key}`);
    expect(receiver.keys.get(asked!.call!.key)).toMatchObject({ requests: 1, body: { order: 'o-1', amount: 5 } });
  });

  it('lets the model ask a person through an approval node wired as a tool', async () => {
    const runId = await start('ask', '#person');
    const [item] = await inbox(runId);
    expect(item).toMatchObject({ title: 'The agent has a question', description: 'May I refund order o-1?', call: { tool: 'ask', toolNode: 'ask', arguments: { question: 'May I refund order o-1?' } } });
    await stack.api('POST', `/api/runs/${runId}/approve`, { call: item!.call!.key, comment: 'yes, go ahead' });
    const answer = await answerOf(runId);
    expect(answer.startsWith('ran: ')).toBe(true);
    expect(JSON.parse(answer.slice('ran: '.length))).toMatchObject({ approved: true, comment: 'yes, go ahead', timedOut: false, by: expect.any(String) });
  });

  it('tells the model nobody approved in time, or fails the call when an approval node it asked says so', async () => {
    const runId = await start('slow', '#timeout');
    const [item] = await inbox(runId);
    expect(item!.call).toMatchObject({ tool: 'slow', reason: 'every call of slow needs approval' });
    expect(await answerOf(runId)).toBe('not run: The call was not run: nobody approved it in time.');
    expect((await calls(runId))[0]).toMatchObject({ status: 'rejected', data: { approval: { status: 'timed_out' } } });
    expect((await stack.api('GET', '/api/approvals')).json.items.filter((i: ApprovalItem) => i.runId === runId)).toEqual([]);
    expect(await audit(runId, 'run.approve_call')).toEqual([]);

    // An approval node asked as a tool keeps its own time limit and what happens when nobody answers.
    const hurried = await start('hurry', '#hurry');
    const [question] = await inbox(hurried);
    expect(question).toMatchObject({ title: 'Quick question', description: 'Ship today?', call: { tool: 'hurry', reason: 'the agent asks a person' } });
    expect(Date.parse(question!.deadline!) - Date.parse(question!.waitingSince!)).toBeLessThan(60_000);
    expect(await answerOf(hurried)).toBe('not run: The tool failed: ApprovalTimeout: nobody decided within 1s');
  });

  it('puts a call of an agent called as a tool in the run\'s inbox, and takes the decision there', async () => {
    const doc = toolFlow('boss', {}, [
      {
        id: 'treasurer',
        type: 'strategy.agent',
        params: { task: 'script:treasurer {{ $tool.question }}' },
        tool: { description: 'Pays suppliers', arguments: [{ name: 'question', type: 'string' }] },
      },
    ], {
      nodes: [
        {
          id: 'pay',
          type: 'execution.http',
          params: { method: 'POST', url: `${receiver.url}/pay`, body: { to: '{{ $tool.to }}', amount: '{{ $tool.amount }}' } },
          tool: { description: 'Pays a supplier', arguments: [{ name: 'to', type: 'string' }, { name: 'amount', type: 'number' }], approval: { require: 'when', when: 'amount > 100' } },
        },
      ],
      edges: [{ id: 'tool-pay', source: 'pay', target: 'treasurer', targetPort: 'tools' }],
    });
    const runId = await stack.startRun(await stack.createWorkflow(doc), { q: '#nested' });
    const key = `${runId}:agent/1.1:1:k1`;
    const [item] = await inbox(runId);
    expect(item).toMatchObject({ nodeId: 'treasurer', call: { key, agent: 'agent/1.1', tool: 'pay', arguments: { to: 'ACME', amount: 600 } } });
    expect((await stack.api('GET', `/api/runs/${runId}`)).json.status).toBe('waiting');
    expect((await stack.api('POST', `/api/runs/${runId}/approve`, { call: key })).status).toBe(202);
    expect(await answerOf(runId)).toMatch(/^ran: ran: \{/);
    expect(receiver.keys.get(key)).toMatchObject({ requests: 1, effects: 1, body: { to: 'ACME', amount: 600 } });
  });

  it('ends a run cancelled while its agent waits on an approval, with nothing left running or waiting', async () => {
    const runId = await start('pay', '800 #cancel');
    const key = `${runId}:agent:1:k1`;
    await inbox(runId);
    expect((await stack.api('POST', `/api/runs/${runId}/cancel`)).status).toBe(202);
    const run = await stack.waitForRun(runId);
    expect(run.status).toBe('cancelled');
    // The run's workflow records its end just before it closes: wait for it to close, then look at both workflows.
    const root = stack.temporal.client.workflow.getHandle(runId);
    await expect(root.result()).rejects.toThrow();
    expect((await root.describe()).status.name).toBe('CANCELLED');
    expect((await stack.temporal.client.workflow.getHandle(`${runId}-agent-agent`).describe()).status.name).toBe('CANCELLED');
    expect(receiver.keys.has(key)).toBe(false);
    expect((await stack.api('GET', '/api/approvals')).json.items.filter((i: ApprovalItem) => i.runId === runId)).toEqual([]);
    expect((await transcriptOf(stack, runId)).filter((s) => s.status === 'running' || s.status === 'waiting')).toEqual([]);
    expect((await calls(runId))[0]).toMatchObject({ status: 'failed', data: { error: { type: 'Cancelled', message: 'the run was cancelled while the call waited for a person (the rule holds: amount > 100)' } } });
    expect(run.nodes.find((n) => n.id === 'agent')?.status).not.toBe('running');
    expect((await stack.api('POST', `/api/runs/${runId}/approve`, { call: key })).status).toBe(409);
  });
});
