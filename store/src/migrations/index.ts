import type { Migration } from 'kysely/migration';
import * as initial from './2026-11-21T00-00-00-initial.js';
import * as engine from './2026-11-21T12-00-00-engine.js';
import * as llmSecrets from './2026-11-22T00-00-00-llm-secrets.js';
import * as retrieval from './2026-11-22T01-00-00-retrieval.js';
import * as triggers from './2026-11-22T02-00-00-triggers.js';
import * as versionMessage from './2026-11-22T03-00-00-version-message.js';
import * as chunkTextIndex from './2026-11-22T04-00-00-chunk-text-index.js';
import * as attemptDetail from './2026-12-07T00-00-00-attempt-detail.js';
import * as agentStep from './2026-12-08T00-00-00-agent-step.js';
import * as secretHosts from './2026-12-09T00-00-00-secret-hosts.js';
import * as webhookReplay from './2026-12-09T01-00-00-webhook-replay.js';
import * as idempotency from './2026-12-10T00-00-00-idempotency.js';
import * as runRequest from './2026-12-10T01-00-00-run-request.js';
import * as healthProbe from './2026-12-11T00-00-00-health-probe.js';
import * as apiProcess from './2026-12-12T00-00-00-api-process.js';

/** Every migration, by its frozen name; names sort in the order they run. */
export const migrations: Record<string, Migration> = {
  '2026-11-21T00-00-00-initial': initial,
  '2026-11-21T12-00-00-engine': engine,
  '2026-11-22T00-00-00-llm-secrets': llmSecrets,
  '2026-11-22T01-00-00-retrieval': retrieval,
  '2026-11-22T02-00-00-triggers': triggers,
  '2026-11-22T03-00-00-version-message': versionMessage,
  '2026-11-22T04-00-00-chunk-text-index': chunkTextIndex,
  '2026-12-07T00-00-00-attempt-detail': attemptDetail,
  '2026-12-08T00-00-00-agent-step': agentStep,
  '2026-12-09T00-00-00-secret-hosts': secretHosts,
  '2026-12-09T01-00-00-webhook-replay': webhookReplay,
  '2026-12-10T00-00-00-idempotency': idempotency,
  '2026-12-10T01-00-00-run-request': runRequest,
  '2026-12-11T00-00-00-health-probe': healthProbe,
  '2026-12-12T00-00-00-api-process': apiProcess,
};
