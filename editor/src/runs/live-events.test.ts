import { describe, expect, it } from 'vitest';
import { nodeStatusOfEvent, parseRunEvent } from './live-events';

describe('nodeStatusOfEvent', () => {
  it('turns node events into the status the card shows', () => {
    expect(nodeStatusOfEvent({ type: 'started', nodeId: 'a' })).toBe('running');
    expect(nodeStatusOfEvent({ type: 'retrying', nodeId: 'a' })).toBe('retrying');
    expect(nodeStatusOfEvent({ type: 'compensated', nodeId: 'a' })).toBe('compensated');
  });

  it('ignores run events and the start of an undo', () => {
    expect(nodeStatusOfEvent({ type: 'run', nodeId: null })).toBeNull();
    expect(nodeStatusOfEvent({ type: 'compensating', nodeId: 'a' })).toBeNull();
  });
});

describe('parseRunEvent', () => {
  it('reads an event and refuses other data', () => {
    expect(parseRunEvent('{"id":3,"type":"started","nodeId":"a"}')).toMatchObject({ id: 3, nodeId: 'a' });
    expect(parseRunEvent('nope')).toBeNull();
    expect(parseRunEvent('{"type":"x"}')).toBeNull();
  });
});
