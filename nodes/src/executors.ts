import { nodeExecutor, type NodeExecutor } from './context.js';
import type { NodeDefinition } from './define-node.js';
import { NodeRegistry } from './registry.js';
import trigger from './control/trigger/definition.js';
import * as triggerExec from './control/trigger/executor.js';
import output from './control/output/definition.js';
import * as outputExec from './control/output/executor.js';
import branch from './control/branch/definition.js';
import * as branchExec from './control/branch/executor.js';
import merge from './control/merge/definition.js';
import * as mergeExec from './control/merge/executor.js';
import wait from './control/wait/definition.js';
import loop from './control/loop/definition.js';
import subworkflow from './control/subworkflow/definition.js';
import approval from './security/approval/definition.js';
import policy from './security/policy/definition.js';
import * as policyExec from './security/policy/executor.js';
import transform from './analysis/transform/definition.js';
import * as transformExec from './analysis/transform/executor.js';
import http from './execution/http/definition.js';
import * as httpExec from './execution/http/executor.js';
import code from './execution/code/definition.js';
import * as codeExec from './execution/code/executor.js';
import mcp from './execution/mcp/definition.js';
import * as mcpExec from './execution/mcp/executor.js';
import llm from './analysis/llm/definition.js';
import * as llmExec from './analysis/llm/executor.js';
import plan from './strategy/plan/definition.js';
import * as planExec from './strategy/plan/executor.js';
import route from './strategy/route/definition.js';
import * as routeExec from './strategy/route/executor.js';
import agent from './strategy/agent/definition.js';
import ingest from './retrieval/ingest/definition.js';
import * as ingestExec from './retrieval/ingest/executor.js';
import search from './retrieval/search/definition.js';
import * as searchExec from './retrieval/search/executor.js';

/**
 * Every node type Weft ships, in the palette's order: its definition and, for the types the
 * engine runs as activities, its executor. A new built-in type is one line here. The types the
 * engine runs itself (wait, approval, loop, sub-workflow, agent) have a definition alone. Node
 * only: never import this from the editor, which reads the types from the API's catalog.
 */
export const builtinNodes: readonly NodeExecutor[] = [
  nodeExecutor(trigger, triggerExec),
  nodeExecutor(transform, transformExec),
  nodeExecutor(http, httpExec),
  nodeExecutor(code, codeExec),
  nodeExecutor(branch, branchExec),
  nodeExecutor(merge, mergeExec),
  { definition: wait },
  { definition: approval },
  nodeExecutor(policy, policyExec),
  { definition: loop },
  { definition: subworkflow },
  nodeExecutor(output, outputExec),
  nodeExecutor(llm, llmExec),
  nodeExecutor(plan, planExec),
  nodeExecutor(route, routeExec),
  { definition: agent },
  nodeExecutor(ingest, ingestExec),
  nodeExecutor(search, searchExec),
  nodeExecutor(mcp, mcpExec),
];

/** The built-in types' definitions. */
export const builtinDefinitions: readonly NodeDefinition[] = builtinNodes.map((n) => n.definition);

/** The built-in types the engine calls an executor for. */
export const builtinExecutors: readonly NodeExecutor[] = builtinNodes.filter((n) => n.execute);

/** A registry of the built-in types (a server or worker adds its plugins' types to its own). */
export function builtinRegistry(): NodeRegistry {
  return new NodeRegistry(builtinDefinitions);
}

export { NodeError, nodeExecutor } from './context.js';
export { Routed, routed } from './define-node.js';
export { createGuardedFetch, type GuardedFetchOptions } from './net/guarded-fetch.js';
export { blockedReason } from './net/address-policy.js';
export { SandboxPool, sharedSandbox, type CodeEngine, type SandboxPoolOptions } from './sandbox/pool.js';
export type { CodeJob } from './sandbox/protocol.js';
export { fetchWithSecret, secretNotAllowed, type SecretFetchOptions } from './secrets/binding.js';
export * from './secrets/hosts.js';
export { secretForms, secretMasker, MIN_FORM_LENGTH, type SecretMasker } from './secrets/forms.js';
export { createMcpConnector, McpCommand, McpCommandList, type McpConnectorOptions } from './execution/mcp/connector.js';
export { McpServerParams } from './execution/mcp/definition.js';
export { createLlmGateway, type LlmGatewayOptions, type LlmProviderGateway } from './llm/gateway.js';
export { LlmProviderConfig, LlmProviderList, LlmModelPrice, type LlmProviderConfigInput } from './llm/config.js';
export type { BreakerOptions, BreakerState } from './llm/breaker.js';
export type * from './context.js';
export type * from './services.js';
export type * from './retrieval/knowledge.js';
export { ingestDocuments, searchCollection, pgvectorMissing, type IngestRequest, type SearchRequest, type RetrievalServices } from './retrieval/pipeline.js';
export { createEmbedders, type EmbeddersConfig } from './retrieval/embedders.js';
export { createLocalEmbedder, hashEmbed, type LocalEmbedderOptions } from './retrieval/local-embedder.js';
export { createOpenAiEmbedder, type OpenAiEmbedderOptions } from './retrieval/openai-embedder.js';
export { createMemoryKnowledgeStore } from './retrieval/memory-store.js';
export { reciprocalRankFusion, type Fused } from './retrieval/fusion.js';
export { chunkText, CHUNK_DEFAULTS, type Chunk, type ChunkOptions } from './retrieval/chunk.js';
export { extractDocument, type ExtractedText, type Heading } from './retrieval/extract.js';
export { htmlToText } from './retrieval/html.js';
export * from './retrieval/schemas.js';
export { agentMessages, approvalReason, checkFinalAnswer, reaskMessage, toolResult, TOOL_RESULT_MAX_CHARS, type CallApprovalRule } from './strategy/agent/conversation.js';
export { requestOptions } from './llm/structured.js';
