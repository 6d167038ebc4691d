// A Server-Sent Events parser for streams read with fetch: EventSource cannot send the bearer
// token, so the editor reads the body itself and feeds the chunks here.

/** One dispatched SSE event. */
export interface SseMessage {
  /** The last event id seen so far (SSE carries it over to later events). */
  readonly id: string;
  readonly event: string;
  readonly data: string;
}

/**
 * An incremental parser: `push` text as it arrives (chunks may split lines anywhere) and get
 * the events completed by it. Follows the WHATWG rules for fields, comments and line endings.
 */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private lastId = '';
  private sawData = false;
  // A chunk that ended in \r may be the first half of \r\n.
  private pendingCr = false;

  /** The id of the last event, for `Last-Event-ID` when reconnecting. */
  get lastEventId(): string {
    return this.lastId;
  }

  /** Feeds a chunk and returns the events it completes, in order. */
  push(chunk: string): SseMessage[] {
    let text = chunk;
    if (this.pendingCr && text.startsWith('\n')) text = text.slice(1);
    this.pendingCr = text.endsWith('\r');
    this.buffer += text;
    const out: SseMessage[] = [];
    const lines = this.buffer.split(/\r\n|\r|\n/);
    this.buffer = lines.pop() ?? '';
    for (const line of lines) {
      const message = this.line(line);
      if (message) out.push(message);
    }
    return out;
  }

  private line(line: string): SseMessage | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.data.push(value);
        this.sawData = true;
        break;
      case 'event':
        this.event = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastId = value;
        break;
      default:
        // `retry` and unknown fields: the editor sets its own reconnect delay.
        break;
    }
    return undefined;
  }

  private dispatch(): SseMessage | undefined {
    const message = this.sawData ? { id: this.lastId, event: this.event || 'message', data: this.data.join('\n') } : undefined;
    this.data = [];
    this.event = '';
    this.sawData = false;
    return message;
  }
}
