import { resolve } from 'node:path';
import { z } from 'zod';
import { parseSecretKey } from '@weft/store';
import { LlmProviderList, McpCommandList } from '@weft/nodes/executors';
import { logger } from './log.js';
import { errorMessage } from '@weft/schemas';

/** A secret key, checked for shape and strength; empty counts as unset. Messages never quote it. */
export const SecretKeyText = z
  .string()
  .optional()
  .transform((v) => v?.trim() || undefined)
  .superRefine((v, ctx) => {
    const parsed = v === undefined ? undefined : parseSecretKey(v);
    if (parsed && !parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.problem });
  });

/** An OpenAI-compatible embeddings endpoint; its key is read from the environment variable `apiKeyEnv`. */
const OpenAiEmbedderSetting = z
  .object({
    baseUrl: z.string().regex(/^https?:\/\//, 'expected an http:// or https:// URL'),
    model: z.string().min(1),
    dimensions: z.number().int().min(1).max(16_000),
    apiKeyEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).optional(),
    requestDimensions: z.boolean().optional(),
    timeoutMs: z.number().int().min(100).max(600_000).optional(),
  })
  .strict();

/** Which embedders a process has besides the local one, and which is the default. */
export const EmbeddersSetting = z
  .object({
    default: z.string().min(1).optional(),
    openai: z.record(z.string().regex(/^[a-z][a-z0-9_-]*$/, 'lower-case letters, digits, - and _'), OpenAiEmbedderSetting).optional(),
  })
  .strict();

/** A variable holding JSON, parsed and then checked against `schema`. */
function jsonSetting<T extends z.ZodType>(schema: T, fallback: string, what: string) {
  return z
    .string()
    .optional()
    // An empty variable (as `VAR: ${VAR:-}` in compose files gives) means unset.
    .transform((s) => (s === undefined || s.trim() === '' ? fallback : s))
    .transform((s, ctx) => {
      try {
        return JSON.parse(s) as unknown;
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: `expected ${what}: ${errorMessage(e)}` });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

/** Environment variables Weft reads, parsed once at start; a bad value stops start-up. */
/**
 * Environment variables every Weft process reads (a worker's whole configuration), parsed once at
 * start; the API process's configuration extends it.
 */
export const WorkerConfig = z.object({
  WEFT_HOST: z.string().default('127.0.0.1').describe('Address the API and editor listen on (a worker: its /metrics)'),
  WEFT_DATA_DIR: z.string().default('.weft').describe('Embedded data: PGlite files, the Temporal dev server database'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL')
    .optional()
    .describe('PostgreSQL server; unset means embedded PGlite under WEFT_DATA_DIR'),
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/).optional().describe('PostgreSQL schema to use (default: public)'),
  DATABASE_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(200).default(10).describe('PostgreSQL connections of this process'),
  TEMPORAL_ADDRESS: z.string().optional().describe('Temporal frontend host:port; unset means Weft starts the dev server'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  WEFT_TASK_QUEUE: z.string().min(1).default('weft'),
  WEFT_LOCAL_ACTIVITIES: z.stringbool().default(true).describe('Run light nodes (transform, branch, merge, trigger, output, policy, rules routing) as Temporal local activities; false runs every node as a regular activity'),
  WEFT_EXPRESSION_TIMEOUT_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  WEFT_ENV_ALLOW: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((v) => v.trim()).filter(Boolean))
    .describe('Comma-separated environment variables expressions may read as $env'),
  WEFT_HTTP_ALLOW_HOSTS: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((v) => v.trim()).filter(Boolean))
    .describe('Hosts (host or host:port) and networks (CIDR) outbound HTTP may reach despite the SSRF guard'),
  WEFT_PLUGINS: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((v) => v.trim()).filter(Boolean))
    .describe('Comma-separated plugins of custom node types: npm package names (resolved from the working directory) or paths (./ or /, relative to it)'),
  WEFT_LLM_PROVIDERS: jsonSetting(LlmProviderList, '[]', 'a JSON array of LLM providers')
    .describe('LLM providers in failover order, a JSON array of { name, type: "openai" | "anthropic", baseUrl, model, apiKeySecret?, timeoutMs?, pricing? }'),
  WEFT_EMBEDDERS: jsonSetting(EmbeddersSetting, '{}', 'a JSON object of embedders')
    .describe('Embedders besides the local one: { "default"?: name, "openai"?: { <name>: { baseUrl, model, dimensions, apiKeyEnv?, requestDimensions? } } }'),
  WEFT_MCP_COMMANDS: jsonSetting(McpCommandList, '{}', 'a JSON object of MCP server commands')
    .describe('MCP servers nodes may start over stdio, by name: a JSON object { <name>: { command, args?, env?, cwd? } } (a program and its arguments, never a shell line); a node names one, never a command line'),
  WEFT_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  WEFT_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464).describe('Port on which `weft worker` serves /metrics (0 = off); the API serves /metrics on its own port'),
  WEFT_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000).describe('On SIGTERM/SIGINT: how long in-flight HTTP requests and running node attempts may take to finish'),
  WEFT_SECRET_KEY: SecretKeyText.describe(
    'Key that encrypts stored secrets: 32 random bytes as base64 or 64 hex digits, the same on every server and worker; `weft start` keeps one in <data dir>/secret.key when unset',
  ),
});
export type WorkerConfig = z.infer<typeof WorkerConfig>;

/**
 * Parses the environment with `schema` and sets the process log's level from it
 * (`WEFT_LOG_LEVEL`); throws one readable message listing every bad variable.
 */
export function parseConfig<S extends typeof WorkerConfig>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  logger.level = parsed.data.WEFT_LOG_LEVEL;
  return { ...parsed.data, WEFT_DATA_DIR: resolve(parsed.data.WEFT_DATA_DIR) };
}

/** A worker's configuration from the environment. */
export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  return parseConfig(WorkerConfig, env);
}

/** The configuration of a separate server or worker process, which must name its database and Temporal (`weft start` starts its own). */
export function requireServices<C extends WorkerConfig>(config: C): C & { readonly DATABASE_URL: string; readonly TEMPORAL_ADDRESS: string } {
  const { DATABASE_URL, TEMPORAL_ADDRESS } = config;
  if (!DATABASE_URL || !TEMPORAL_ADDRESS) {
    const missing = [DATABASE_URL ? [] : ['DATABASE_URL'], TEMPORAL_ADDRESS ? [] : ['TEMPORAL_ADDRESS']].flat();
    throw new ConfigError(`this command needs ${missing.join(' and ')} (use \`weft start\` for the embedded setup)`);
  }
  return { ...config, DATABASE_URL, TEMPORAL_ADDRESS };
}

/** A configuration problem the user can fix; printed without a stack trace. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
