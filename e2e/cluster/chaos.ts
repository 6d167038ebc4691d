import { EffectService } from './effects.js';
import { sleep } from './processes.js';
import { ApiClient, chaosWorkflow, EFFECTS, expectedOutput, NODES } from './workload.js';

/** Rows of a query on Weft's database. */
export type Query = (text: string, params?: readonly unknown[]) => Promise<Record<string, unknown>[]>;

/** One kill the harness makes, and how to come back from it. */
export interface Kill {
  /** What is killed: `worker`, `api`, `temporal`, `process group`. */
  readonly kind: string;
  /** When, in ms after the first run was started. */
  readonly atMs: number;
  /** Kills, restarts, and resolves once the restarted process is ready. */
  readonly run: () => Promise<void>;
}

/** The system under test, as the chaos run needs it. */
export interface System {
  readonly name: string;
  readonly client: ApiClient;
  readonly kills: readonly Kill[];
  /** Stops what must stop before the checks, and answers the queries and the audit check. */
  readonly settle: () => Promise<{ query: Query; verifyAudit: () => Promise<string>; done: () => Promise<void> }>;
  /** Exits of the system's processes nobody asked for. */
  readonly unexpectedExits: () => string[];
}

/** What one kill did. */
interface KillRecord {
  kind: string;
  at: number;
  /** Runs started and not finished when it struck. */
  runsUnfinished: number;
  /** From the kill until the restarted process was ready. */
  readyMs: number;
  /** For each run under way at the kill: from the kill until its next effect request. */
  stallsMs: number[];
}

export interface ChaosOptions {
  readonly runs: number;
  /** Between two run starts. */
  readonly startEveryMs: number;
  /** Delay of each effect. */
  readonly effectDelayMs: number;
  readonly timeoutMs: number;
}

/** How long runs are under way: the starts, then the last run's effects. Kills are spread over it. */
export function activeWindowMs(o: ChaosOptions): number {
  return o.runs * o.startEveryMs + EFFECTS * o.effectDelayMs;
}

/** A finding: what should hold, and did not. */
export class ChaosFailure extends Error {}

const FINAL = new Set(['completed', 'failed', 'cancelled', 'rolled_back', 'compensation_failed']);

/**
 * Runs `o.runs` runs of the 20-node chaos workflow through the system's API while the system's
 * kills strike, then checks what must hold and prints the figures. Throws a {@link ChaosFailure}
 * naming every check that failed.
 */
export async function chaos(system: System, effects: EffectService, o: ChaosOptions): Promise<Record<string, unknown>> {
  const { client } = system;
  const created = await client.call<{ id: string }>('POST', '/api/workflows', { body: chaosWorkflow(effects.url, o.effectDelayMs), key: `chaos-${system.name}-workflow` });
  if (created.status !== 201 && created.status !== 200) throw new Error(`could not create the workflow: ${created.status} ${JSON.stringify(created.body)}`);
  const workflowId = created.body.id;

  const t0 = Date.now();
  const runIds: (string | undefined)[] = Array.from({ length: o.runs });
  const finished = new Map<string, { status: string; output: unknown; error: unknown }>();
  const startMs: number[] = [];
  const startErrors: string[] = [];
  const starting = Array.from({ length: o.runs }, async (_, i) => {
    await sleep(Math.max(0, t0 + i * o.startEveryMs - Date.now()));
    const began = Date.now();
    try {
      const res = await client.call<{ runId: string }>('POST', `/api/workflows/${workflowId}/runs`, { body: { input: { n: i } }, key: `chaos-${system.name}-run-${i}` });
      if (res.status !== 202) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
      startMs.push(Date.now() - began);
      runIds[i] = res.body.runId;
    } catch (e) {
      startErrors.push(`start ${i}: ${(e as Error).message}`);
    }
  });
  let startsSettled = false;
  const startsDone = Promise.all(starting).then(() => void (startsSettled = true));
  // Runs started and not finished, and starts not yet answered.
  const unfinished = () => runIds.filter((id) => id && !finished.has(id)).length + (startsSettled ? 0 : runIds.filter((id) => !id).length);

  // The kills, each at its moment, while runs are under way.
  const kills: KillRecord[] = [];
  const killing = (async () => {
    for (const k of system.kills) {
      await sleep(Math.max(0, t0 + k.atMs - Date.now()));
      if (!unfinished()) break;
      const at = Date.now();
      const runsUnfinished = runIds.filter((id) => id && !finished.has(id)).length;
      await k.run();
      kills.push({ kind: k.kind, at, runsUnfinished, readyMs: Date.now() - at, stallsMs: [] });
    }
  })();

  // Every run's end, read through the API (any of its processes).
  const deadline = t0 + o.timeoutMs;
  while (!(startsSettled && unfinished() === 0)) {
    if (Date.now() > deadline) break;
    await sleep(1000);
    for (const id of runIds) {
      if (!id || finished.has(id)) continue;
      const res = await client.call<{ status: string; output: unknown; error: unknown }>('GET', `/api/runs/${id}`);
      if (res.status === 200 && FINAL.has(res.body.status)) finished.set(id, res.body);
    }
  }
  await startsDone;
  await killing;
  const elapsedMs = Date.now() - t0;

  // How long runs under way stood still after each kill: until their next effect request.
  const byRun = new Map<string, number[]>();
  for (const r of effects.requests) byRun.set(r.run, [...(byRun.get(r.run) ?? []), r.at]);
  for (const k of kills) {
    for (const times of byRun.values()) {
      const before = times.filter((t) => t < k.at);
      const after = times.find((t) => t >= k.at);
      // Under way: it had sent an effect, and had more to send.
      if (before.length && after !== undefined) k.stallsMs.push(after - k.at);
    }
  }

  const problems: string[] = [];
  const settled = await system.settle();
  try {
    // 1. Every run completed, with its own right output, and no run was started twice.
    problems.push(...startErrors);
    const wrong = runIds.map((id, n) => ({ id, n, run: id ? finished.get(id) : undefined })).filter(({ n, run }) => run?.status !== 'completed' || run.output !== expectedOutput(n));
    if (wrong.length) problems.push(`${wrong.length} runs did not complete with the right output: ${JSON.stringify(wrong.slice(0, 5))}`);
    const rows = await settled.query('select status, count(*)::int as n from run where workflow_id = $1 group by status', [workflowId]);
    const byStatus = Object.fromEntries(rows.map((r) => [String(r['status']), Number(r['n'])]));
    const total = Object.values(byStatus).reduce((a, b) => a + b, 0);
    if (total !== o.runs) problems.push(`the workflow has ${total} runs for ${o.runs} starts: ${JSON.stringify(byStatus)}`);
    if (byStatus['queued']) problems.push(`${byStatus['queued']} runs left queued`);

    // 2. No node succeeded twice, or ran again after its success was recorded.
    const attempts = await settled.query(
      `select nr.run_id, nr.node_id, nr.attempt, nr.status, nr.finished_at from node_run nr join run r on r.id = nr.run_id
       where r.workflow_id = $1 and nr.phase = 'execute' and nr.item = -1`,
      [workflowId],
    );
    const byNode = new Map<string, { attempt: number; status: string; finishedAt: Date | null }[]>();
    for (const a of attempts) {
      const key = `${String(a['run_id'])}/${String(a['node_id'])}`;
      byNode.set(key, [...(byNode.get(key) ?? []), { attempt: Number(a['attempt']), status: String(a['status']), finishedAt: a['finished_at'] ? new Date(a['finished_at'] as string) : null }]);
    }
    if (byNode.size !== o.runs * NODES) problems.push(`${byNode.size} nodes recorded for ${o.runs} runs × ${NODES}`);
    let twice = 0;
    let after = 0;
    let lost = 0;
    const succeededAt = new Map<string, number>();
    for (const [key, list] of byNode) {
      const ok = list.filter((a) => a.status === 'succeeded');
      if (ok.length !== 1) twice++;
      if (ok[0] && Math.max(...list.map((a) => a.attempt)) > ok[0].attempt) after++;
      if (ok[0]?.finishedAt) succeededAt.set(key, ok[0].finishedAt.getTime());
      lost += list.filter((a) => a.status === 'lost').length;
    }
    if (twice) problems.push(`${twice} nodes did not succeed exactly once`);
    if (after) problems.push(`${after} nodes had an attempt after their success`);

    // 3. Each effect's key stands for one run and node, and each run and node sent one key.
    const keyTo = new Map<string, Set<string>>();
    const nodeTo = new Map<string, Set<string>>();
    const perKey = new Map<string, number>();
    let late = 0;
    for (const r of effects.requests) {
      const node = `${r.run}/${r.node}`;
      keyTo.set(r.key, (keyTo.get(r.key) ?? new Set()).add(node));
      nodeTo.set(node, (nodeTo.get(node) ?? new Set()).add(r.key));
      perKey.set(r.key, (perKey.get(r.key) ?? 0) + 1);
      const done = succeededAt.get(node);
      if (done !== undefined && r.at > done) late++;
    }
    const ourRuns = new Set(runIds);
    const effectNodes = [...nodeTo.keys()].filter((n) => ourRuns.has(n.split('/')[0]));
    if (keyTo.has('')) problems.push('effect requests without an Idempotency-Key');
    const shared = [...keyTo.values()].filter((s) => s.size > 1).length;
    const multi = [...nodeTo.values()].filter((s) => s.size > 1).length;
    if (shared) problems.push(`${shared} keys were sent by more than one run and node`);
    if (multi) problems.push(`${multi} run nodes sent more than one key`);
    if (effectNodes.length !== o.runs * EFFECTS) problems.push(`${effectNodes.length} run nodes sent effects, for ${o.runs} runs × ${EFFECTS}`);
    if (late) problems.push(`${late} effect requests arrived after their node's success was recorded`);
    const perKeyCounts: Record<string, number> = {};
    for (const n of perKey.values()) perKeyCounts[n] = (perKeyCounts[n] ?? 0) + 1;

    // 4. The audit chain verifies.
    let audit = '';
    try {
      audit = await settled.verifyAudit();
    } catch (e) {
      problems.push(`the audit chain does not verify: ${(e as Error).message}`);
    }

    const unexpected = system.unexpectedExits();
    if (unexpected.length) problems.push(`processes exited on their own: ${unexpected.join('; ')}`);
    const killKinds = [...new Set(system.kills.map((k) => k.kind))];
    for (const kind of killKinds) if (!kills.some((k) => k.kind === kind)) problems.push(`no ${kind} was killed while runs were under way`);

    const stat = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      return s.length ? { median: s[Math.floor(s.length / 2)]!, max: s.at(-1)! } : { median: 0, max: 0 };
    };
    const report = {
      system: system.name,
      runs: o.runs,
      nodesPerRun: NODES,
      effectsPerRun: EFFECTS,
      elapsedS: Math.round(elapsedMs / 100) / 10,
      runsByStatus: byStatus,
      startMs: stat(startMs),
      client: { failovers: client.failovers, retried: client.retried, replayed: client.replayed },
      kills: kills.map((k) => ({ kind: k.kind, atS: Math.round((k.at - t0) / 100) / 10, runsUnfinished: k.runsUnfinished, readyMs: k.readyMs, stallMs: stat(k.stallsMs) })),
      killsPerKind: Object.fromEntries(killKinds.map((kind) => [kind, kills.filter((k) => k.kind === kind).length])),
      attempts: { recorded: attempts.length, lost, nodesSucceededOnce: byNode.size - twice },
      effects: { keys: perKey.size, requests: effects.requests.length, applied: effects.effects, requestsPerKey: perKeyCounts },
      audit,
      problems,
    };
    printReport(report);
    if (problems.length) throw new ChaosFailure(`${system.name}: ${problems.length} checks failed:\n- ${problems.join('\n- ')}`);
    return report;
  } finally {
    await settled.done();
  }
}

function printReport(r: Record<string, unknown> & { kills: { kind: string; atS: number; runsUnfinished: number; readyMs: number; stallMs: { median: number; max: number } }[] }): void {
  const lines = [
    `== ${String(r['system'])}: ${String(r['runs'])} runs × ${String(r['nodesPerRun'])} nodes (${String(r['effectsPerRun'])} HTTP effects each) in ${String(r['elapsedS'])} s`,
    `   runs by status: ${JSON.stringify(r['runsByStatus'])}; start answered in ${JSON.stringify(r['startMs'])} ms; client: ${JSON.stringify(r['client'])}`,
    ...r.kills.map((k) => `   kill ${k.kind} at ${k.atS} s (${k.runsUnfinished} runs under way): ready again after ${k.readyMs} ms; runs stood still median ${k.stallMs.median} ms, max ${k.stallMs.max} ms`),
    `   kills per kind: ${JSON.stringify(r['killsPerKind'])}`,
    `   node attempts: ${JSON.stringify(r['attempts'])}`,
    `   effects: ${JSON.stringify(r['effects'])}`,
    `   audit: ${String(r['audit'])}`,
    `   problems: ${(r['problems'] as string[]).length ? (r['problems'] as string[]).join('; ') : 'none'}`,
  ];
  console.log(lines.join('\n'));
}
