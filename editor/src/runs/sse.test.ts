import { describe, expect, it } from 'vitest';
import { SseParser } from './sse';

describe('SseParser', () => {
  it('dispatches an event at the blank line with its id, type and data', () => {
    const p = new SseParser();
    expect(p.push('id: 7\nevent: started\ndata: {"a":1}\n\n')).toEqual([{ id: '7', event: 'started', data: '{"a":1}' }]);
    expect(p.lastEventId).toBe('7');
  });

  it('joins events split across chunks anywhere, including inside a CRLF', () => {
    const p = new SseParser();
    const text = 'id: 1\r\nevent: run\r\ndata: one\r\n\r\nid: 2\r\ndata: two\r\n\r\n';
    const out = [];
    for (const ch of text) out.push(...p.push(ch));
    expect(out).toEqual([
      { id: '1', event: 'run', data: 'one' },
      { id: '2', event: 'message', data: 'two' },
    ]);
  });

  it('joins several data lines with newlines and ignores comments and unknown fields', () => {
    const p = new SseParser();
    expect(p.push(': keep-alive\nretry: 10\ndata: a\ndata:b\nfoo: x\n\n')).toEqual([{ id: '', event: 'message', data: 'a\nb' }]);
  });

  it('keeps the last id for later events without one and sends nothing for a block without data', () => {
    const p = new SseParser();
    expect(p.push('id: 5\ndata: w\n\n')).toEqual([{ id: '5', event: 'message', data: 'w' }]);
    expect(p.push('data: x\n\n')).toEqual([{ id: '5', event: 'message', data: 'x' }]);
    expect(p.push('event: ping\n\n')).toEqual([]);
  });

  it('drops a half-read event on reconnect and keeps the last id', () => {
    const p = new SseParser();
    p.push('id: 3\ndata: one\n\ndata: cut');
    p.reconnect();
    expect(p.push('\n\n')).toEqual([]);
    expect(p.lastEventId).toBe('3');
  });

  it('holds an unfinished event until its blank line arrives', () => {
    const p = new SseParser();
    expect(p.push('data: half')).toEqual([]);
    expect(p.push('\n')).toEqual([]);
    expect(p.push('\n')).toEqual([{ id: '', event: 'message', data: 'half' }]);
  });
});
