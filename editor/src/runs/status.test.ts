import { NODE_STATUSES, RUN_STATUSES } from '@weft/schemas/run';
import { describe, expect, it } from 'vitest';
import { isFinalRunStatus, lostAttemptsText, nodeStatusLook, nodeStatusText, runStatusLook } from './status';

describe('status looks', () => {
  it('gives every run and node status its own icon and a word', () => {
    for (const status of RUN_STATUSES) {
      const look = runStatusLook(status);
      expect(look.icon).not.toBe('');
      expect(look.label).not.toBe('');
    }
    for (const status of [...NODE_STATUSES, 'none'] as const) {
      const look = nodeStatusLook(status);
      expect(look.icon).not.toBe('');
      expect(look.label).not.toBe('');
    }
    const nodeLabels = NODE_STATUSES.map((s) => nodeStatusLook(s).label);
    expect(new Set(nodeLabels).size).toBe(nodeLabels.length);
  });

  it('shows a status from a newer server by its name instead of failing', () => {
    expect(runStatusLook('paused' as never).label).toBe('paused');
  });
});

describe('isFinalRunStatus', () => {
  it('stops polling once a run is completed, failed, cancelled or rolled back', () => {
    expect(RUN_STATUSES.filter(isFinalRunStatus)).toEqual(['completed', 'failed', 'cancelled', 'rolled_back', 'compensation_failed']);
  });

  it('keeps polling queued, running and waiting runs', () => {
    expect(['queued', 'running', 'waiting'].every((s) => !isFinalRunStatus(s as never))).toBe(true);
  });
});

describe('nodeStatusText', () => {
  it('names the next attempt of a retrying node and the attempts a finished one took', () => {
    expect(nodeStatusText('retrying', 2)).toBe('Retrying (attempt 3)');
    expect(nodeStatusText('succeeded', 3)).toBe('Succeeded after 3 attempts');
    expect(nodeStatusText('succeeded', 1)).toBe('Succeeded');
    expect(nodeStatusText('pending', 0)).toBe('Pending');
  });
});

describe('lostAttemptsText', () => {
  it('says which attempts were lost and retried, and nothing when none were', () => {
    expect(lostAttemptsText([1])).toBe('Attempt 1 was lost (the worker stopped answering) and retried');
    expect(lostAttemptsText([1, 2, 4])).toBe('Attempts 1, 2 and 4 were lost (the worker stopped answering) and retried');
    expect(lostAttemptsText([])).toBeNull();
    expect(lostAttemptsText(undefined)).toBeNull();
  });
});
