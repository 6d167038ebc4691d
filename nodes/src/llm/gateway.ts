import { NodeError } from '../context.js';
import type { LlmGateway, LlmRequest, LlmResult, LlmScope, LlmService, LlmUsage } from '../services.js';
import { ANTHROPIC_MESSAGES_PATH, anthropicMessages } from './anthropic.js';
import { CircuitBreaker, type BreakerOptions, type BreakerState } from './breaker.js';
import { costOf, LlmProviderList, type LlmProviderConfig, type LlmProviderConfigInput } from './config.js';
import { OPENAI_CHAT_PATH, openAiChat } from './openai.js';
import { ProviderFailure, type ProviderAnswer, type ProviderClient } from './wire.js';

/** What the gateway is built from. */
export interface LlmGatewayOptions {
  /** The providers, in the default failover order (parsed again here, so defaults apply). */
  readonly providers: readonly LlmProviderConfigInput[];
  /**
   * Outbound HTTP; the global `fetch` by default. Provider URLs come from the operator's
   * configuration, never from a workflow, and local servers (Ollama, vLLM, LM Studio) live on
   * loopback or private networks the SSRF guard refuses; redirects are refused either way.
   */
  readonly fetch?: typeof fetch;
  /** Circuit breaker thresholds, the same for every provider. */
  readonly breaker?: BreakerOptions;
}

/** The gateway, with a look at its breakers for diagnostics and tests. */
export interface LlmProviderGateway extends LlmGateway {
  /** The breaker state of a provider. */
  breakerState(provider: string): BreakerState | undefined;
}

const CLIENTS: Record<LlmProviderConfig['type'], ProviderClient> = { openai: openAiChat, anthropic: anthropicMessages };
/** Where each client posts, under the provider's base URL: the destination a provider's API key is checked against. */
const PATHS: Record<LlmProviderConfig['type'], string> = { openai: OPENAI_CHAT_PATH, anthropic: ANTHROPIC_MESSAGES_PATH };

/**
 * The worker's LLM providers. Each request goes down the chain (the request's providers, else
 * the workflow's, else every configured one): a rate limit, server error, timeout or lost
 * connection moves on to the next provider; a refused request (400, 401, …) fails at once.
 * Breakers are shared by every attempt of the process, so a provider that keeps failing is
 * skipped until it has had time to recover. The run's budget is checked before every call, and
 * every call is recorded, failed ones included. Conversations with tool calls stay
 * provider-neutral, so failing over mid-conversation hands the whole transcript to the next
 * provider in its own wire format.
 */
export function createLlmGateway(options: LlmGatewayOptions): LlmProviderGateway {
  const providers = LlmProviderList.parse(options.providers);
  const byName = new Map(providers.map((p) => [p.name, p]));
  const breakers = new Map(providers.map((p) => [p.name, new CircuitBreaker(options.breaker)]));
  const doFetch = options.fetch ?? globalThis.fetch;

  const chainOf = (names: readonly string[] | undefined): LlmProviderConfig[] => {
    if (providers.length === 0) throw new NodeError('NotConfigured', 'no LLM providers are configured on this worker (set WEFT_LLM_PROVIDERS)', false);
    if (!names) return providers;
    const unknown = names.filter((n) => !byName.has(n));
    if (unknown.length) {
      throw new NodeError('UnknownLlmProvider', `unknown LLM provider${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')} (configured: ${providers.map((p) => p.name).join(', ')})`, false);
    }
    return names.map((n) => byName.get(n)!);
  };

  const forAttempt = (scope: LlmScope): LlmService => {
    const record = (p: LlmProviderConfig, model: string, latencyMs: number, outcome: { inputTokens: number; outputTokens: number; costUsd: number } | { error: string }) =>
      scope.usage.recordLlmCall({
        runId: scope.runId,
        nodeId: scope.nodeId,
        attempt: scope.attempt,
        ...(scope.item === undefined ? {} : { item: scope.item }),
        provider: p.name,
        model,
        latencyMs,
        ...('error' in outcome ? { inputTokens: 0, outputTokens: 0, costUsd: 0, error: outcome.error } : outcome),
      });

    return {
      async complete(request: LlmRequest): Promise<LlmResult> {
        let usage = await scope.usage.llmUsage(scope.runId);
        const chain = chainOf(request.providers ?? usage.providers);
        const failures: string[] = [];
        for (const [i, p] of chain.entries()) {
          const breaker = breakers.get(p.name)!;
          if (i > 0) usage = await scope.usage.llmUsage(scope.runId);
          checkBudget(usage);
          if (!breaker.tryAcquire()) {
            failures.push(`${p.name}: skipped, circuit open after ${breaker.failures} failure${breaker.failures === 1 ? '' : 's'} in a row (next try in ${Math.ceil(breaker.retryInMs() / 1000)} s)`);
            continue;
          }
          const model = request.model ?? p.model;
          let apiKey: string | undefined;
          try {
            // Clients refuse redirects, so the endpoint is the only place the key goes.
            apiKey = p.apiKeySecret === undefined ? undefined : await scope.secret(p.apiKeySecret, new URL(`${p.baseUrl}${PATHS[p.type]}`));
          } catch (e) {
            breaker.release();
            throw e;
          }
          const timeoutMs = request.timeoutMs ?? p.timeoutMs;
          const signal = AbortSignal.any([scope.signal, AbortSignal.timeout(timeoutMs)]);
          const started = performance.now();
          let answer: ProviderAnswer;
          try {
            answer = await CLIENTS[p.type](doFetch, p, {
              messages: request.messages,
              model,
              ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
              ...(request.maxTokens === undefined ? {} : { maxTokens: request.maxTokens }),
              ...(request.json ? { json: request.json } : {}),
              ...(request.tools?.length ? { tools: request.tools } : {}),
              ...(request.toolChoice === undefined ? {} : { toolChoice: request.toolChoice }),
              ...(request.onText ? { onText: request.onText } : {}),
              ...(apiKey === undefined ? {} : { apiKey }),
              signal,
              timeoutMs,
            });
          } catch (e) {
            const latencyMs = performance.now() - started;
            if (!(e instanceof ProviderFailure)) {
              breaker.release();
              await record(p, model, latencyMs, { error: scope.signal.aborted ? 'cancelled' : (e as Error).message });
              throw e;
            }
            await record(p, model, latencyMs, { error: e.message });
            if (!e.failover) {
              // The provider is up, it refused this request: no reason to avoid it.
              breaker.success();
              throw new NodeError('LlmRequestError', `LLM provider "${p.name}" refused the request (model ${model}): ${e.message}`, false, { provider: p.name, status: e.status });
            }
            breaker.failure();
            failures.push(`${p.name}: ${e.message}`);
            continue;
          }
          const latencyMs = performance.now() - started;
          breaker.success();
          const costUsd = costOf(p, model, answer.inputTokens, answer.outputTokens) || (answer.model ? costOf(p, answer.model, answer.inputTokens, answer.outputTokens) : 0);
          await record(p, model, latencyMs, { inputTokens: answer.inputTokens, outputTokens: answer.outputTokens, costUsd });
          return { text: answer.text, toolCalls: answer.toolCalls, finishReason: answer.finishReason, provider: p.name, model, inputTokens: answer.inputTokens, outputTokens: answer.outputTokens, costUsd, latencyMs };
        }
        throw new NodeError('LlmUnavailable', `no LLM provider could answer: ${failures.join('; ')}`, true, { failures });
      },
    };
  };

  return { forAttempt, breakerState: (name) => breakers.get(name)?.state };
}

/** Stops before a call when the run has used up its budget. */
function checkBudget(usage: LlmUsage): void {
  const { budget } = usage;
  if (budget.tokens !== undefined && usage.tokens >= budget.tokens) {
    throw new NodeError('BudgetExceeded', `the run's LLM budget is used up: ${usage.tokens} of ${budget.tokens} tokens spent`, false, { usage });
  }
  if (budget.costUsd !== undefined && usage.costUsd >= budget.costUsd) {
    throw new NodeError('BudgetExceeded', `the run's LLM budget is used up: $${formatUsd(usage.costUsd)} of $${formatUsd(budget.costUsd)} spent`, false, { usage });
  }
}

function formatUsd(n: number): string {
  return n >= 1 ? n.toFixed(2) : n.toPrecision(3);
}
