import type { NodeDefinition } from './define-node.js';
import type { NodeExecutor } from './context.js';
import trigger from './control/trigger/definition.js';
import * as triggerExec from './control/trigger/executor.js';
import output from './control/output/definition.js';
import * as outputExec from './control/output/executor.js';
import branch from './control/branch/definition.js';
import * as branchExec from './control/branch/executor.js';
import merge from './control/merge/definition.js';
import * as mergeExec from './control/merge/executor.js';
import transform from './analysis/transform/definition.js';
import * as transformExec from './analysis/transform/executor.js';
import http from './execution/http/definition.js';
import * as httpExec from './execution/http/executor.js';
import code from './execution/code/definition.js';
import * as codeExec from './execution/code/executor.js';

/**
 * The executors of the built-in node types. Node only: never import this from the editor.
 * Types the engine runs itself (approval, wait, loop, sub-workflow) have no executor.
 */
export const builtinExecutors: readonly NodeExecutor[] = [
  { definition: trigger, ...triggerExec },
  { definition: transform, ...transformExec },
  { definition: http, ...httpExec },
  { definition: code, ...codeExec },
  { definition: branch, ...branchExec },
  { definition: merge, ...mergeExec },
  { definition: output, ...outputExec },
] as NodeExecutor<NodeDefinition>[];

export { NodeError } from './context.js';
export { Routed, routed } from './define-node.js';
export { createGuardedFetch, type GuardedFetchOptions } from './net/guarded-fetch.js';
export { blockedReason } from './net/address-policy.js';
export type * from './context.js';
export type * from './services.js';
export type { KnowledgeStore } from './retrieval/knowledge.js';
