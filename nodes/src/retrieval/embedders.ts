import { NodeError } from '../context.js';
import type { Embedder, EmbedderSet } from '../services.js';
import { createLocalEmbedder, type LocalEmbedderOptions } from './local-embedder.js';
import { createOpenAiEmbedder, type OpenAiEmbedderOptions } from './openai-embedder.js';

/** Which embedders a process has. With nothing configured: the local one, as the default. */
export interface EmbeddersConfig {
  /** Name of the default embedder; `local` unless set. */
  readonly default?: string;
  /** The local hashing embedder, always present as `local`. */
  readonly local?: LocalEmbedderOptions;
  /** OpenAI-compatible endpoints, by name. */
  readonly openai?: Readonly<Record<string, OpenAiEmbedderOptions>>;
}

/**
 * Builds the embedder set of a process. `get()` and `get('default')` give the default;
 * an embedder can also be found by its id (what a collection stores), so a collection is
 * always searched with the embedder that filled it.
 * @example createEmbedders({ openai: { small: { baseUrl: 'https://api.openai.com/v1', model: 'text-embedding-3-small', dimensions: 1536, apiKey } } })
 */
export function createEmbedders(config: EmbeddersConfig = {}): EmbedderSet {
  const byName = new Map<string, Embedder>([['local', createLocalEmbedder(config.local)]]);
  for (const [name, o] of Object.entries(config.openai ?? {})) {
    if (byName.has(name) || name === 'default') throw new Error(`embedder name "${name}" is taken`);
    byName.set(name, createOpenAiEmbedder(o));
  }
  const defaultName = config.default ?? 'local';
  if (!byName.has(defaultName)) throw new Error(`the default embedder "${defaultName}" is not configured`);
  return {
    get(name) {
      if (name === undefined || name === 'default') return byName.get(defaultName)!;
      const found = byName.get(name) ?? [...byName.values()].find((e) => e.id === name);
      if (!found) throw new NodeError('UnknownEmbedder', `there is no embedder "${name}"; this process has ${[...byName.keys()].join(', ')}`, false);
      return found;
    },
    names: () => [...byName.keys()],
  };
}
