import type { AgentStep, RunEvent } from '@weft/schemas';
import { beforeEach, describe, expect, it } from 'vitest';
import { textKey } from '../runs/agent-transcript';
import { resetAgentStore, useAgentStore } from './agent-store';

let id = 0;
const event = (type: RunEvent['type'], data: object, nodeId = 'boss'): RunEvent => ({ id: ++id, runId: 'r1', type, nodeId, attempt: null, data, at: '2026-12-06T09:00:00.000Z' });
const turnEvent = (turn: number, status: string) => event('agent', { agent: 'boss', turn, part: 0, kind: 'turn', status });
const text = (turn: number, delta: string) => event('agent_text', { agent: 'boss', turn, delta });

describe('the agent store', () => {
  beforeEach(() => {
    resetAgentStore();
    id = 0;
  });

  it('grows a turn\'s text from its deltas and counts each event once, however often the stream replays it', () => {
    const { apply } = useAgentStore.getState();
    const events = [turnEvent(1, 'running'), text(1, 'Let me '), text(1, 'look.')];
    for (const e of [...events, ...events]) apply('r1', e);
    expect(useAgentStore.getState().texts[textKey('boss', 1)]).toBe('Let me look.');
    expect(useAgentStore.getState().changes).toBe(1);
  });

  it('starts a turn\'s text again when the turn is tried again', () => {
    const { apply } = useAgentStore.getState();
    for (const e of [turnEvent(1, 'running'), text(1, 'Half an ans'), turnEvent(1, 'running'), text(1, 'Whole')]) apply('r1', e);
    expect(useAgentStore.getState().texts[textKey('boss', 1)]).toBe('Whole');
  });

  it('never lets a transcript fetched earlier take back an end an event reported', () => {
    const { apply, setSteps } = useAgentStore.getState();
    apply('r1', event('agent', { agent: 'boss', turn: 1, part: 1, kind: 'call', status: 'succeeded', tool: 'lookup', name: 'lookup' }));
    const stale: AgentStep = { agent: 'boss', nodeId: 'boss', turn: 1, part: 1, kind: 'call', status: 'running', data: { callId: 'c', name: 'lookup', tool: 'lookup', arguments: {}, key: 'k' }, startedAt: '', endedAt: null };
    setSteps('r1', [stale]);
    expect(useAgentStore.getState().signals['boss|1|1']!.status).toBe('succeeded');
    expect(useAgentStore.getState().steps).toEqual([stale]);
  });

  it('forgets another run\'s agents', () => {
    useAgentStore.getState().apply('r1', turnEvent(1, 'running'));
    useAgentStore.getState().begin('r2');
    expect(useAgentStore.getState()).toMatchObject({ runId: 'r2', signals: {}, texts: {}, lastEventId: 0 });
  });
});
