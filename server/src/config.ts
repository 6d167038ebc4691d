import { z } from 'zod';
import { ConfigError, parseConfig, SecretKeyText, WorkerConfig } from '@weft/workers/process';

export { ConfigError };

/** Environment variables the API (and the embedded `weft start`) reads: a worker's, and its own. */
export const Config = WorkerConfig.extend({
  WEFT_PORT: z.coerce.number().int().min(0).max(65535).default(7300).describe('Port of the API and editor'),
  TEMPORAL_CLI: z.string().optional().describe('Path of the temporal CLI used for the embedded dev server'),
  WEFT_TEMPORAL_PORT: z.coerce.number().int().min(0).max(65535).default(7233).describe('Port of the embedded Temporal dev server (0 = any free port)'),
  WEFT_TEMPORAL_UI_PORT: z.coerce.number().int().min(0).max(65535).default(8233).describe('Port of the embedded Temporal Web UI (0 = no UI)'),
  WEFT_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(600).describe('API requests per minute of one token, with bursts up to that many (0 = no limit)'),
  WEFT_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(0).max(86_400_000).default(30_000).describe('How often the API process looks for runs recorded as queued whose workflow never started (a crash or Temporal outage at start) and starts them again; it also looks once at start-up (0 = only then)'),
  WEFT_NEW_SECRET_KEY: SecretKeyText.describe('The key `weft secrets rotate` re-encrypts to (generated when unset)'),
});
export type Config = z.infer<typeof Config>;

/**
 * Parses the environment and sets the process log's level from it (`WEFT_LOG_LEVEL`); throws one
 * readable message listing every bad variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return parseConfig(Config, env);
}
