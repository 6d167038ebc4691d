import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeLlm, testLlm } from '../../testing/fake-llm.js';
import { testContext } from '../../testing/context.js';
import definition from './definition.js';
import { execute } from './executor.js';
import { builtinRegistry } from '../../executors.js';

let fake: FakeLlm;
beforeAll(async () => {
  fake = await new FakeLlm().start();
});
afterAll(() => fake.close());
beforeEach(() => void fake.reset());

const setup = (type: 'openai' | 'anthropic' = 'openai') => {
  const { llm, usage } = testLlm([{ name: 'fake', type, baseUrl: type === 'openai' ? `${fake.url}/v1` : fake.url, model: 'fake-model', pricing: { 'fake-model': { inputPerMTok: 1, outputPerMTok: 4 } } }]);
  return { ctx: testContext({ llm }), usage };
};
const params = (p: Record<string, unknown>) => definition.params.parse(p);
const answerSchema = { type: 'object', properties: { sentiment: { enum: ['good', 'bad'] }, score: { type: 'number' } }, required: ['sentiment', 'score'] };

describe('analysis.llm', () => {
  it('asks the prompt with the system prompt and outputs the answer, provider, model and usage', async () => {
    fake.reply({ text: 'Paris', usage: { input: 20, output: 1 } });
    const { ctx } = setup();
    const out = await execute(ctx, params({ prompt: 'Capital of France?', system: 'Answer in one word', temperature: 0, maxTokens: 10 }), null);
    expect(out).toEqual({ text: 'Paris', provider: 'fake', model: 'fake-model', usage: { inputTokens: 20, outputTokens: 1, costUsd: (20 * 1 + 1 * 4) / 1e6 } });
    expect(fake.requests[0]).toMatchObject({ system: 'Answer in one word', prompt: 'Capital of France?', body: { temperature: 0, max_tokens: 10 } });
  });

  it('parses and validates a JSON answer against the output schema', async () => {
    fake.reply({ text: '```json\n{"sentiment":"good","score":0.9}\n```' });
    const { ctx } = setup('anthropic');
    const out = await execute(ctx, params({ prompt: 'How does "great!" sound?', outputSchema: answerSchema }), null);
    expect(out).toMatchObject({ json: { sentiment: 'good', score: 0.9 }, provider: 'fake' });
  });

  it('asks again once, saying what was wrong, when the JSON answer is invalid', async () => {
    fake.reply({ text: '{"sentiment":"great","score":1}', usage: { input: 10, output: 5 } }, { text: '{"sentiment":"good","score":1}', usage: { input: 30, output: 5 } });
    const { ctx, usage } = setup();
    const out = await execute(ctx, params({ prompt: 'Rate "great!"', outputSchema: answerSchema }), null);
    expect(out.json).toEqual({ sentiment: 'good', score: 1 });
    expect(out.usage).toMatchObject({ inputTokens: 40, outputTokens: 10 });
    expect(usage.calls).toHaveLength(2);
    const retry = fake.requests[1]!.body.messages as { role: string; content: string }[];
    expect(retry.at(-2)).toEqual({ role: 'assistant', content: '{"sentiment":"great","score":1}' });
    expect(retry.at(-1)!.content).toMatch(/^That answer is not valid: at sentiment: /);
    expect(fake.requests[1]!.body.response_format.json_schema.name).toBe('output');
  });

  it('fails for good with InvalidLlmOutput when the second answer is invalid too', async () => {
    fake.reply({ text: 'I think it is good' }, { text: '{"sentiment":"good"}' });
    const { ctx } = setup();
    const e = await execute(ctx, params({ prompt: 'Rate', outputSchema: answerSchema }), null).catch((err: unknown) => err);
    expect(e).toMatchObject({ type: 'InvalidLlmOutput', retryable: false });
    expect((e as Error).message).toContain('at score:');
    expect(fake.requests).toHaveLength(2);
  });

  it('is refused by the validator when the output schema is not usable JSON Schema', () => {
    const registry = builtinRegistry();
    const spec = registry.get('analysis.llm')!;
    expect(spec.check!(params({ prompt: 'x', outputSchema: { $ref: 'https://example.com/s.json' } }) as never, registry)).toEqual([
      { path: ['outputSchema'], message: expect.stringContaining('not a usable JSON Schema') },
    ]);
    expect(spec.check!(params({ prompt: 'x', outputSchema: answerSchema }) as never, registry)).toEqual([]);
  });
});
