import { NodeError } from '../context.js';
import type { Embedder } from '../services.js';

/** An OpenAI-compatible embeddings endpoint (OpenAI, Azure-style gateways, Ollama, vLLM, LM Studio…). */
export interface OpenAiEmbedderOptions {
  /** Up to and without `/embeddings`, e.g. `https://api.openai.com/v1`. */
  readonly baseUrl: string;
  readonly model: string;
  /** Size of the vectors the model returns; checked on every answer. */
  readonly dimensions: number;
  /** Sent as `Authorization: Bearer …` when set. */
  readonly apiKey?: string;
  /** Stored with collections; `openai:<model>` unless set. */
  readonly id?: string;
  /** Sends `dimensions` in the request, for models that can shorten their vectors. */
  readonly requestDimensions?: boolean;
  /** Texts per request; 64 unless set. */
  readonly batchSize?: number;
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

/** Statuses worth another attempt. */
const RETRYABLE_STATUS = new Set([408, 409, 425, 429, 500, 502, 503, 504]);

/** An embedder calling `POST {baseUrl}/embeddings`; failures are `NodeError`s, retryable when a retry may help. */
export function createOpenAiEmbedder(o: OpenAiEmbedderOptions): Embedder {
  const url = `${o.baseUrl.replace(/\/+$/, '')}/embeddings`;
  const batchSize = o.batchSize ?? 64;
  const doFetch = o.fetch ?? globalThis.fetch;
  const embedBatch = async (input: readonly string[], signal?: AbortSignal): Promise<number[][]> => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (o.apiKey) headers['authorization'] = `Bearer ${o.apiKey}`;
    const body = JSON.stringify({ model: o.model, input, encoding_format: 'float', ...(o.requestDimensions ? { dimensions: o.dimensions } : {}) });
    const signals = [AbortSignal.timeout(o.timeoutMs ?? 60_000), ...(signal ? [signal] : [])];
    let res: Response;
    try {
      res = await doFetch(url, { method: 'POST', headers, body, signal: AbortSignal.any(signals) });
    } catch (e) {
      if (signal?.aborted) throw e;
      throw new NodeError('EmbeddingError', `embeddings request to ${new URL(url).origin} failed: ${(e as Error).message}`, true);
    }
    const text = await res.text();
    if (!res.ok) {
      // The body may echo input; keep the message short.
      throw new NodeError('EmbeddingError', `embeddings endpoint answered ${res.status}: ${text.slice(0, 200)}`, RETRYABLE_STATUS.has(res.status), { status: res.status });
    }
    let data: { index?: number; embedding?: unknown }[];
    try {
      data = (JSON.parse(text) as { data: typeof data }).data;
      if (!Array.isArray(data)) throw new Error('no data array');
    } catch (e) {
      throw new NodeError('EmbeddingError', `the embeddings answer is not understood: ${(e as Error).message}`, false);
    }
    const out = new Array<number[] | undefined>(input.length);
    data.forEach((d, i) => {
      const at = typeof d.index === 'number' ? d.index : i;
      if (!Array.isArray(d.embedding) || d.embedding.length !== o.dimensions || !d.embedding.every((x) => typeof x === 'number')) {
        throw new NodeError('EmbeddingError', `model ${o.model} returned a vector of ${Array.isArray(d.embedding) ? d.embedding.length : 'no'} numbers; expected ${o.dimensions}`, false);
      }
      out[at] = d.embedding as number[];
    });
    if (out.some((v) => v === undefined)) throw new NodeError('EmbeddingError', `the embeddings answer has ${data.length} vectors for ${input.length} texts`, false);
    return out as number[][];
  };
  return {
    id: o.id ?? `openai:${o.model}`,
    dimensions: o.dimensions,
    async embed(texts, signal) {
      const out: number[][] = [];
      for (let i = 0; i < texts.length; i += batchSize) out.push(...(await embedBatch(texts.slice(i, i + batchSize), signal)));
      return out;
    },
  };
}
