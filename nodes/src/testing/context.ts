import type { NodeContext } from '../context.js';
import { NodeError } from '../context.js';
import type { KnowledgeStore } from '../retrieval/knowledge.js';
import type { EmbedderSet, LlmService, McpConnector } from '../services.js';

/** A service a test did not provide: using it fails with a clear error. */
function absent<T extends object>(what: string): T {
  return new Proxy({} as T, {
    get: (_t, prop) => (prop === 'then' ? undefined : () => {
      throw new NodeError('NotConfigured', `${what} were not given to this test context`, false);
    }),
  });
}

/**
 * A `NodeContext` for unit tests of executors (Weft's and plugins'): quiet logger, the global
 * `fetch`, no secrets, no LLMs, embedders, collections or MCP servers. Pass what the executor
 * under test needs (`mcp: createMcpConnector({ fetch, commands })` for MCP nodes).
 * @example const out = await execute(testContext({ secrets: { TOKEN: 't' } }), params, input);
 */
export function testContext(o: Partial<Omit<NodeContext, 'secret'>> & { readonly secrets?: Readonly<Record<string, string>> } = {}): NodeContext {
  const { secrets = {}, ...rest } = o;
  const runId = rest.runId ?? 'run_test';
  const nodeId = rest.nodeId ?? 'node';
  return {
    runId,
    workflowId: 'wf_test',
    nodeId,
    attempt: 1,
    idempotencyKey: `${runId}:${nodeId}`,
    signal: new AbortController().signal,
    heartbeat: () => undefined,
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    fetch: globalThis.fetch,
    scope: { input: null, nodes: {}, run: { id: runId } },
    secret: async (name) => {
      const v = secrets[name];
      if (v === undefined) throw new NodeError('SecretNotFound', `there is no secret named "${name}"`, false);
      return v;
    },
    llm: absent<LlmService>('LLM providers'),
    embedders: absent<EmbedderSet>('embedders'),
    knowledge: absent<KnowledgeStore>('knowledge collections'),
    mcp: absent<McpConnector>('MCP servers'),
    audit: async () => undefined,
    note: () => undefined,
    ...rest,
  };
}
