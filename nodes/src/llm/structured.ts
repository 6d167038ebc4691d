import type { z } from 'zod';
import { NodeError } from '../context.js';
import type { LlmNodeUsage } from '../llm-params.js';
import type { ChatMessage, LlmRequest, LlmResult, LlmService } from '../services.js';

/** A JSON answer that passed validation, with the calls it took. */
export interface JsonAnswer<T> {
  readonly value: T;
  /** The answer's text, as the model wrote it. */
  readonly text: string;
  /** The call that gave the valid answer. */
  readonly result: LlmResult;
  /** Usage of every call it took (one, or two when re-asked). */
  readonly usage: LlmNodeUsage;
}

/** Checks a parsed answer: the value to keep, or what is wrong with it in words the model can act on. */
export type AnswerCheck<T> = (value: unknown) => { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

/** An {@link AnswerCheck} from a zod schema. */
export function checkWith<T>(schema: z.ZodType<T>): AnswerCheck<T> {
  return (value) => {
    const parsed = schema.safeParse(value);
    if (parsed.success) return { ok: true, value: parsed.data };
    const problem = parsed.error.issues.map((i) => `${i.path.length ? `at ${i.path.join('.')}: ` : ''}${i.message}`).join('; ');
    return { ok: false, problem };
  };
}

/**
 * Asks for a JSON answer following `request.json`, parses and checks it, and when it is not valid
 * asks once more, telling the model what was wrong. A second invalid answer fails the node for
 * good with `InvalidLlmOutput`: asking a third time rarely helps and costs tokens.
 */
export async function completeJson<T>(llm: LlmService, request: LlmRequest & { readonly json: NonNullable<LlmRequest['json']> }, check: AnswerCheck<T>): Promise<JsonAnswer<T>> {
  const results: LlmResult[] = [];
  let messages: readonly ChatMessage[] = request.messages;
  let problem = '';
  for (let asked = 0; asked < 2; asked++) {
    const result = await llm.complete({ ...request, messages });
    results.push(result);
    const outcome = parseAnswer(result.text, check);
    if (outcome.ok) return { value: outcome.value, text: result.text, result, usage: sumUsage(results) };
    problem = outcome.problem;
    messages = [
      ...request.messages,
      { role: 'assistant', content: result.text },
      { role: 'user', content: `That answer is not valid: ${problem}. Answer again with only the corrected JSON.` },
    ];
  }
  throw new NodeError('InvalidLlmOutput', `the model's answer was still not valid after asking again: ${problem}`, false, { usage: sumUsage(results) });
}

/** Parses an answer as JSON (tolerating a code fence around it) and checks it. */
export function parseAnswer<T>(text: string, check: AnswerCheck<T>): ReturnType<AnswerCheck<T>> {
  const fenced = /^\s*```[a-zA-Z]*\s*\n([\s\S]*?)\n?```\s*$/.exec(text);
  let value: unknown;
  try {
    value = JSON.parse(fenced ? fenced[1]! : text);
  } catch (e) {
    return { ok: false, problem: `it is not JSON (${(e as Error).message})` };
  }
  return check(value);
}

/** Usage of a node's calls, summed. */
export function sumUsage(results: readonly LlmResult[]): LlmNodeUsage {
  return {
    inputTokens: results.reduce((n, r) => n + r.inputTokens, 0),
    outputTokens: results.reduce((n, r) => n + r.outputTokens, 0),
    costUsd: results.reduce((n, r) => n + r.costUsd, 0),
  };
}

/** The request fields every LLM node sets from its params the same way. */
export function requestOptions(params: { readonly model?: string | undefined; readonly providers?: readonly string[] | undefined; readonly temperature?: number | undefined; readonly maxTokens?: number | undefined; readonly timeoutMs?: number | undefined }): Omit<LlmRequest, 'messages'> {
  return {
    ...(params.model === undefined ? {} : { model: params.model }),
    ...(params.providers === undefined ? {} : { providers: params.providers }),
    ...(params.temperature === undefined ? {} : { temperature: params.temperature }),
    ...(params.maxTokens === undefined ? {} : { maxTokens: params.maxTokens }),
    ...(params.timeoutMs === undefined ? {} : { timeoutMs: params.timeoutMs }),
  };
}

/** Messages of a single question: the system prompt when there is one, then the prompt. */
export function question(system: string | undefined, prompt: string): ChatMessage[] {
  return [...(system ? [{ role: 'system' as const, content: system }] : []), { role: 'user', content: prompt }];
}
