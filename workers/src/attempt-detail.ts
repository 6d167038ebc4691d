import type { LlmRequest, LlmService } from '@weft/nodes';
import type { AttemptDetail } from '@weft/schemas';

/** A note larger than this (as JSON) is cut: it is written with the attempt's row, never as a separate value. */
export const DETAIL_LIMIT_BYTES = 64 * 1024;
/** Details attached to an error (an HTTP answer, say) are cut past this: they travel with every event of the attempt too. */
export const ERROR_DETAILS_LIMIT_BYTES = 16 * 1024;

/**
 * What one attempt noted about itself, kept in memory while it runs and written with its end:
 * executors' notes (`ctx.note`) and the prompt of its first LLM call.
 */
export class AttemptNotes {
  #noted: AttemptDetail = {};
  #prompt: { system?: string; prompt: string } | undefined;
  #calls = 0;

  /** An executor's note; a later note of the same kind replaces the earlier one. */
  note(detail: AttemptDetail): void {
    this.#noted = { ...this.#noted, ...detail };
  }

  /** An LLM call about to be made: the first one's messages are kept, the others counted. */
  llmCall(request: LlmRequest): void {
    this.#calls++;
    if (this.#prompt) return;
    const text = (role: string) =>
      request.messages
        .filter((m) => m.role === role)
        .map((m) => m.content)
        .join('\n\n');
    const system = text('system');
    this.#prompt = { ...(system ? { system } : {}), prompt: text('user') };
  }

  /** Everything noted, or undefined when nothing was. */
  value(): AttemptDetail | undefined {
    const detail: AttemptDetail = { ...(this.#prompt ? { prompt: { ...this.#prompt, calls: this.#calls } } : {}), ...this.#noted };
    return Object.keys(detail).length > 0 ? detail : undefined;
  }
}

/** The attempt's LLM service, noting the prompt of each call before it is made (a failed call was still sent). */
export function notingPrompts(llm: LlmService, notes: AttemptNotes): LlmService {
  return {
    complete(request) {
      notes.llmCall(request);
      return llm.complete(request);
    },
  };
}

/** How hard each round of {@link clip} cuts: characters per string, entries per list or object, levels kept. */
const ROUNDS: readonly { chars: number; entries: number; depth: number }[] = [
  { chars: 16_384, entries: 1000, depth: 32 },
  { chars: 2048, entries: 100, depth: 12 },
  { chars: 256, entries: 20, depth: 6 },
  { chars: 64, entries: 5, depth: 3 },
];

/**
 * Makes a value small enough to record: when its JSON is over `limitBytes`, long strings are
 * shortened and long lists and objects truncated, harder each round until it fits; every cut
 * says what it left out. Values within the limit come back as they are. Cut after masking
 * secrets, never before: a cut could leave half a secret that masking no longer recognises.
 */
export function clip(value: unknown, limitBytes: number): unknown {
  if (bytesOf(value) <= limitBytes) return value;
  let cut: unknown = value;
  for (const round of ROUNDS) {
    cut = cutValue(value, round, 0);
    if (bytesOf(cut) <= limitBytes) return cut;
  }
  return cut;
}

function bytesOf(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? 'null');
}

function cutValue(v: unknown, r: (typeof ROUNDS)[number], depth: number): unknown {
  if (typeof v === 'string') return v.length > r.chars ? `${v.slice(0, r.chars)}… [${v.length - r.chars} more characters]` : v;
  if (v === null || typeof v !== 'object') return v;
  if (depth >= r.depth) return '… [cut]';
  if (Array.isArray(v)) {
    const kept = v.slice(0, r.entries).map((x) => cutValue(x, r, depth + 1));
    return v.length > r.entries ? [...kept, `… [${v.length - r.entries} more items]`] : kept;
  }
  const entries = Object.entries(v);
  const kept = Object.fromEntries(entries.slice(0, r.entries).map(([k, x]) => [cutValue(k, r, depth) as string, cutValue(x, r, depth + 1)]));
  return entries.length > r.entries ? { ...kept, '…': `${entries.length - r.entries} more keys` } : kept;
}
