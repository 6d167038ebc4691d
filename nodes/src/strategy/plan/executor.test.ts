import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeLlm, testLlm } from '../../testing/fake-llm.js';
import { testContext } from '../../testing/context.js';
import definition, { DEFAULT_PLAN_SCHEMA } from './definition.js';
import { execute } from './executor.js';

let fake: FakeLlm;
beforeAll(async () => {
  fake = await new FakeLlm().start();
});
afterAll(() => fake.close());
beforeEach(() => void fake.reset());

const ctx = (type: 'openai' | 'anthropic' = 'openai') => testContext({ llm: testLlm([{ name: 'fake', type, baseUrl: type === 'openai' ? `${fake.url}/v1` : fake.url, model: 'planner' }]).llm });
const params = (p: Record<string, unknown>) => definition.params.parse(p);
const steps = { steps: [{ id: 'book', title: 'Book the flight' }, { id: 'pay', title: 'Pay', description: 'with the company card' }] };

describe('strategy.plan', () => {
  it('asks for the default plan schema with the goal and the context, and outputs the plan', async () => {
    fake.reply({ text: steps });
    const out = await execute(ctx(), params({ goal: 'Travel to Lisbon', context: { budget: 500 } }), null);
    expect(out).toMatchObject({ plan: steps, provider: 'fake', model: 'planner' });
    const req = fake.requests[0]!;
    expect(req.prompt).toBe('Goal: Travel to Lisbon\n\nContext:\n{\n  "budget": 500\n}');
    expect(req.system).toMatch(/^You are a planner/);
    expect(req.body.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'plan', schema: DEFAULT_PLAN_SCHEMA, strict: false } });
  });

  it('re-asks once when the plan breaks the schema, then accepts a valid one', async () => {
    fake.reply({ text: { steps: [{ id: 'book' }] } }, { text: steps });
    const out = await execute(ctx('anthropic'), params({ goal: 'Travel' }), null);
    expect(out.plan).toEqual(steps);
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1]!.prompt).toContain('at steps.0.title');
  });

  it('fails with InvalidLlmOutput when the plan is invalid twice', async () => {
    fake.reply({ text: { steps: [] } }, { text: { plan: 'go' } });
    await expect(execute(ctx(), params({ goal: 'Travel' }), null)).rejects.toMatchObject({ type: 'InvalidLlmOutput', retryable: false });
  });

  it('validates against a plan schema the node declares', async () => {
    const planSchema = { type: 'object', properties: { tasks: { type: 'array', items: { type: 'string' } }, risk: { enum: ['low', 'high'] } }, required: ['tasks', 'risk'] };
    fake.reply({ text: steps }, { text: { tasks: ['pack', 'fly'], risk: 'low' } });
    const out = await execute(ctx(), params({ goal: 'Travel', planSchema, system: 'Plan tersely' }), null);
    expect(out.plan).toEqual({ tasks: ['pack', 'fly'], risk: 'low' });
    expect(fake.requests[0]!.system).toBe('Plan tersely');
    expect(fake.requests[0]!.body.response_format.json_schema.schema).toEqual(planSchema);
  });
});
