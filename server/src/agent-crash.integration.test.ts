import { expect, inject, it } from 'vitest';
import type { WorkflowInput } from '@weft/schemas';
import { FakeLlm, type FakeLlmReply, type FakeLlmRequest } from '@weft/nodes/testing/fake-llm';
import { describeOnPostgres } from './testing/postgres-only.js';
import { Receiver } from './testing/receiver.js';
import { startStack } from './testing/stack.js';
import { spawnWorker, workerEnv, type WorkerProcess } from './testing/worker-process.js';

const RUNS = 20;
const KILLS = 6;
/** Tool calls the model asks for, turn by turn (turn 2 asks for two at once); turn 6 answers. */
const PLAN: readonly (readonly number[])[] = [[1], [2, 3], [4], [5], [6]];
const CALLS = PLAN.flat().length;
const TURNS = PLAN.length + 1;

/** One agent with one HTTP tool whose every call is a side effect at the receiver. */
function agentDoc(url: string): WorkflowInput {
  return {
    schemaVersion: 1,
    name: 'agent crash test',
    nodes: [
      { id: 'start', type: 'control.trigger' },
      {
        id: 'agent',
        type: 'strategy.agent',
        params: { instructions: 'Record every step.', task: 'run {{ $run.id }}', maxTurns: 10 },
        policy: { heartbeatTimeout: '2s', initialInterval: '200ms', maxInterval: '1s', maxAttempts: 50 },
      },
      {
        id: 'effect',
        type: 'execution.http',
        params: { method: 'POST', url: `${url}/effect?delay={{ 300 + $tool.step * 100 }}`, body: '{{ { "step": $tool.step } }}' },
        policy: { heartbeatTimeout: '2s', initialInterval: '200ms', maxInterval: '1s', maxAttempts: 50 },
        tool: { description: 'Applies one step', arguments: [{ name: 'step', type: 'integer', description: 'Which step' }] },
      },
      { id: 'out', type: 'control.output', params: { value: '{{ $input.answer }}' } },
    ],
    edges: [
      { id: 'e1', source: 'start', target: 'agent' },
      { id: 't1', source: 'effect', target: 'agent', targetPort: 'tools' },
      { id: 'e2', source: 'agent', target: 'out' },
    ],
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Needs DATABASE_URL, like the engine's crash test (skipped without it, failed without it on CI):
// a worker process and the test share the database, which PGlite cannot serve.
describeOnPostgres(`an agent loop survives worker kills (${RUNS} runs, needs the PostgreSQL server: DATABASE_URL)`, () => {
  it(`every agent run ends with its scripted answer after ${KILLS} worker kills; no completed turn is asked again, no tool call applied twice`, async () => {
    const fake = await new FakeLlm().start();
    /** Every request the model server received: which run, which turn, when. */
    const asked: { run: string; turn: number; at: number }[] = [];
    fake.script((req: FakeLlmRequest): FakeLlmReply => {
      const run = /run (run_\w+)/.exec(req.prompt || JSON.stringify(req.messages))?.[1] ?? '?';
      const turn = req.messages.filter((m) => m.role === 'assistant').length + 1;
      asked.push({ run, turn, at: Date.now() });
      const delayMs = 200 + Math.floor(Math.random() * 400);
      const calls = PLAN[turn - 1];
      if (!calls) return { text: `done ${run}`, delayMs, usage: { input: 50, output: 5 } };
      return { text: `turn ${turn}`, toolCalls: calls.map((step) => ({ id: `s${step}`, name: 'effect', arguments: { step } })), delayMs, usage: { input: 50, output: 5 } };
    });
    const stack = await startStack({ backend: 'postgres', temporalAddress: inject('temporalAddress'), worker: false, shareable: true });
    const receiver = await new Receiver().start();
    const workers: WorkerProcess[] = [];
    const env = workerEnv(stack, inject('temporalAddress'), {
      WEFT_LLM_PROVIDERS: JSON.stringify([{ name: 'main', type: 'openai', baseUrl: `${fake.url}/v1`, model: 'gpt-test' }]),
    });
    try {
      workers.push(await spawnWorker(env));
      const wf = await stack.createWorkflow(agentDoc(receiver.url));
      const runIds = await Promise.all(Array.from({ length: RUNS }, () => stack.startRun(wf, {})));

      // Kill only once the agents are under way, then at random moments while they work.
      for (let i = 0; i < 600 && receiver.keys.size < RUNS; i++) await sleep(100);
      const killedAt: { turns: number; effects: number }[] = [];
      for (let k = 0; k < KILLS; k++) {
        const seen = asked.length;
        for (let i = 0; i < 50 && asked.length < seen + 5; i++) await sleep(100);
        await sleep(100 + Math.floor(Math.random() * 900));
        killedAt.push({ turns: asked.length, effects: receiver.keys.size });
        await workers.at(-1)!.kill('SIGKILL');
        workers.push(await spawnWorker(env));
      }

      const runs = await Promise.all(runIds.map((id) => stack.waitForRun(id, 300_000)));
      const notDone = runs.filter((r) => r.status !== 'completed').map((r) => ({ id: r.id, status: r.status, error: r.error }));
      expect(notDone).toEqual([]);
      for (const r of runs) expect(r.output).toBe(`done ${r.id}`);
      // The kills landed mid-loop: the first once every agent had called a tool, the last before the agents were done.
      expect(killedAt[0]!.effects).toBeGreaterThanOrEqual(RUNS);
      expect(killedAt.at(-1)!.effects).toBeLessThan(RUNS * CALLS);

      // Every call reached the receiver under one key, `<runId>:agent:<turn>:<callId>`, applied once.
      const expectedKeys = runIds.flatMap((id) => PLAN.flatMap((calls, t) => calls.map((step) => `${id}:agent:${t + 1}:s${step}`)));
      expect([...receiver.keys.keys()].sort()).toEqual(expectedKeys.sort());
      const effects = [...receiver.keys.values()].map((k) => k.effects);
      expect(new Set(effects)).toEqual(new Set([1]));

      // No request for a turn after that turn was recorded: repeats are only of turns in flight at a kill.
      const turns = await stack.db.db.selectFrom('agent_step').select(['run_id', 'turn', 'status', 'ended_at']).where('run_id', 'in', runIds).where('kind', '=', 'turn').execute();
      expect(turns).toHaveLength(RUNS * TURNS);
      const endedAt = new Map(turns.map((t) => [`${t.run_id}:${t.turn}`, t.ended_at!.getTime()]));
      const perTurn = new Map<string, number[]>();
      for (const a of asked.filter((x) => runIds.includes(x.run))) perTurn.set(`${a.run}:${a.turn}`, [...(perTurn.get(`${a.run}:${a.turn}`) ?? []), a.at]);
      expect(perTurn.size).toBe(RUNS * TURNS);
      const late = [...perTurn].filter(([key, times]) => times.some((t) => t > endedAt.get(key)!));
      expect(late).toEqual([]);
      const repeated = [...perTurn.values()].filter((t) => t.length > 1).length;
      const requests = [...perTurn.values()].reduce((n, t) => n + t.length, 0);
      const httpRequests = [...receiver.keys.values()].reduce((n, k) => n + k.requests, 0);
      console.log(
        `agent crash test: ${RUNS} runs × ${TURNS} turns × ${CALLS} tool calls, ${KILLS} worker kills (at LLM requests ${killedAt.map((k) => k.turns).join(', ')}; effects ${killedAt.map((k) => k.effects).join(', ')} of ${RUNS * CALLS}); ` +
          `LLM: ${requests} requests for ${perTurn.size} completed turns (${(requests / perTurn.size).toFixed(3)} per turn, ${repeated} turns asked again, all of them in flight at a kill, 0 after completion); ` +
          `tools: ${httpRequests} requests for ${receiver.keys.size} keys, effects per key: max ${Math.max(...effects)}`,
      );
    } finally {
      for (const w of workers) await w.kill();
      await receiver.close();
      await stack.stop();
      await fake.close();
    }
  }, 600_000);
});
