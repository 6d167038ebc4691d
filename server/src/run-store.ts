import { compilePlan, NodeRegistry } from '@weft/nodes';
import type { RunStore } from '@weft/workers';
import type { Db } from './db/database.js';
import { finishNodeAttempt, getBlob, insertRun, loopOutputs, putBlob, startNodeAttempt, updateRunStatus } from './db/repositories/run.repository.js';
import { llmUsage, recordLlmCall } from './db/repositories/llm.repository.js';
import { findWorkflow } from './db/repositories/workflow.repository.js';
import { newRunId } from './runs.js';

/** The worker's `RunStore`, over Weft's database. */
export function createRunStore(db: Db, registry: NodeRegistry = new NodeRegistry()): RunStore {
  return {
    startAttempt: (a) => startNodeAttempt(db, a),
    finishAttempt: (a) => finishNodeAttempt(db, a),
    setRunStatus: (c) => updateRunStatus(db, c),
    putBlob: (runId, nodeId, value) => putBlob(db, runId, nodeId, value),
    getBlob: (id) => getBlob(db, id),
    loopOutputs: (runId, nodeId, count) => loopOutputs(db, runId, nodeId, count),
    recordLlmCall: (c) => recordLlmCall(db, c),
    llmUsage: (runId) => llmUsage(db, runId),
    async createChildRun(p) {
      const wf = await findWorkflow(db, p.workflowId, p.version);
      if (!wf) return undefined;
      const runId = newRunId();
      const plan = compilePlan(wf.document, { workflowId: wf.id, version: wf.version, hash: wf.hash }, registry);
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
  };
}
