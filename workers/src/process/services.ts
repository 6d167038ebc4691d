import { NodeRegistry, type NodeDefinition } from '@weft/nodes';
import { builtinDefinitions, builtinExecutors, createEmbedders, createGuardedFetch, createLlmGateway, createMcpConnector, type EmbedderSet, type McpConnector, type NodeExecutor } from '@weft/nodes/executors';
import type { NodeActivityDeps } from '../activities.js';
import { ConfigError, type WorkerConfig } from './config.js';
import type { Db } from '@weft/store';
import { appendAudit } from '@weft/store/repositories/audit.repository';
import { knowledgeStore } from '@weft/store/repositories/knowledge.repository';
import { log } from './log.js';
import type { NodeMetrics } from './metrics.js';
import { loadPlugins } from './plugins.js';
import { createRunStore } from '@weft/store';
import { configuredSecretKey } from './secret-key.js';
import { createSecretReader } from './secret-reader.js';
import { errorMessage } from '@weft/schemas';

/** The node types a process knows: the built-ins plus those of the configured plugins. */
export interface NodeTypes {
  readonly registry: NodeRegistry;
  readonly executors: readonly NodeExecutor[];
}

/** Loads the built-in node types and the plugins named in `WEFT_PLUGINS`. */
export async function loadNodeTypes(config: WorkerConfig): Promise<NodeTypes> {
  const executors: NodeExecutor[] = [...builtinExecutors];
  const definitions: NodeDefinition[] = [...builtinDefinitions];
  const taken = new Set(definitions.map((d) => d.type));
  for (const plugin of await loadPlugins(config.WEFT_PLUGINS, { taken })) {
    for (const node of plugin.nodes) {
      definitions.push(node.definition);
      executors.push(node);
    }
    log.info(`loaded plugin ${plugin.name} (${plugin.nodes.map((n) => n.definition.type).join(', ')})`);
  }
  return { registry: new NodeRegistry(definitions), executors };
}

/** Environment variables expressions may read, from the allow-list. */
export function allowedEnv(config: WorkerConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of config.WEFT_ENV_ALLOW) {
    const v = process.env[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** Everything the node activities of a worker need, built from the configuration. */
export function activityDeps(config: WorkerConfig, db: Db, types: NodeTypes, metrics?: Pick<NodeMetrics, 'onNodeAttempt'>): NodeActivityDeps {
  const fetch = createGuardedFetch({ allow: config.WEFT_HTTP_ALLOW_HOSTS });
  return {
    ...(metrics ? { onNodeAttempt: metrics.onNodeAttempt } : {}),
    store: createRunStore(db, types.registry, { localActivities: config.WEFT_LOCAL_ACTIVITIES }),
    executors: types.executors,
    registry: types.registry,
    fetch,
    mcp: createMcpConnector({ fetch, commands: config.WEFT_MCP_COMMANDS }),
    env: allowedEnv(config),
    expressionTimeoutMs: config.WEFT_EXPRESSION_TIMEOUT_MS,
    llm: createLlmGateway({ providers: config.WEFT_LLM_PROVIDERS }),
    audit: (entry) => appendAudit(db, entry),
    secrets: createSecretReader(db, configuredSecretKey(config)),
    embedders: configuredEmbedders(config),
    knowledge: knowledgeStore(db),
  };
}

/**
 * MCP servers as a process reaches them: HTTP through the SSRF guard (with `WEFT_HTTP_ALLOW_HOSTS`),
 * stdio only for `WEFT_MCP_COMMANDS`. The API (tool lists for the editor) and the workers build the same.
 */
export function configuredMcp(config: WorkerConfig): McpConnector {
  return createMcpConnector({ fetch: createGuardedFetch({ allow: config.WEFT_HTTP_ALLOW_HOSTS }), commands: config.WEFT_MCP_COMMANDS });
}

/**
 * The embedder set of a process, from `WEFT_EMBEDDERS`: the local one always, plus the
 * OpenAI-compatible endpoints it names. The API and the workers build the same set, so a
 * collection is searched with the embedder that filled it.
 */
export function configuredEmbedders(config: WorkerConfig, env: NodeJS.ProcessEnv = process.env): EmbedderSet {
  const { default: defaultName, openai = {} } = config.WEFT_EMBEDDERS;
  const endpoints = Object.fromEntries(
    Object.entries(openai).map(([name, o]) => {
      const apiKey = o.apiKeyEnv ? env[o.apiKeyEnv] : undefined;
      if (o.apiKeyEnv && !apiKey) throw new ConfigError(`WEFT_EMBEDDERS.openai.${name}.apiKeyEnv: the environment variable ${o.apiKeyEnv} is not set`);
      const { apiKeyEnv: _k, ...rest } = o;
      return [name, { ...rest, ...(apiKey ? { apiKey } : {}) }];
    }),
  );
  try {
    return createEmbedders({ ...(defaultName ? { default: defaultName } : {}), openai: endpoints });
  } catch (e) {
    throw new ConfigError(`WEFT_EMBEDDERS: ${errorMessage(e)}`);
  }
}
