import { describe, expect, it } from 'vitest';
import { degradedMessages } from './health';

describe('degradedMessages', () => {
  it('says nothing while the database and Temporal work', () => {
    expect(degradedMessages({ status: 'ok', checks: { database: { ok: true }, temporal: { ok: true } } })).toEqual([]);
  });

  it('names each failing part with what it stops', () => {
    const checks = { database: { ok: false, error: 'x' }, temporal: { ok: false, error: 'y' } };
    expect(degradedMessages({ status: 'degraded', checks })).toEqual([
      'The database cannot take writes: nothing can be saved',
      'Weft cannot reach Temporal: runs are paused until it is back',
    ]);
    expect(degradedMessages({ status: 'degraded', checks: { database: { ok: true }, temporal: checks.temporal } })).toEqual(['Weft cannot reach Temporal: runs are paused until it is back']);
  });

  it('says so when the server itself does not answer', () => {
    expect(degradedMessages({ status: 'unreachable' })).toHaveLength(1);
  });
});
