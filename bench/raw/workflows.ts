// The hand-written Temporal workflows Weft is measured against: what a developer would write
// directly with the SDK for the same graphs, with nothing recorded outside Temporal.
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { RawActivities } from './activities.js';

const { fib, chat, double } = proxyActivities<RawActivities>({ startToCloseTimeout: '1m' });
const local = proxyLocalActivities<RawActivities>({ startToCloseTimeout: '1m' });

/** `count` activities one after another, each computing fib(n). */
export async function rawSequential(count: number, n: number, useLocal = false): Promise<number> {
  let last = 0;
  for (let i = 0; i < count; i++) last = await (useLocal ? local : { fib }).fib(n);
  return last;
}

/** `count` activities at once, each computing fib(n), then their sum. */
export async function rawFanout(count: number, n: number): Promise<number> {
  const all = await Promise.all(Array.from({ length: count }, () => fib(n)));
  return all.reduce((a, b) => a + b, 0);
}

/**
 * A hand-written durable agent: each model turn one activity, each tool call one activity, the
 * conversation kept in the workflow. Nothing is recorded outside Temporal.
 */
export async function rawAgent(url: string, task: string, maxTurns: number): Promise<string> {
  const messages: unknown[] = [{ role: 'user', content: task }];
  for (let turn = 0; turn < maxTurns; turn++) {
    const answer = await chat(url, messages);
    if (answer.toolCalls.length === 0) return answer.content;
    messages.push({ role: 'assistant', content: answer.content, tool_calls: answer.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })) });
    for (const c of answer.toolCalls) {
      const result = await double(Number((JSON.parse(c.arguments) as { n: number }).n));
      messages.push({ role: 'tool', tool_call_id: c.id, content: JSON.stringify(result) });
    }
  }
  return 'max turns';
}
