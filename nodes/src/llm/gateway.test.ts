import { describe, expect, it } from 'vitest';
import { NodeError } from '../context.js';
import { secretNotAllowed } from '../secrets/binding.js';
import type { LlmScope } from '../services.js';
import { FakeLlm, MemoryLlmUsage } from '../testing/fake-llm.js';
import { useFakeLlm } from '../testing/use-fake-llm.js';
import type { LlmProviderConfigInput } from './config.js';
import { createLlmGateway, type LlmGatewayOptions } from './gateway.js';

const fake = useFakeLlm();

/** Providers `a` and `b` (chat completions) and `c` (Anthropic) on the one fake server, told apart by path. */
const providers = (): LlmProviderConfigInput[] => [
  { name: 'a', type: 'openai', baseUrl: `${fake.url}/a/v1`, model: 'model-a', apiKeySecret: 'A_KEY', pricing: { 'model-a': { inputPerMTok: 2, outputPerMTok: 10 } } },
  { name: 'b', type: 'openai', baseUrl: `${fake.url}/b/v1/`, model: 'model-b' },
  { name: 'c', type: 'anthropic', baseUrl: `${fake.url}/c`, model: 'claude-test', apiKeySecret: 'C_KEY', timeoutMs: 5000 },
];
const secrets: Record<string, string> = { A_KEY: 'sk-a', C_KEY: 'sk-c' };

function setup(o: Partial<LlmGatewayOptions> & { usage?: MemoryLlmUsage; signal?: AbortSignal } = {}) {
  const gateway = createLlmGateway({ providers: providers(), ...o });
  const usage = o.usage ?? new MemoryLlmUsage();
  const scope: LlmScope = {
    runId: 'run_1',
    nodeId: 'ask',
    attempt: 1,
    signal: o.signal ?? new AbortController().signal,
    secret: async (name) => {
      const v = secrets[name];
      if (v === undefined) throw new NodeError('SecretNotFound', `there is no secret named "${name}"`, false);
      return v;
    },
    usage,
  };
  return { gateway, usage, llm: gateway.forAttempt(scope) };
}
const hello = [{ role: 'user' as const, content: 'say hello' }];
const byProvider = (path: string) => path.split('/')[1];

describe('LLM gateway', () => {
  it('speaks chat completions: key, model, options, usage, cost, and records the call', async () => {
    fake.reply({ text: 'hello there', usage: { input: 1000, output: 500 } });
    const { llm, usage } = setup();
    const r = await llm.complete({ messages: [{ role: 'system', content: 'be brief' }, ...hello], temperature: 0.2, maxTokens: 50, providers: ['a'] });
    expect(r).toMatchObject({ text: 'hello there', provider: 'a', model: 'model-a', inputTokens: 1000, outputTokens: 500 });
    expect(r.costUsd).toBeCloseTo((1000 * 2 + 500 * 10) / 1e6, 12);
    const req = fake.requests[0]!;
    expect(req).toMatchObject({ format: 'openai', path: '/a/v1/chat/completions', system: 'be brief', prompt: 'say hello' });
    expect(req.headers['authorization']).toBe('Bearer sk-a');
    expect(req.body).toMatchObject({ model: 'model-a', temperature: 0.2, max_tokens: 50 });
    expect(req.body.response_format).toBeUndefined();
    expect(usage.calls).toEqual([
      expect.objectContaining({ runId: 'run_1', nodeId: 'ask', attempt: 1, provider: 'a', model: 'model-a', inputTokens: 1000, outputTokens: 500, costUsd: r.costUsd }),
    ]);
    expect(usage.calls[0]!.error).toBeUndefined();
  });

  it('speaks Anthropic messages: system field, key and version headers, usage; unknown prices cost 0', async () => {
    fake.reply({ text: 'bonjour', usage: { input: 12, output: 3 } });
    const { llm, usage } = setup();
    const r = await llm.complete({ messages: [{ role: 'system', content: 'in French' }, ...hello], temperature: 1.5, providers: ['c'] });
    expect(r).toMatchObject({ text: 'bonjour', provider: 'c', model: 'claude-test', inputTokens: 12, outputTokens: 3, costUsd: 0 });
    const req = fake.requests[0]!;
    expect(req).toMatchObject({ format: 'anthropic', path: '/c/v1/messages', system: 'in French' });
    expect(req.headers['x-api-key']).toBe('sk-c');
    expect(req.headers['anthropic-version']).toBe('2023-06-01');
    expect(req.body).toMatchObject({ model: 'claude-test', max_tokens: 4096, temperature: 1, messages: [{ role: 'user', content: 'say hello' }] });
    expect(usage.calls[0]).toMatchObject({ provider: 'c', inputTokens: 12, outputTokens: 3, costUsd: 0 });
  });

  it('asks for JSON with structured output on chat completions and with an instruction on Anthropic', async () => {
    const closed = { type: 'object', properties: { n: { type: 'number' } }, required: ['n'], additionalProperties: false };
    const open = { type: 'object', properties: { n: { type: 'number' } } };
    const { llm } = setup();
    await llm.complete({ messages: hello, providers: ['a'], json: { name: 'my answer', schema: closed } });
    await llm.complete({ messages: hello, providers: ['a'], json: { name: 'x', schema: open } });
    await llm.complete({ messages: hello, providers: ['c'], json: { name: 'x', schema: closed } });
    const [strict, loose, anthropic] = fake.requests;
    expect(strict!.body.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'my_answer', schema: closed, strict: true } });
    expect(loose!.body.response_format.json_schema.strict).toBe(false);
    expect(anthropic!.system).toContain('JSON Schema');
    expect(anthropic!.system).toContain(JSON.stringify(closed));
  });

  it('uses JSON mode and an instruction for providers without structured output', async () => {
    const { llm } = setup({ providers: [{ name: 'ds', type: 'openai', baseUrl: `${fake.url}/ds/v1`, model: 'deepseek-chat', structuredOutput: 'json_object' }] });
    await llm.complete({ messages: hello, json: { name: 'x', schema: { type: 'object' } } });
    const req = fake.requests[0]!;
    expect(req.body.response_format).toEqual({ type: 'json_object' });
    expect(req.system).toContain('{"type":"object"}');
  });

  it.each([
    ['a 500', { status: 500 }, 'HTTP 500: fake failure 500'],
    ['a 429', { status: 429 }, 'HTTP 429: fake failure 429'],
    ['no answer before the time limit', { hang: true }, 'no answer within 300 ms'],
    ['an answer that is not JSON', { raw: '<html>bad gateway</html>' }, 'the answer is not JSON'],
  ])('fails over to the next provider on %s, and records both calls', async (_what, failure, message) => {
    fake.script((req) => (byProvider(req.path) === 'a' ? failure : { text: 'from b', usage: { input: 4, output: 2 } }));
    const { llm, usage } = setup();
    const r = await llm.complete({ messages: hello, providers: ['a', 'b'], timeoutMs: 300 });
    expect(r).toMatchObject({ text: 'from b', provider: 'b', model: 'model-b' });
    expect(fake.requests.map((q) => byProvider(q.path))).toEqual(['a', 'b']);
    expect(usage.calls).toMatchObject([
      { provider: 'a', model: 'model-a', inputTokens: 0, outputTokens: 0, costUsd: 0, error: message },
      { provider: 'b', model: 'model-b', inputTokens: 4, outputTokens: 2 },
    ]);
    expect(usage.calls[1]!.error).toBeUndefined();
  });

  it('fails over when a provider cannot be reached', async () => {
    const closed = await new FakeLlm().start();
    await closed.close();
    const { llm, usage } = setup({ providers: [{ name: 'gone', type: 'openai', baseUrl: `${closed.url}/v1`, model: 'm' }, ...providers()] });
    const r = await llm.complete({ messages: hello, providers: ['gone', 'b'] });
    expect(r.provider).toBe('b');
    expect(usage.calls[0]).toMatchObject({ provider: 'gone', error: expect.stringMatching(/^connection failed: ECONNREFUSED/) });
  });

  it('does not fail over a refused request: non-retryable, naming provider and status', async () => {
    fake.reply({ status: 401 });
    const { llm, usage } = setup();
    const e = await llm.complete({ messages: hello, providers: ['a', 'b'] }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(NodeError);
    expect(e).toMatchObject({ type: 'LlmRequestError', retryable: false, details: { provider: 'a', status: 401 } });
    expect((e as Error).message).toContain('"a"');
    expect((e as Error).message).toContain('HTTP 401');
    expect(fake.requests).toHaveLength(1);
    expect(usage.calls).toMatchObject([{ provider: 'a', error: 'HTTP 401: fake failure 401' }]);
  });

  it('fails retryably with every provider\'s failure when none can answer', async () => {
    fake.script((req) => ({ status: byProvider(req.path) === 'a' ? 503 : 502 }));
    const { llm, usage } = setup();
    const e = await llm.complete({ messages: hello }).catch((err: unknown) => err);
    expect(e).toMatchObject({ type: 'LlmUnavailable', retryable: true });
    expect((e as Error).message).toBe('no LLM provider could answer: a: HTTP 503: fake failure 503; b: HTTP 502: fake failure 502; c: HTTP 502: fake failure 502');
    expect(usage.calls.map((c) => c.provider)).toEqual(['a', 'b', 'c']);
  });

  it('opens a provider\'s breaker after repeated failures, skips it, and closes it again through a half-open probe', async () => {
    let now = 1_000_000;
    const { gateway, llm } = setup({ breaker: { failures: 2, cooldownMs: 30_000, now: () => now } });
    let aUp = false;
    fake.script((req) => (byProvider(req.path) === 'a' ? (aUp ? { text: 'a is back' } : { status: 500 }) : { text: 'from b' }));
    const ask = () => llm.complete({ messages: hello, providers: ['a', 'b'] });
    const asked = () => fake.requests.map((q) => byProvider(q.path));

    await ask();
    expect(gateway.breakerState('a')).toBe('closed');
    await ask();
    expect(gateway.breakerState('a')).toBe('open');
    expect(asked()).toEqual(['a', 'b', 'a', 'b']);

    // Open: `a` is not even asked.
    expect((await ask()).provider).toBe('b');
    expect(asked()).toEqual(['a', 'b', 'a', 'b', 'b']);

    // After the cool-down one probe goes; it fails, so the breaker opens for another cool-down.
    now += 30_000;
    expect(gateway.breakerState('a')).toBe('half-open');
    expect((await ask()).provider).toBe('b');
    expect(asked().slice(5)).toEqual(['a', 'b']);
    expect(gateway.breakerState('a')).toBe('open');
    await ask();
    expect(asked().slice(7)).toEqual(['b']);

    // The next probe succeeds and closes it.
    now += 30_000;
    aUp = true;
    expect(await ask()).toMatchObject({ provider: 'a', text: 'a is back' });
    expect(gateway.breakerState('a')).toBe('closed');
  });

  it('says a provider was skipped for an open breaker when nothing else answers', async () => {
    fake.script(() => ({ status: 500 }));
    const { llm } = setup({ breaker: { failures: 1, cooldownMs: 60_000 } });
    await llm.complete({ messages: hello, providers: ['a'] }).catch(() => undefined);
    const e = await llm.complete({ messages: hello, providers: ['a'] }).catch((err: unknown) => err);
    expect(e).toMatchObject({ type: 'LlmUnavailable', retryable: true });
    expect((e as Error).message).toMatch(/a: skipped, circuit open after 1 failure in a row \(next try in 60 s\)/);
    expect(fake.requests).toHaveLength(1);
  });

  it('stops with BudgetExceeded before a call once the run has used its token budget', async () => {
    const usage = new MemoryLlmUsage({ budget: { tokens: 100 } });
    const { llm } = setup({ usage });
    fake.reply({ text: 'one', usage: { input: 60, output: 40 } });
    await llm.complete({ messages: hello, providers: ['b'] });
    const e = await llm.complete({ messages: hello, providers: ['b'] }).catch((err: unknown) => err);
    expect(e).toMatchObject({ type: 'BudgetExceeded', retryable: false, message: "the run's LLM budget is used up: 100 of 100 tokens spent" });
    expect(fake.requests).toHaveLength(1);
    expect(usage.calls).toHaveLength(1);
  });

  it('stops with BudgetExceeded once the run has reached its cost budget', async () => {
    const usage = new MemoryLlmUsage({ budget: { costUsd: 0.01 } });
    const { llm } = setup({ usage });
    fake.reply({ text: 'pricey', usage: { input: 5000, output: 0 } }); // 5000 × $2/M = $0.01
    await llm.complete({ messages: hello, providers: ['a'] });
    const e = await llm.complete({ messages: hello, providers: ['a'] }).catch((err: unknown) => err);
    expect(e).toMatchObject({ type: 'BudgetExceeded', retryable: false, message: "the run's LLM budget is used up: $0.0100 of $0.0100 spent" });
  });

  it('follows the workflow\'s provider chain unless the request names its own', async () => {
    fake.script((req) => ({ text: `from ${byProvider(req.path)}` }));
    const { llm } = setup({ usage: new MemoryLlmUsage({ providers: ['c', 'b'] }) });
    expect((await llm.complete({ messages: hello })).provider).toBe('c');
    expect((await llm.complete({ messages: hello, providers: ['b'] })).provider).toBe('b');
  });

  it('refuses unknown provider names and a missing configuration', async () => {
    const { llm } = setup();
    await expect(llm.complete({ messages: hello, providers: ['a', 'nope'] })).rejects.toMatchObject({ type: 'UnknownLlmProvider', retryable: false, message: 'unknown LLM provider "nope" (configured: a, b, c)' });
    const none = createLlmGateway({ providers: [] }).forAttempt({ runId: 'r', nodeId: 'n', attempt: 1, signal: new AbortController().signal, secret: async () => '', usage: new MemoryLlmUsage() });
    await expect(none.complete({ messages: hello })).rejects.toMatchObject({ type: 'NotConfigured', retryable: false });
  });

  it('stops at once when the attempt is cancelled, without failing over', async () => {
    fake.script(() => ({ hang: true }));
    const abort = new AbortController();
    const { llm, usage, gateway } = setup({ signal: abort.signal });
    const pending = llm.complete({ messages: hello, providers: ['a', 'b'] });
    setTimeout(() => abort.abort(), 100);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(fake.requests).toHaveLength(1);
    expect(usage.calls).toMatchObject([{ provider: 'a', error: 'cancelled' }]);
    expect(gateway.breakerState('a')).toBe('closed');
  });

  it('asks for each API key for the endpoint it posts to, and fails without calling where the key is not bound', async () => {
    const asked: string[] = [];
    const gateway = createLlmGateway({ providers: providers() });
    const llm = gateway.forAttempt({
      runId: 'run_1',
      nodeId: 'ask',
      attempt: 1,
      signal: new AbortController().signal,
      secret: async (name, destination) => {
        asked.push(`${name} ${destination.href}`);
        const refused = secretNotAllowed(name, name === 'A_KEY' ? [`http://${new URL(fake.url).host}/a/v1/`] : ['api.anthropic.com'], destination);
        if (refused) throw refused;
        return secrets[name]!;
      },
      usage: new MemoryLlmUsage(),
    });
    fake.reply({ text: 'bound' });
    expect((await llm.complete({ messages: hello, providers: ['a'] })).text).toBe('bound');
    await expect(llm.complete({ messages: hello, providers: ['c'] })).rejects.toMatchObject({ type: 'SecretNotAllowed', retryable: false });
    expect(asked).toEqual([`A_KEY ${fake.url}/a/v1/chat/completions`, `C_KEY ${fake.url}/c/v1/messages`]);
    expect(fake.requests.map((r) => r.path)).toEqual(['/a/v1/chat/completions']);
    expect(gateway.breakerState('c')).toBe('closed');
  });

  it('fails without calling when the API key secret is missing', async () => {
    const { llm } = setup({ providers: [{ name: 'x', type: 'openai', baseUrl: `${fake.url}/x/v1`, model: 'm', apiKeySecret: 'NOPE' }] });
    await expect(llm.complete({ messages: hello })).rejects.toMatchObject({ type: 'SecretNotFound' });
    expect(fake.requests).toHaveLength(0);
  });
});
