import { describe, expect, it } from 'vitest';
import type { LlmRequest, LlmResult } from '@weft/nodes';
import { AttemptNotes, clip, notingPrompts } from './attempt-detail.js';
import { scrub } from './attempt-secrets.js';

const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v));

describe('clip', () => {
  it('returns a value within the limit as it is', () => {
    const value = { a: 'x'.repeat(100), b: [1, 2, 3] };
    expect(clip(value, 1024)).toBe(value);
  });

  it('shortens long strings and says how much it left out', () => {
    const out = clip({ prompt: 'p'.repeat(50_000), system: 'short' }, 8192) as { prompt: string; system: string };
    expect(out.system).toBe('short');
    expect(out.prompt).toMatch(/^p{2048}… \[47952 more characters\]$/);
    expect(bytes(out)).toBeLessThanOrEqual(8192);
  });

  it('truncates long lists and wide objects, and keeps any value within the limit', () => {
    const wide = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`key${i}`, { deep: { deeper: { deepest: 'v'.repeat(200) } } }]));
    const out = clip({ body: wide, list: Array.from({ length: 5000 }, (_, i) => i) }, 16 * 1024) as { body: Record<string, unknown>; list: unknown[] };
    expect(bytes(out)).toBeLessThanOrEqual(16 * 1024);
    expect(out.list.at(-1)).toMatch(/^… \[\d+ more items\]$/);
    expect(out.body['…']).toMatch(/^\d+ more keys$/);
  });

  it('cuts after masking, so no part of a secret is left to find', () => {
    const secret = 's3cr3t-'.repeat(400);
    const out = clip(scrub({ header: `Bearer ${secret}` }, new Map([['TOKEN', secret]])), 1024);
    expect(out).toEqual({ header: 'Bearer [secret:TOKEN]' });
  });
});

describe('AttemptNotes', () => {
  it('is empty until something is noted', () => {
    expect(new AttemptNotes().value()).toBeUndefined();
  });

  it('keeps the first LLM call\'s system prompt and prompt, counts the calls, and lets later notes replace earlier ones', async () => {
    const notes = new AttemptNotes();
    const answer: LlmResult = { text: 'ok', toolCalls: [], finishReason: 'stop', provider: 'p', model: 'm', inputTokens: 1, outputTokens: 1, costUsd: 0, latencyMs: 1 };
    const sent: LlmRequest[] = [];
    const llm = notingPrompts({ complete: async (r) => (sent.push(r), answer) }, notes);
    const first: LlmRequest = { messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Summarise: a parcel is late' }] };
    await llm.complete(first);
    await llm.complete({ messages: [...first.messages, { role: 'assistant', content: '{' }, { role: 'user', content: 'That answer is not valid' }] });
    notes.note({ route: { port: 'a', by: 'fallback' } });
    notes.note({ route: { port: 'b', by: 'llm', reason: 'fits' } });
    expect(sent).toHaveLength(2);
    expect(notes.value()).toEqual({
      prompt: { system: 'Be brief.', prompt: 'Summarise: a parcel is late', calls: 2 },
      route: { port: 'b', by: 'llm', reason: 'fits' },
    });
  });

  it('notes a prompt without a system prompt, even when the call then fails', async () => {
    const notes = new AttemptNotes();
    const llm = notingPrompts({ complete: () => Promise.reject(new Error('provider down')) }, notes);
    await expect(llm.complete({ messages: [{ role: 'user', content: 'Hello' }] })).rejects.toThrow('provider down');
    expect(notes.value()).toEqual({ prompt: { prompt: 'Hello', calls: 1 } });
  });
});
