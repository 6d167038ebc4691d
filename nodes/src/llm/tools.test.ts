import { describe, expect, it } from 'vitest';
import type { ChatMessage, LlmRequest, ToolSpec } from '../services.js';
import { MemoryLlmUsage } from '../testing/fake-llm.js';
import { useFakeLlm } from '../testing/use-fake-llm.js';
import type { LlmProviderConfigInput } from './config.js';
import { createLlmGateway } from './gateway.js';

const fake = useFakeLlm();

/** `o` speaks chat completions, `a` Anthropic messages; both on the one fake server, told apart by path. */
const providers = (): LlmProviderConfigInput[] => [
  { name: 'o', type: 'openai', baseUrl: `${fake.url}/o/v1`, model: 'gpt-test' },
  { name: 'a', type: 'anthropic', baseUrl: `${fake.url}/a`, model: 'claude-test' },
];

function setup() {
  const usage = new MemoryLlmUsage();
  const llm = createLlmGateway({ providers: providers() }).forAttempt({ runId: 'run_1', nodeId: 'agent', attempt: 1, signal: new AbortController().signal, secret: async () => '', usage });
  return { llm, usage };
}

const weather: ToolSpec = {
  name: 'get_weather',
  description: 'The weather in a city today',
  parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['C', 'F'] } }, required: ['city'] },
};
const time: ToolSpec = { name: 'get_time', description: 'The local time in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };
const ask: ChatMessage[] = [
  { role: 'system', content: 'You are a travel assistant.' },
  { role: 'user', content: 'What is the weather and the time in Lisbon?' },
];
const request = (provider: string, o: Partial<LlmRequest> = {}): LlmRequest => ({ messages: ask, providers: [provider], tools: [weather, time], ...o });
const byProvider = (path: string) => path.split('/')[1];

/** Collects streamed text deltas. */
function deltas() {
  const got: string[] = [];
  return { got, onText: (d: string) => void got.push(d) };
}

describe('tool calling', () => {
  it('offers tools as chat-completions functions with the tool choice', async () => {
    const { llm } = setup();
    await llm.complete(request('o', { toolChoice: 'required' }));
    const req = fake.requests[0]!;
    expect(req.tools).toEqual(['get_weather', 'get_time']);
    expect(req.body.tools).toEqual([
      { type: 'function', function: { name: 'get_weather', description: 'The weather in a city today', parameters: weather.parameters } },
      { type: 'function', function: { name: 'get_time', description: 'The local time in a city', parameters: time.parameters } },
    ]);
    expect(req.body.tool_choice).toBe('required');
  });

  it('offers tools as Anthropic tools with input_schema, and maps the tool choice', async () => {
    const { llm } = setup();
    await llm.complete(request('a', { toolChoice: 'required' }));
    await llm.complete(request('a', { toolChoice: 'none' }));
    await llm.complete(request('a', { toolChoice: 'auto' }));
    const [required, none, auto] = fake.requests;
    expect(required!.tools).toEqual(['get_weather', 'get_time']);
    expect(required!.body.tools).toEqual([
      { name: 'get_weather', description: 'The weather in a city today', input_schema: weather.parameters },
      { name: 'get_time', description: 'The local time in a city', input_schema: time.parameters },
    ]);
    expect([required, none, auto].map((r) => r!.body.tool_choice)).toEqual([{ type: 'any' }, { type: 'none' }, { type: 'auto' }]);
  });

  it('sends neither tools nor a tool choice when no tools are offered', async () => {
    const { llm } = setup();
    await llm.complete({ messages: ask, providers: ['o'], tools: [], toolChoice: 'auto' });
    await llm.complete({ messages: ask, providers: ['a'], toolChoice: 'auto' });
    for (const req of fake.requests) {
      expect(req.body).not.toHaveProperty('tools');
      expect(req.body).not.toHaveProperty('tool_choice');
      expect(req.tools).toEqual([]);
    }
  });

  describe.each([
    { provider: 'o', format: 'openai', idPrefix: 'call' },
    { provider: 'a', format: 'anthropic', idPrefix: 'toolu' },
  ])('answers in the $format format', ({ provider, format, idPrefix }) => {
    it('parses one tool call, with a generated id, and finishes with tool_calls', async () => {
      fake.reply({ toolCalls: [{ name: 'get_weather', arguments: { city: 'Lisbon', unit: 'C' } }] });
      const { llm } = setup();
      const r = await llm.complete(request(provider));
      expect(fake.requests[0]!.format).toBe(format);
      expect(r).toMatchObject({ provider, text: '', finishReason: 'tool_calls' });
      expect(r.toolCalls).toEqual([{ id: `${idPrefix}_1`, name: 'get_weather', arguments: { city: 'Lisbon', unit: 'C' } }]);
    });

    it('parses parallel tool calls in order, with the text before them', async () => {
      fake.reply({
        text: 'Let me look both up.',
        toolCalls: [
          { id: 'w1', name: 'get_weather', arguments: { city: 'Lisbon' } },
          { id: 't1', name: 'get_time', arguments: { city: 'Lisbon' } },
        ],
      });
      const { llm } = setup();
      const r = await llm.complete(request(provider));
      expect(r.text).toBe('Let me look both up.');
      expect(r.finishReason).toBe('tool_calls');
      expect(r.toolCalls).toEqual([
        { id: 'w1', name: 'get_weather', arguments: { city: 'Lisbon' } },
        { id: 't1', name: 'get_time', arguments: { city: 'Lisbon' } },
      ]);
    });

    it('keeps arguments that are not a JSON object raw in invalidArguments', async () => {
      fake.reply({ toolCalls: [{ id: 'bad', name: 'get_weather', arguments: '{"city": "Lis' }, { id: 'list', name: 'get_time', arguments: '["Lisbon"]' }] });
      const { llm } = setup();
      const r = await llm.complete(request(provider));
      expect(r.toolCalls).toEqual([
        { id: 'bad', name: 'get_weather', arguments: {}, invalidArguments: '{"city": "Lis' },
        { id: 'list', name: 'get_time', arguments: {}, invalidArguments: '["Lisbon"]' },
      ]);
    });

    it('answers a plain question with no tool calls and finish reason stop, and reports length', async () => {
      fake.reply({ text: 'Sunny.' }, { text: 'Sunny and', finish: format === 'openai' ? 'length' : 'max_tokens' });
      const { llm } = setup();
      expect(await llm.complete(request(provider))).toMatchObject({ text: 'Sunny.', toolCalls: [], finishReason: 'stop' });
      expect(await llm.complete(request(provider))).toMatchObject({ text: 'Sunny and', toolCalls: [], finishReason: 'length' });
    });

    it('streams text in several deltas, and records the streamed call\'s tokens', async () => {
      const text = 'In Lisbon it is sunny and 24 degrees today.';
      fake.reply({ text, usage: { input: 31, output: 9 } });
      const { llm, usage } = setup();
      const { got, onText } = deltas();
      const r = await llm.complete(request(provider, { onText }));
      expect(fake.requests[0]!.stream).toBe(true);
      expect(got.length).toBeGreaterThan(3);
      expect(got.join('')).toBe(text);
      expect(r).toMatchObject({ text, toolCalls: [], finishReason: 'stop', inputTokens: 31, outputTokens: 9 });
      expect(usage.calls).toMatchObject([{ provider, inputTokens: 31, outputTokens: 9 }]);
      expect(usage.calls[0]!.error).toBeUndefined();
    });

    it('parses a streamed tool call, arguments in fragments, the same as an unstreamed one', async () => {
      const reply = {
        text: 'Checking.',
        toolCalls: [
          { id: 'w1', name: 'get_weather', arguments: { city: 'Lisbon', unit: 'C', note: 'a longer argument "with quotes" to split' } },
          { id: 't1', name: 'get_time', arguments: { city: 'Lisbon' } },
          { id: 'x1', name: 'get_time', arguments: '{"city": ' },
        ],
      };
      fake.reply(reply, reply);
      const { llm } = setup();
      const plain = await llm.complete(request(provider));
      const { got, onText } = deltas();
      const streamed = await llm.complete(request(provider, { onText }));
      expect(fake.requests.map((q) => q.stream)).toEqual([false, true]);
      expect(got.join('')).toBe('Checking.');
      expect(streamed.toolCalls).toEqual(plain.toolCalls);
      expect(streamed.toolCalls).toEqual([
        { id: 'w1', name: 'get_weather', arguments: reply.toolCalls[0]!.arguments },
        { id: 't1', name: 'get_time', arguments: { city: 'Lisbon' } },
        { id: 'x1', name: 'get_time', arguments: {}, invalidArguments: '{"city": ' },
      ]);
      expect([streamed.text, streamed.finishReason]).toEqual([plain.text, plain.finishReason]);
      expect(streamed.finishReason).toBe('tool_calls');
    });

    it('fails over when the stream stops arriving before the time limit', async () => {
      fake.script((req) => (byProvider(req.path) === provider ? { text: 'one two three four', chunkDelayMs: 400 } : { text: 'from the other one' }));
      const { llm, usage } = setup();
      const { onText } = deltas();
      const r = await llm.complete({ ...request(provider, { onText, timeoutMs: 300 }), providers: [provider, provider === 'o' ? 'a' : 'o'] });
      expect(r.text).toBe('from the other one');
      expect(usage.calls[0]).toMatchObject({ provider, error: 'the answer did not finish within 300 ms' });
    });
  });

  it('fails a stream over on an Anthropic error event and on a stream that ends early', async () => {
    const ev = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
    fake.reply(
      { raw: ev('message_start', { message: { model: 'claude-test', usage: { input_tokens: 3, output_tokens: 1 } } }) + ev('error', { error: { type: 'overloaded_error', message: 'Overloaded' } }) },
      { raw: 'data: {"choices":[{"index":0,"delta":{"content":"cut"},"finish_reason":null}]}\n\n' },
      { text: 'third time lucky' },
    );
    const usage = new MemoryLlmUsage();
    const llm = createLlmGateway({ providers: [...providers(), { name: 'o2', type: 'openai', baseUrl: `${fake.url}/o2/v1`, model: 'gpt-test' }] }).forAttempt({
      runId: 'run_1',
      nodeId: 'agent',
      attempt: 1,
      signal: new AbortController().signal,
      secret: async () => '',
      usage,
    });
    const { onText } = deltas();
    const r = await llm.complete({ messages: ask, providers: ['a', 'o', 'o2'], onText });
    expect(r).toMatchObject({ provider: 'o2', text: 'third time lucky' });
    expect(usage.calls.map((c) => [c.provider, c.error])).toEqual([
      ['a', 'the answer stream failed: Overloaded'],
      ['o', 'the answer stream ended before the answer did'],
      ['o2', undefined],
    ]);
  });

  it('does not fail a refused streamed request over', async () => {
    fake.reply({ status: 400 });
    const { llm } = setup();
    await expect(llm.complete({ ...request('a', { onText: () => undefined }), providers: ['a', 'o'] })).rejects.toMatchObject({ type: 'LlmRequestError', retryable: false, message: expect.stringContaining('HTTP 400: fake failure 400') });
    expect(fake.requests).toHaveLength(1);
  });
});

describe('a conversation with tool results', () => {
  /** The model asked for two tools (one with garbled arguments); one ran, one failed. */
  const transcript: ChatMessage[] = [
    ...ask,
    {
      role: 'assistant',
      content: '',
      toolCalls: [
        { id: 'call_w', name: 'get_weather', arguments: { city: 'Lisbon' } },
        { id: 'call_t', name: 'get_time', arguments: {}, invalidArguments: '{"city": Lisbon}' },
      ],
    },
    { role: 'tool', toolCallId: 'call_w', name: 'get_weather', content: '{"sky":"sunny","tempC":24}' },
    { role: 'tool', toolCallId: 'call_t', name: 'get_time', content: 'arguments are not valid JSON', isError: true },
  ];

  it('is sent to chat completions as tool_calls and tool messages, an error marked in its text', async () => {
    const { llm } = setup();
    await llm.complete(request('o', { messages: transcript }));
    const req = fake.requests[0]!;
    expect(req.body.messages).toEqual([
      { role: 'system', content: 'You are a travel assistant.' },
      { role: 'user', content: 'What is the weather and the time in Lisbon?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_w', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Lisbon"}' } },
          { id: 'call_t', type: 'function', function: { name: 'get_time', arguments: '{"city": Lisbon}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_w', content: '{"sky":"sunny","tempC":24}' },
      { role: 'tool', tool_call_id: 'call_t', content: 'Error: arguments are not valid JSON' },
    ]);
    expect(req.messages).toEqual(transcript);
    expect(req.prompt).toBe('What is the weather and the time in Lisbon?');
  });

  it('is sent to Anthropic as tool_use blocks and one user message holding every tool_result', async () => {
    const { llm } = setup();
    const withText: ChatMessage[] = transcript.map((m) => (m.role === 'assistant' ? { ...m, content: 'Looking it up.' } : m));
    await llm.complete(request('a', { messages: transcript }));
    await llm.complete(request('a', { messages: [...withText, { role: 'user', content: 'Thanks!' }] }));
    const [first, second] = fake.requests;
    expect(first!.body.system).toBe('You are a travel assistant.');
    expect(first!.body.messages).toEqual([
      { role: 'user', content: 'What is the weather and the time in Lisbon?' },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'call_w', name: 'get_weather', input: { city: 'Lisbon' } },
          { type: 'tool_use', id: 'call_t', name: 'get_time', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_w', content: '{"sky":"sunny","tempC":24}', is_error: false },
          { type: 'tool_result', tool_use_id: 'call_t', content: 'arguments are not valid JSON', is_error: true },
        ],
      },
    ]);
    expect(second!.body.messages[1].content[0]).toEqual({ type: 'text', text: 'Looking it up.' });
    expect(second!.body.messages.slice(3)).toEqual([{ role: 'user', content: 'Thanks!' }]);
    expect(second!.prompt).toBe('Thanks!');
    // Anthropic input is an object, so garbled arguments come back as {}: the rest survives the round trip.
    expect(first!.messages).toEqual(transcript.map((m) => (m.role === 'assistant' ? { ...m, toolCalls: m.toolCalls!.map(({ invalidArguments: _, ...c }) => c) } : m)));
  });

  it.each([
    { from: 'o', to: 'a' },
    { from: 'a', to: 'o' },
  ])('keeps the transcript when failing over from $from to $to mid-conversation', async ({ from, to }) => {
    // Turn 1 on `from`: the model asks for a tool (with an id only chat completions would allow).
    fake.reply({ toolCalls: [{ id: 'call:w.1', name: 'get_weather', arguments: { city: 'Lisbon' } }] });
    const { llm, usage } = setup();
    const first = await llm.complete(request(from));
    expect(first.toolCalls).toEqual([{ id: 'call:w.1', name: 'get_weather', arguments: { city: 'Lisbon' } }]);
    const messages: ChatMessage[] = [...ask, { role: 'assistant', content: first.text, toolCalls: first.toolCalls }, { role: 'tool', toolCallId: 'call:w.1', name: 'get_weather', content: 'sunny, 24 °C' }];

    // Turn 2: `from` is down, `to` gets the whole conversation in its own format.
    fake.script((req) => (byProvider(req.path) === from ? { status: 500 } : { text: 'Sunny and 24 °C in Lisbon.' }));
    const second = await llm.complete({ ...request(from, { messages }), providers: [from, to] });
    expect(second).toMatchObject({ provider: to, text: 'Sunny and 24 °C in Lisbon.', toolCalls: [], finishReason: 'stop' });
    expect(usage.calls.map((c) => [c.provider, c.error])).toEqual([
      [from, undefined],
      [from, 'HTTP 500: fake failure 500'],
      [to, undefined],
    ]);
    const received = fake.requests[2]!;
    expect(byProvider(received.path)).toBe(to);
    if (to === 'a') {
      expect(received.body.messages.slice(1)).toEqual([
        { role: 'assistant', content: [{ type: 'tool_use', id: 'call_w_1', name: 'get_weather', input: { city: 'Lisbon' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_w_1', content: 'sunny, 24 °C', is_error: false }] },
      ]);
    } else {
      expect(received.body.messages.slice(2)).toEqual([
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_w_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Lisbon"}' } }] },
        { role: 'tool', tool_call_id: 'call_w_1', content: 'sunny, 24 °C' },
      ]);
    }
    expect(received.tools).toEqual(['get_weather', 'get_time']);
  });
});
