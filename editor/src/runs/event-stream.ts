import type { RunEvent } from '@weft/schemas';
import { ApiError } from '../api/client';
import { useAuthStore } from '../store/auth-store';
import { parseRunEvent } from './live-events';
import type { SseParser } from './sse';

/**
 * Reads a run's event stream (`GET /api/runs/:id/events`) once, until the server closes it (the
 * run ended) or `signal` aborts, handing each event to `onEvent`. Read with fetch, since
 * EventSource cannot send the bearer token; the parser carries the last event id, so the next
 * call resumes where this one stopped (`Last-Event-ID`). Throws an {@link ApiError} when the
 * server refuses the stream.
 */
export async function readRunEvents(runId: string, parser: SseParser, signal: AbortSignal, onEvent: (event: RunEvent) => void, onOpen?: () => void): Promise<void> {
  const token = useAuthStore.getState().token;
  const headers: Record<string, string> = { Accept: 'text/event-stream' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (parser.lastEventId) headers['Last-Event-ID'] = parser.lastEventId;
  const response = await fetch(`/api/runs/${encodeURIComponent(runId)}/events`, { headers, signal });
  if (!response.ok || !response.body) throw new ApiError(response.status, null);
  onOpen?.();
  parser.reconnect();
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    for (const message of parser.push(value)) {
      const event = parseRunEvent(message.data);
      if (event) onEvent(event);
    }
  }
}

/** Whether an event is about an agent's conversation (its steps or its streaming text) rather than a node or the run. */
export function isAgentEvent(event: Pick<RunEvent, 'type'>): boolean {
  return event.type === 'agent' || event.type === 'agent_text';
}
