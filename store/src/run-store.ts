import { createHash } from 'node:crypto';
import { createRunPlanner, NodeRegistry, type CompileOptions, type LlmCallRecord } from '@weft/nodes';
import type { AgentStepWrite, AgentTextData, TriggeredRun, TriggeredRunRequest } from '@weft/schemas';
import type { Db } from './database.js';
import { appendEvent, findRun, finishNodeAttempt, getBlob, insertRun, loopOutputs, putBlob, recordNodeAttempt, recordNodeAttempts, startNodeAttempt, updateRunStatus, type EndedAttempt } from './repositories/run.repository.js';
import { llmUsage, recordLlmCall } from './repositories/llm.repository.js';
import { listAgentSteps, putAgentStep } from './repositories/agent.repository.js';
import { findWorkflow } from './repositories/workflow.repository.js';

/**
 * The worker's `RunStore`, over Weft's database. Typed from the repositories rather than from
 * `@weft/workers`, which the store does not depend on: the server checks it against `RunStore`
 * where it hands it to the activities.
 */
export function createRunStore(db: Db, registry: NodeRegistry = new NodeRegistry(), compile: CompileOptions = {}) {
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
        return { ok: false, type: 'InvalidWorkflow', message: `version ${wf.version} of workflow ${wf.id} cannot run: ${(e as Error).message}; no run was started` };
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
