import { createHash } from 'node:crypto';
import { compilePlan, NodeRegistry, type CompileOptions } from '@weft/nodes';
import type { AgentTextData } from '@weft/schemas';
import type { RunStore } from '@weft/workers';
import type { Db } from './db/database.js';
import { appendEvent, findRun, finishNodeAttempt, getBlob, insertRun, loopOutputs, putBlob, recordNodeAttempt, startNodeAttempt, updateRunStatus } from './db/repositories/run.repository.js';
import { llmUsage, recordLlmCall } from './db/repositories/llm.repository.js';
import { listAgentSteps, putAgentStep } from './db/repositories/agent.repository.js';
import { findWorkflow } from './db/repositories/workflow.repository.js';
import { newRunId } from './runs.js';

/** The worker's `RunStore`, over Weft's database. */
export function createRunStore(db: Db, registry: NodeRegistry = new NodeRegistry(), compile: CompileOptions = {}): RunStore {
  return {
    startAttempt: (a) => startNodeAttempt(db, a),
    finishAttempt: (a) => finishNodeAttempt(db, a),
    recordAttempt: (a) => recordNodeAttempt(db, a),
    setRunStatus: async (c) => {
      await updateRunStatus(db, c);
    },
    putBlob: (runId, nodeId, value) => putBlob(db, runId, nodeId, value),
    getBlob: (id) => getBlob(db, id),
    loopOutputs: (runId, nodeId, count) => loopOutputs(db, runId, nodeId, count),
    putAgentStep: (step) => putAgentStep(db, step),
    agentSteps: (runId, agent, turn) => listAgentSteps(db, runId, agent, turn),
    agentText: (t) => appendEvent(db, { runId: t.runId, type: 'agent_text', nodeId: t.nodeId, data: { agent: t.agent, turn: t.turn, delta: t.delta } satisfies AgentTextData }),
    recordLlmCall: (c) => recordLlmCall(db, c),
    llmUsage: (runId) => llmUsage(db, runId),
    async createChildRun(p) {
      const wf = await findWorkflow(db, p.workflowId, p.version);
      if (!wf) return undefined;
      const runId = newRunId();
      const plan = compilePlan(wf.document, { workflowId: wf.id, version: wf.version, hash: wf.hash }, registry, compile);
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
    async createTriggeredRun(t) {
      const runId = `run_${t.firedAt.toString(36)}${createHash('sha256').update(t.firing).digest('hex').slice(0, 12)}`;
      const recorded = await findRun(db, runId);
      const wf = await findWorkflow(db, t.workflowId, recorded?.version);
      if (!wf) return { ok: false, type: 'WorkflowNotFound', message: `workflow ${t.workflowId} does not exist (was it deleted?); no run was started` };
      let plan;
      try {
        plan = compilePlan(wf.document, { workflowId: wf.id, version: wf.version, hash: wf.hash }, registry, compile);
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
