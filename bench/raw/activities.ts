import { fib } from '../lib/fib.js';

/** The hand-written peer's activities: the same work as Weft's `analysis.fib` node. */
export const rawActivities = {
  async fib(n: number): Promise<number> {
    return fib(n);
  },

  /** One chat-completions call with a tool offered: what a hand-written agent turn does. */
  async chat(url: string, messages: readonly unknown[]): Promise<{ content: string; toolCalls: { id: string; name: string; arguments: string }[] }> {
    return chatTurn(url, messages);
  },

  /** The tool of the agent benchmark: doubles a number. */
  async double(n: number): Promise<number> {
    return n * 2;
  },
};

/** The one tool the agent benchmark offers, in the chat-completions shape. */
export const DOUBLE_TOOL = { type: 'function', function: { name: 'double', description: 'Doubles a number', parameters: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'], additionalProperties: false } } };

/** POSTs one chat-completions request and reads the message: the work of one agent turn without any engine. */
export async function chatTurn(url: string, messages: readonly unknown[]): Promise<{ content: string; toolCalls: { id: string; name: string; arguments: string }[] }> {
  const res = await fetch(`${url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'bench', messages, tools: [DOUBLE_TOOL] }) });
  const body = (await res.json()) as { choices: { message: { content: string | null; tool_calls?: { id: string; function: { name: string; arguments: string } }[] } }[] };
  const m = body.choices[0]!.message;
  return { content: m.content ?? '', toolCalls: (m.tool_calls ?? []).map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments })) };
}

export type RawActivities = typeof rawActivities;
