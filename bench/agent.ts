// What the engine adds to each turn of an agent: agents of 2 and 10 turns (each turn but the last
// calls one tool) against a model server that answers at once, run through Weft (every turn and
// call an activity, recorded in the database with its transcript), through a hand-written durable
// agent on Temporal (bench/raw: the same activities, nothing recorded outside Temporal), and as a
// plain in-memory loop (the same HTTP calls, no engine: what a loop that a crash loses costs).
// The cost of one more turn is the difference between the two lengths, divided by 8: the run's
// fixed cost (start, trigger, output, child workflow) drops out.
import { FakeLlm, type FakeLlmRequest } from '@weft/nodes/testing/fake-llm';
import type { WorkflowInput } from '@weft/schemas';
import { chatTurn } from './raw/activities.js';
import { startHarness } from './lib/engine-harness.js';
import { median, round, type Benchmark } from './lib/suite.js';

const RUNS = Number(process.env['BENCH_AGENT_RUNS'] ?? 7);
const TURNS = 10;
const SHORT = 2;

/** The model: the task says how many turns (`count <n>`); it calls `double` until the last turn, then answers. */
function script(req: FakeLlmRequest) {
  const task = req.messages.find((m) => m.role === 'user')?.content ?? '';
  const turns = Number(/count (\d+)/.exec(task)?.[1] ?? TURNS);
  const results = req.messages.filter((m) => m.role === 'tool');
  if (results.length < turns - 1) return { toolCalls: [{ id: `c${results.length}`, name: 'double', arguments: { n: results.length + 1 } }], usage: { input: 10, output: 5 } };
  return { text: `done: ${results.at(-1)?.content ?? ''}`, usage: { input: 10, output: 5 } };
}

function agentDoc(turns: number): WorkflowInput {
  return {
    schemaVersion: 1,
    name: `bench agent ${turns}`,
    nodes: [
      { id: 'start', type: 'control.trigger' },
      { id: 'agent', type: 'strategy.agent', params: { task: `count ${turns}`, maxTurns: turns + 2 } },
      { id: 'double', type: 'analysis.transform', params: { expression: '$tool.n * 2' }, tool: { description: 'Doubles a number', arguments: [{ name: 'n', type: 'integer' }] } },
      { id: 'out', type: 'control.output', params: { value: '{{ $input.answer }}' } },
    ],
    edges: [
      { id: 'e1', source: 'start', target: 'agent' },
      { id: 't1', source: 'double', target: 'agent', targetPort: 'tools' },
      { id: 'e2', source: 'agent', target: 'out' },
    ],
  };
}

/** The loop without an engine: the same requests, the tool called in place. */
async function plainAgent(url: string, turns: number): Promise<string> {
  const messages: unknown[] = [{ role: 'user', content: `count ${turns}` }];
  for (let turn = 0; turn < turns + 2; turn++) {
    const answer = await chatTurn(url, messages);
    if (answer.toolCalls.length === 0) return answer.content;
    messages.push({ role: 'assistant', content: answer.content, tool_calls: answer.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })) });
    for (const c of answer.toolCalls) messages.push({ role: 'tool', tool_call_id: c.id, content: JSON.stringify((JSON.parse(c.arguments) as { n: number }).n * 2) });
  }
  return 'max turns';
}

const bench: Benchmark = {
  name: 'agent',
  title: 'Agent turn overhead',
  async run(log) {
    const fake = await new FakeLlm().start();
    fake.script(script);
    const url = `${fake.url}/v1`;
    const h = await startHarness({ env: { WEFT_LLM_PROVIDERS: JSON.stringify([{ name: 'main', type: 'openai', baseUrl: url, model: 'bench' }]) } });
    try {
      const long = await h.store(agentDoc(TURNS));
      const short = await h.store(agentDoc(SHORT));
      const plain = (turns: number) => async () => {
        const t = performance.now();
        await plainAgent(url, turns);
        return performance.now() - t;
      };
      const cases: Record<string, () => Promise<number>> = {
        plain: plain(TURNS),
        plainShort: plain(SHORT),
        raw: () => h.raw('rawAgent', [url, `count ${TURNS}`, TURNS + 2]),
        rawShort: () => h.raw('rawAgent', [url, `count ${SHORT}`, SHORT + 2]),
        weft: () => h.weft(long),
        weftShort: () => h.weft(short),
      };
      log(`agents of ${TURNS} and ${SHORT} turns (one tool call per turn but the last), ${RUNS} runs each, alternating`);
      const times: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
      for (const run of Object.values(cases)) await run();
      for (let i = 0; i < RUNS; i++) for (const [k, run] of Object.entries(cases)) times[k]!.push(await run());
      const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)])) as Record<keyof typeof cases, number>;
      const perTurn = (long: number, short: number) => (long - short) / (TURNS - SHORT);
      const plainTurn = perTurn(m['plain']!, m['plainShort']!);
      return {
        figures: [
          { name: `${TURNS}-turn agent · in-memory loop, no engine`, value: round(m['plain']!), unit: 'ms', note: 'the model calls and tools alone; a crash loses it' },
          { name: `${TURNS}-turn agent · hand-written Temporal agent`, value: round(m['raw']!), unit: 'ms', note: 'one activity per turn and per call, nothing recorded outside Temporal' },
          { name: `${TURNS}-turn agent · Weft`, value: round(m['weft']!), unit: 'ms', note: 'run, node, every turn and call recorded; transcript in the database' },
          { name: `${TURNS}-turn agent · Weft ÷ hand-written Temporal agent`, value: round(m['weft']! / m['raw']!), unit: '×' },
          { name: 'one more turn · in-memory loop', value: round(plainTurn), unit: 'ms', note: `(${TURNS}-turn − ${SHORT}-turn) ÷ ${TURNS - SHORT}` },
          { name: 'one more turn · hand-written Temporal agent', value: round(perTurn(m['raw']!, m['rawShort']!)), unit: 'ms' },
          { name: 'one more turn · Weft', value: round(perTurn(m['weft']!, m['weftShort']!)), unit: 'ms' },
          { name: 'Weft added time per turn', value: round(perTurn(m['weft']!, m['weftShort']!) - plainTurn), unit: 'ms', note: 'one more Weft turn − one more in-memory turn' },
          { name: 'hand-written Temporal added time per turn', value: round(perTurn(m['raw']!, m['rawShort']!) - plainTurn), unit: 'ms' },
          { name: `run fixed cost · Weft (${SHORT}-turn agent − its turns)`, value: round(m['weftShort']! - SHORT * perTurn(m['weft']!, m['weftShort']!)), unit: 'ms', note: 'start, trigger, output, the agent\'s child workflow' },
        ],
        details: { runs: RUNS, turns: [TURNS, SHORT], times },
      };
    } finally {
      await h.stop();
      await fake.close();
    }
  },
};

export default bench;
