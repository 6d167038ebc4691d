// What the engine adds to each turn of an agent: a 10-turn agent (9 turns each calling one tool,
// then the answer) against a model server that answers at once, run through Weft (every turn and
// call an activity, recorded in the database with its transcript), through a hand-written durable
// agent on Temporal (bench/raw: the same activities, nothing recorded outside Temporal), and as a
// plain in-memory loop (the same HTTP calls, no engine: what a loop that a crash loses costs).
import { FakeLlm, type FakeLlmRequest } from '@weft/nodes/testing/fake-llm';
import type { WorkflowInput } from '@weft/schemas';
import { chatTurn } from './raw/activities.js';
import { startHarness } from './lib/engine-harness.js';
import { median, round, type Benchmark } from './lib/suite.js';

const RUNS = Number(process.env['BENCH_AGENT_RUNS'] ?? 7);
const TURNS = 10;

/** The model: calls `double` until it has nine results, then answers with the last one. */
function script(req: FakeLlmRequest) {
  const results = req.messages.filter((m) => m.role === 'tool');
  if (results.length < TURNS - 1) return { toolCalls: [{ id: `c${results.length}`, name: 'double', arguments: { n: results.length + 1 } }], usage: { input: 10, output: 5 } };
  return { text: `done: ${results.at(-1)?.content ?? ''}`, usage: { input: 10, output: 5 } };
}

function agentDoc(): WorkflowInput {
  return {
    schemaVersion: 1,
    name: 'bench agent',
    nodes: [
      { id: 'start', type: 'control.trigger' },
      { id: 'agent', type: 'strategy.agent', params: { task: 'count', maxTurns: TURNS + 2 } },
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
async function plainAgent(url: string): Promise<string> {
  const messages: unknown[] = [{ role: 'user', content: 'count' }];
  for (let turn = 0; turn < TURNS + 2; turn++) {
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
      const wf = await h.store(agentDoc());
      const cases: Record<string, () => Promise<number>> = {
        plain: async () => {
          const t = performance.now();
          await plainAgent(url);
          return performance.now() - t;
        },
        raw: () => h.raw('rawAgent', [url, 'count', TURNS + 2]),
        weft: () => h.weft(wf),
      };
      log(`a ${TURNS}-turn agent (${TURNS - 1} tool calls), ${RUNS} runs each, alternating`);
      const times: Record<string, number[]> = { plain: [], raw: [], weft: [] };
      for (const run of Object.values(cases)) await run();
      for (let i = 0; i < RUNS; i++) for (const [k, run] of Object.entries(cases)) times[k]!.push(await run());
      const [plain, raw, weft] = [median(times['plain']!), median(times['raw']!), median(times['weft']!)];
      return {
        figures: [
          { name: `${TURNS}-turn agent · in-memory loop, no engine`, value: round(plain), unit: 'ms', note: 'the model calls and tools alone; a crash loses it' },
          { name: `${TURNS}-turn agent · hand-written Temporal agent`, value: round(raw), unit: 'ms', note: 'one activity per turn and per call, nothing recorded outside Temporal' },
          { name: `${TURNS}-turn agent · Weft`, value: round(weft), unit: 'ms', note: 'run, node, every turn and call recorded; transcript in the database' },
          { name: 'Weft added time per turn', value: round((weft - plain) / TURNS), unit: 'ms', note: '(Weft − in-memory loop) ÷ turns' },
          { name: 'hand-written Temporal added time per turn', value: round((raw - plain) / TURNS), unit: 'ms', note: '(raw − in-memory loop) ÷ turns' },
          { name: 'Weft ÷ hand-written Temporal agent', value: round(weft / raw), unit: '×' },
        ],
        details: { runs: RUNS, turns: TURNS, times },
      };
    } finally {
      await h.stop();
      await fake.close();
    }
  },
};

export default bench;
