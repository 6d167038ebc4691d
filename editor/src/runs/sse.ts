// Server-Sent Events read with fetch (EventSource cannot send the bearer token): the editor reads
// the body itself and feeds the text to eventsource-parser through this wrapper, which keeps the
// last event id across events and connections for `Last-Event-ID`.
import { createParser, type EventSourceParser } from 'eventsource-parser';

/** One dispatched SSE event. */
export interface SseMessage {
  /** The last event id seen so far (SSE carries it over to later events). */
  readonly id: string;
  readonly event: string;
  readonly data: string;
}

/** An incremental parser: `push` text as it arrives (chunks may split lines anywhere) and get the events it completes. */
export class SseParser {
  private lastId = '';
  private completed: SseMessage[] = [];
  private readonly parser: EventSourceParser = createParser({
    onEvent: (e) => {
      // The parser reports only the event's own id; SSE keeps the last one for the events after it.
      if (e.id !== undefined) this.lastId = e.id;
      this.completed.push({ id: this.lastId, event: e.event ?? 'message', data: e.data });
    },
  });

  /** The id of the last event, for `Last-Event-ID` when reconnecting. */
  get lastEventId(): string {
    return this.lastId;
  }

  /** Feeds a chunk and returns the events it completes, in order. */
  push(chunk: string): SseMessage[] {
    this.parser.feed(chunk);
    const out = this.completed;
    this.completed = [];
    return out;
  }

  /** Forgets a half-read event (a new connection starts clean) but keeps the last event id. */
  reconnect(): void {
    this.parser.reset();
    this.completed = [];
  }
}
