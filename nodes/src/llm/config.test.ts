import { describe, expect, it } from 'vitest';
import { costOf, LlmProviderList } from './config.js';

describe('LLM provider configuration', () => {
  it('fills in defaults and trims the base URL', () => {
    const [p] = LlmProviderList.parse([{ name: 'local', type: 'openai', baseUrl: 'http://127.0.0.1:11434/v1/', model: 'llama3.2' }]);
    expect(p).toEqual({ name: 'local', type: 'openai', baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3.2', timeoutMs: 60_000, structuredOutput: 'json_schema' });
  });

  it('names the field that is wrong', () => {
    const r = LlmProviderList.safeParse([
      { name: 'a', type: 'openai', baseUrl: 'https://api.openai.com/v1', model: 'gpt-4o-mini' },
      { name: 'a', type: 'gemini', baseUrl: 'ftp://x', model: '', pricing: { m: { inputPerMTok: -1, outputPerMTok: 1 } } },
    ]);
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['1.baseUrl', '1.model', '1.pricing.m.inputPerMTok', '1.type']);
    const dup = LlmProviderList.safeParse([
      { name: 'a', type: 'openai', baseUrl: 'https://x/v1', model: 'm' },
      { name: 'a', type: 'anthropic', baseUrl: 'https://y', model: 'm' },
    ]);
    expect(dup.error!.issues).toMatchObject([{ path: [1, 'name'], message: 'provider name "a" is used more than once' }]);
  });

  it('prices calls per million tokens, and unknown models at 0', () => {
    const pricing = { 'gpt-4o-mini': { inputPerMTok: 0.15, outputPerMTok: 0.6 } };
    expect(costOf({ pricing }, 'gpt-4o-mini', 2_000_000, 1_000_000)).toBeCloseTo(0.9, 10);
    expect(costOf({ pricing }, 'other', 2_000_000, 1_000_000)).toBe(0);
    expect(costOf({}, 'gpt-4o-mini', 1, 1)).toBe(0);
  });
});
