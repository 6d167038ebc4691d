import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { validateWorkflow, type AttemptDetail } from '@weft/schemas';
import { Routed } from '../../define-node.js';
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

const params = (p: Record<string, unknown>) => definition.params.parse(p);
const withInput = (input: unknown) => testContext({ scope: { input, nodes: {}, run: {} }, llm: testLlm([{ name: 'fake', type: 'openai', baseUrl: `${fake.url}/v1`, model: 'router' }]).llm });
const rules = params({
  routes: [
    { port: 'urgent', when: 'priority > 7' },
    { port: 'billing', when: '$contains(subject, "invoice")' },
  ],
});
const llmRoutes = params({
  mode: 'llm',
  routes: [
    { port: 'refund', description: 'the customer wants money back' },
    { port: 'support', description: 'anything technical' },
  ],
});

describe('strategy.route', () => {
  it('sends the input out of the first route whose condition is true', async () => {
    const input = { priority: 9, subject: 'invoice 42' };
    const out = await execute(withInput(input), rules, input);
    expect(out).toBeInstanceOf(Routed);
    expect(out).toEqual(new Routed(['urgent'], input));
    const billing = { priority: 1, subject: 'invoice 42' };
    expect(await execute(withInput(billing), rules, billing)).toEqual(new Routed(['billing'], billing));
  });

  it('uses the fallback port when no condition holds', async () => {
    const input = { priority: 1, subject: 'hello' };
    expect(await execute(withInput(input), rules, input)).toEqual(new Routed(['default'], input));
    expect(await execute(withInput(input), { ...rules, default: 'billing' }, input)).toEqual(new Routed(['billing'], input));
  });

  it('fails for good on a condition that cannot be evaluated', async () => {
    const broken = params({ routes: [{ port: 'x', when: '$undefinedFunction(1)' }] });
    await expect(execute(withInput({}), broken, {})).rejects.toMatchObject({ type: 'ExpressionError', retryable: false });
  });

  it('lets the LLM pick one of the ports, offered as an enum', async () => {
    fake.reply({ text: { port: 'refund', reason: 'asks for money back' } });
    const input = { message: 'I want my money back' };
    expect(await execute(withInput(input), llmRoutes, input)).toEqual(new Routed(['refund'], input));
    const req = fake.requests[0]!;
    expect(req.body.response_format.json_schema.schema.properties.port.enum).toEqual(['refund', 'support', 'default']);
    expect(req.body.response_format.json_schema.strict).toBe(true);
    expect(req.system).toContain('- refund: the customer wants money back');
    expect(req.prompt).toBe(JSON.stringify(input, null, 2));
  });

  it('re-asks once when the LLM names a port that does not exist, then fails', async () => {
    fake.reply({ text: { port: 'sales', reason: '?' } }, { text: { port: 'support', reason: 'technical' } });
    expect(await execute(withInput('my app crashes'), llmRoutes, 'my app crashes')).toEqual(new Routed(['support'], 'my app crashes'));
    expect(fake.requests[1]!.prompt).toContain('port must be one of refund, support, default');

    fake.reply({ text: { port: 'sales', reason: '?' } }, { text: 'support' });
    await expect(execute(withInput('x'), llmRoutes, 'x')).rejects.toMatchObject({ type: 'InvalidLlmOutput', retryable: false });
  });

  it('notes the port it chose and why: the rule that held, the fallback, or the LLM with its reason', async () => {
    const notes: AttemptDetail[] = [];
    const noting = (input: unknown) => ({ ...withInput(input), note: (d: AttemptDetail) => void notes.push(d) });
    await execute(noting({ priority: 1, subject: 'invoice 9' }), rules, null);
    await execute(noting({ priority: 1, subject: 'hello' }), rules, null);
    fake.reply({ text: { port: 'refund', reason: 'asks for money back' } });
    await execute(noting('refund me'), llmRoutes, 'refund me');
    expect(notes).toEqual([
      { route: { port: 'billing', by: 'rule', index: 1, condition: '$contains(subject, "invoice")' } },
      { route: { port: 'default', by: 'fallback' } },
      { route: { port: 'refund', by: 'llm', reason: 'asks for money back' } },
    ]);
  });

  it('is checked by the validator: reserved and repeated ports, missing or broken conditions, unknown fallback', () => {
    const registry = builtinRegistry();
    const problems = registry.get('strategy.route')!.check!(
      params({
        routes: [{ port: 'default', when: 'true' }, { port: 'a' }, { port: 'a', when: '(' }],
        default: 'nowhere',
      }) as never,
      registry,
    );
    expect(problems.map((p) => [p.path.join('.'), p.message.split(':')[0]])).toEqual([
      ['routes.0.port', '"default" is reserved; name the port otherwise'],
      ['routes.1.when', 'in rules mode every route needs a condition'],
      ['routes.2.port', 'port "a" is named twice'],
      ['routes.2.when', 'condition does not parse'],
      ['default', 'fallback port "nowhere" is neither "default" nor a route'],
    ]);
  });
});

describe('strategy.route in a workflow', () => {
  const doc = (sourcePort: string) => ({
    schemaVersion: 1,
    name: 'routing',
    nodes: [
      { id: 'start', type: 'control.trigger' },
      { id: 'route', type: 'strategy.route', params: { routes: [{ port: 'fast', when: '$.size < 10' }, { port: 'slow', when: '$.size >= 10' }] } },
      { id: 'next', type: 'analysis.transform', params: { expression: '$' } },
    ],
    edges: [
      { id: 'e1', source: 'start', target: 'route' },
      { id: 'e2', source: 'route', sourcePort, target: 'next' },
    ],
  });

  it('validates edges from the ports the routes name and from the default port', () => {
    const registry = builtinRegistry();
    for (const port of ['fast', 'slow', 'default']) expect(validateWorkflow(doc(port), registry)).toMatchObject({ ok: true });
  });

  it('rejects an edge from a port no route names', () => {
    const result = validateWorkflow(doc('medium'), builtinRegistry());
    expect(result.ok).toBe(false);
    expect(result.problems).toContainEqual(expect.objectContaining({ code: 'unknown_port', path: '$.edges[1].sourcePort', message: 'node "route" has no output port "medium" (ports: default, fast, slow)' }));
  });
});
