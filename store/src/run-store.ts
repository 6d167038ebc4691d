import { createHash } from 'node:crypto';
import { createRunPlanner, NodeRegistry, type CompileOptions, type LlmCallRecord, type LlmUsageStore } from '@weft/nodes';
import type { AgentStep, AgentStepWrite, AgentTextData, AttemptDetail, AttemptPhase, AttemptStatus, ChildRun, RunError, RunStatus, TriggeredRun, TriggeredRunRequest } from '@weft/schemas';
import type { Db } from './database.js';
import { appendEvent, findRun, finishNodeAttempt, getBlob, insertRun, loopOutputs, putBlob, recordNodeAttempt, recordNodeAttempts, startNodeAttempt, updateRunStatus, type EndedAttempt } from './repositories/run.repository.js';
import { llmUsage, recordLlmCall } from './repositories/llm.repository.js';
import { listAgentSteps, putAgentStep } from './repositories/agent.repository.js';
import { findWorkflow } from './repositories/workflow.repository.js';
import { builtinRegistry } from '@weft/nodes/executors';
import { errorMessage } from '@weft/schemas';

/** Which attempt row: a node's execution or compensation, optionally one loop item. */
export interface AttemptKey {
  readonly runId: string;
  readonly nodeId: string;
  readonly attempt: number;
  /** Default `execute`. */
  readonly phase?: AttemptPhase;
  /** Loop item index; absent for the node itself. */
  readonly item?: number;
}

/** The start of one node attempt. */
export interface AttemptStart extends AttemptKey {
  readonly nodeType: string;
  readonly input: unknown;
  /** `waiting` for nodes that wait on a person. Default `running`. */
  readonly status?: 'running' | 'waiting';
}

/** The end of one node attempt. */
export interface AttemptEnd extends AttemptKey {
  readonly status: Exclude<AttemptStatus, 'running' | 'waiting' | 'lost'>;
  readonly output?: unknown;
  readonly error?: RunError;
  /** Whether Temporal will try again (a `retrying` event rather than `failed`). */
  readonly willRetry?: boolean;
  /** Ports fired and edges whose condition was false, for re-runs that reuse this result. */
  readonly routes?: { readonly ports?: readonly string[]; readonly falseEdges: readonly string[] };
  /** What the attempt sent and decided (request, prompt, route), secrets masked and cut to size. */
  readonly detail?: AttemptDetail;
}

/** A whole attempt of a light node, recorded at once after it ran. */
export interface AttemptRecord extends AttemptEnd {
  readonly nodeType: string;
  readonly input: unknown;
  /** When the attempt began (ms since the epoch). */
  readonly startedAt: number;
  /** When it ended (ms since the epoch); the time of the write when absent. */
  readonly finishedAt?: number;
}

/** A change of a run's status, with its output or error when it ends. */
export interface RunStatusChange {
  readonly runId: string;
  readonly status: RunStatus;
  readonly output?: unknown;
  readonly error?: RunError;
  /** Nodes the run skipped, recorded when it ends. */
  readonly skipped?: readonly string[];
}

/** An attempt that already succeeded, found when the same node starts again. */
export interface PriorSuccess {
  readonly attempt: number;
  readonly output: unknown;
  readonly routes: { readonly ports?: readonly string[]; readonly falseEdges: readonly string[] } | null;
}

/** What earlier attempts of a node left, as its next attempt starts. */
export interface AttemptHistory {
  /** An earlier attempt that succeeded, whose completion never reached Temporal. */
  readonly prior?: PriorSuccess;
  /** Earlier attempts that failed with an error (lost attempts not counted). */
  readonly failures: number;
}

/**
 * Where the worker's activities record what happened and keep what is too big for Temporal
 * history. {@link createRunStore} implements it over Weft's database; the worker knows only this
 * interface. Every method must be idempotent: Temporal may deliver an activity more than once.
 */
export interface RunStore extends LlmUsageStore {
  /**
   * Records the start of an attempt, unless an earlier attempt of the same node already
   * succeeded (its completion was lost on the way to Temporal): then it returns that result and
   * records nothing, and the node must not run again.
   */
  startAttempt(start: AttemptStart): Promise<AttemptHistory>;
  finishAttempt(end: AttemptEnd): Promise<void>;
  /**
   * Records the first attempt of a light node once it has ended: its row and both its events in
   * one write, instead of a start and an end. A repeated delivery records nothing.
   */
  recordAttempt(attempt: AttemptRecord): Promise<void>;
  /**
   * Records the attempts of a fused chain of pure nodes, each as {@link recordAttempt} would, in
   * one write and in the order given. A repeated delivery records nothing again.
   */
  recordAttempts(attempts: readonly AttemptRecord[]): Promise<void>;
  setRunStatus(change: RunStatusChange): Promise<void>;
  /** Keeps a large value; returns its id. */
  putBlob(runId: string, nodeId: string, value: unknown): Promise<string>;
  getBlob(id: string): Promise<unknown>;
  /** Records a child run of a stored workflow version and compiles its plan; `undefined` when there is no such version. */
  createChildRun(parent: { runId: string; nodeId: string; workflowId: string; version: number; input: unknown }): Promise<ChildRun | undefined>;
  /**
   * Compiles the latest version of a workflow and records a run of it started by a trigger.
   * Records nothing when the workflow is gone or does not compile; a repeated firing returns the
   * run it recorded the first time.
   */
  createTriggeredRun(request: TriggeredRunRequest): Promise<TriggeredRun>;
  /** Outputs of a loop's items, in item order (the latest successful attempt of each). */
  loopOutputs(runId: string, nodeId: string, count: number): Promise<unknown[]>;
  /**
   * Records a step of an agent's transcript (the same turn and part again replaces it; it ends
   * when its status is no longer `running` or `waiting`) and appends an `agent` run event.
   */
  putAgentStep(step: AgentStepWrite): Promise<void>;
  /** The steps of one conversation, in order (of one turn only, when `turn` is given). */
  agentSteps(runId: string, agent: string, turn?: number): Promise<AgentStep[]>;
  /** Appends text the model is writing in a turn as an `agent_text` run event (streamed to viewers). */
  agentText(text: { readonly runId: string; readonly agent: string; readonly nodeId: string; readonly turn: number; readonly delta: string }): Promise<void>;
}

/** The worker's {@link RunStore} over Weft's database. */
export function createRunStore(db: Db, registry: NodeRegistry = builtinRegistry(), compile: CompileOptions = {}): RunStore {
  const planner = createRunPlanner(registry, compile);
  return {
    startAttempt: (a: Parameters<typeof startNodeAttempt>[1]) => startNodeAttempt(db, a),
    finishAttempt: (a: Parameters<typeof finishNodeAttempt>[1]) => finishNodeAttempt(db, a),
    recordAttempt: (a: EndedAttempt) => recordNodeAttempt(db, a),
    recordAttempts: (a: readonly EndedAttempt[]) => recordNodeAttempts(db, a),
    setRunStatus: async (c: Parameters<typeof updateRunStatus>[1]): Promise<void> => {
      await updateRunStatus(db, c);
    },
    putBlob: (runId: string, nodeId: string, value: unknown) => putBlob(db, runId, nodeId, value),
    getBlob: (id: string) => getBlob(db, id),
    loopOutputs: (runId: string, nodeId: string, count: number) => loopOutputs(db, runId, nodeId, count),
    putAgentStep: (step: AgentStepWrite) => putAgentStep(db, step),
    agentSteps: (runId: string, agent: string, turn?: number) => listAgentSteps(db, runId, agent, turn),
    agentText: (t: { readonly runId: string; readonly agent: string; readonly nodeId: string; readonly turn: number; readonly delta: string }) => appendEvent(db, { runId: t.runId, type: 'agent_text', nodeId: t.nodeId, data: { agent: t.agent, turn: t.turn, delta: t.delta } satisfies AgentTextData }),
    recordLlmCall: (c: LlmCallRecord) => recordLlmCall(db, c),
    llmUsage: (runId: string) => llmUsage(db, runId),
    async createChildRun(p: { runId: string; nodeId: string; workflowId: string; version: number; input: unknown }) {
      const wf = await findWorkflow(db, p.workflowId, p.version);
      if (!wf) return undefined;
      const { runId, plan } = planner.newRun(wf);
      await insertRun(db, {
        id: runId,
        workflowId: wf.id,
        version: wf.version,
        hash: wf.hash,
        input: p.input,
        trigger: 'subworkflow',
        createdBy: null,
        parentRunId: p.runId,
        parentNodeId: p.nodeId,
      });
      return { runId, plan };
    },
    async createTriggeredRun(t: TriggeredRunRequest): Promise<TriggeredRun> {
      const runId = `run_${t.firedAt.toString(36)}${createHash('sha256').update(t.firing).digest('hex').slice(0, 12)}`;
      const recorded = await findRun(db, runId);
      const wf = await findWorkflow(db, t.workflowId, recorded?.version);
      if (!wf) return { ok: false, type: 'WorkflowNotFound', message: `workflow ${t.workflowId} does not exist (was it deleted?); no run was started` };
      let plan;
      try {
        plan = planner.plan(wf);
      } catch (e) {
        return { ok: false, type: 'InvalidWorkflow', message: `version ${wf.version} of workflow ${wf.id} cannot run: ${errorMessage(e)}; no run was started` };
      }
      // A repeated delivery of the same firing starts the run it recorded the first time.
      if (!recorded) {
        await insertRun(db, { id: runId, workflowId: wf.id, version: wf.version, hash: wf.hash, input: t.input, trigger: t.trigger, triggerRef: t.ref, createdBy: null });
      }
      const runTimeout = wf.document.settings.runTimeout;
      return { ok: true, run: { runId, plan, input: recorded ? recorded.input : t.input }, ...(runTimeout ? { runTimeout } : {}) };
    },
  };
}
