import { createLlmGateway, type ChatMessage, type LlmGateway } from '@weft/nodes/executors';
import { FakeLlm, type FakeLlmReply } from '@weft/nodes/testing/fake-llm';
import type { RecordedAnswer } from './workflow-tests.js';

/** Recorded answers of one case: per node id, the answer of its first turn, second turn, … */
export type RecordedAnswers = Readonly<Record<string, readonly RecordedAnswer[]>>;

/** The name of the one provider a private Weft's LLM nodes use. */
const PROVIDER = 'recorded';

/**
 * The answer for a node's request: the turn is told by the conversation (one more than the
 * model's answers it already holds), so a retried turn, or an agent called again as a tool,
 * gets the same recorded answer. A turn nothing was recorded for is refused with a 400, which
 * fails the node at once with the reason.
 */
export function replyFor(answers: RecordedAnswers, nodeId: string, messages: readonly ChatMessage[]): FakeLlmReply {
  const turn = messages.filter((m) => m.role === 'assistant').length + 1;
  const recorded = answers[nodeId];
  const missing = (message: string): FakeLlmReply => ({ status: 400, raw: JSON.stringify({ error: { message } }) });
  if (!recorded) return missing(`the test case has no recorded answers for node "${nodeId}" (llm.${nodeId})`);
  const answer = recorded[turn - 1];
  if (!answer) return missing(`the test case records ${recorded.length} answer${recorded.length === 1 ? '' : 's'} for node "${nodeId}", and turn ${turn} asked for one more`);
  return {
    ...(answer.text === undefined ? {} : { text: answer.text }),
    ...(answer.toolCalls ? { toolCalls: answer.toolCalls.map((c, i) => ({ id: c.id ?? `call_${turn}_${i + 1}`, name: c.name, arguments: c.arguments })) } : {}),
    ...(answer.usage ? { usage: answer.usage } : {}),
  };
}

/**
 * A model that answers from a test case's recordings, through the real gateway and wire format:
 * a local server speaking chat completions (streamed, with tool calls), reached by each node
 * at a path naming its run and node, so the answer can depend on both.
 */
export class RecordedLlm {
  readonly #server = new FakeLlm();
  readonly #gateways = new Map<string, LlmGateway>();
  #answers: RecordedAnswers = {};
  #runId: string | undefined;

  /** Starts the local server. */
  async start(): Promise<this> {
    await this.#server.start();
    this.#server.script((request) => {
      const [runId, nodeId] = request.path.split('/').slice(1, 3).map(decodeURIComponent);
      if (this.#runId !== undefined && runId !== this.#runId) {
        return { status: 400, raw: JSON.stringify({ error: { message: `run ${runId} asked for a recorded answer while the test case of run ${this.#runId} runs` } }) };
      }
      return replyFor(this.#answers, nodeId ?? '', request.messages);
    });
    return this;
  }

  /** Answers from these recordings from now on; `runId` (once known) keeps a stray run from reading them. */
  play(answers: RecordedAnswers, runId?: string): void {
    this.#answers = answers;
    this.#runId = runId;
    if (runId === undefined) this.#gateways.clear();
  }

  /** The LLM gateway the private worker uses: every request of every node goes to the recordings, whatever providers it names. */
  gateway(): LlmGateway {
    return {
      forAttempt: (scope) => {
        const baseUrl = `${this.#server.url}/${encodeURIComponent(scope.runId)}/${encodeURIComponent(scope.nodeId)}/v1`;
        let gateway = this.#gateways.get(baseUrl);
        if (!gateway) this.#gateways.set(baseUrl, (gateway = createLlmGateway({ providers: [{ name: PROVIDER, type: 'openai', baseUrl, model: PROVIDER }] })));
        const service = gateway.forAttempt(scope);
        return { complete: (request) => service.complete({ ...request, providers: [PROVIDER] }) };
      },
    };
  }

  async close(): Promise<void> {
    await this.#server.close();
  }
}
