import type { NodeContext } from '../context.js';
import { NodeError } from '../context.js';
import type { KnowledgeStore } from '../retrieval/knowledge.js';
import { secretNotAllowed } from '../secrets/binding.js';
import type { EmbedderSet, LlmService, McpConnector } from '../services.js';
import { sharedSandbox } from '../sandbox/pool.js';

/** A service a test did not provide: using it fails with a clear error. */
function absent<T extends object>(what: string): T {
  return new Proxy({} as T, {
    get: (_t, prop) => (prop === 'then' ? undefined : () => {
      throw new NodeError('NotConfigured', `${what} were not given to this test context`, false);
    }),
  });
}

/** A secret of a test context: a value that may go anywhere, or a value bound to hosts as a stored secret is. */
export type TestSecret = string | { readonly value: string; readonly hosts: readonly string[] | null };

/**
 * A `NodeContext` for unit tests of executors (Weft's and plugins'): quiet logger, the global
 * `fetch`, the process's shared sandbox, no secrets, no LLMs, embedders, collections or MCP servers. Pass what the executor
 * under test needs (`mcp: createMcpConnector({ fetch, commands })` for MCP nodes).
 * A secret given as a plain string is sent anywhere; one given with `hosts` is checked like a stored one.
 * @example const out = await execute(testContext({ secrets: { TOKEN: { value: 't', hosts: ['api.example.com'] } } }), params, input);
 */
export function testContext(o: Partial<Omit<NodeContext, 'secret'>> & { readonly secrets?: Readonly<Record<string, TestSecret>> } = {}): NodeContext {
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
    secret: async (name, destination) => {
      const v = Object.hasOwn(secrets, name) ? secrets[name] : undefined;
      if (v === undefined) throw new NodeError('SecretNotFound', `there is no secret named "${name}"`, false);
      if (typeof v === 'string') return v;
      const refused = secretNotAllowed(name, v.hosts, destination);
      if (refused) throw refused;
      return v.value;
    },
    llm: absent<LlmService>('LLM providers'),
    embedders: absent<EmbedderSet>('embedders'),
    knowledge: absent<KnowledgeStore>('knowledge collections'),
    mcp: absent<McpConnector>('MCP servers'),
    sandbox: sharedSandbox(),
    audit: async () => undefined,
    note: () => undefined,
    ...rest,
  };
}
