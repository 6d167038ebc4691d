import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './breaker.js';

describe('circuit breaker', () => {
  it('opens after the configured failures in a row; a success in between starts the count again', () => {
    const b = new CircuitBreaker({ failures: 3, cooldownMs: 1000, now: () => 0 });
    b.failure();
    b.failure();
    b.success();
    b.failure();
    b.failure();
    expect(b.state).toBe('closed');
    expect(b.tryAcquire()).toBe(true);
    b.failure();
    expect(b.state).toBe('open');
    expect(b.tryAcquire()).toBe(false);
  });

  it('lets exactly one probe through after the cool-down and holds the others back until it ends', () => {
    let now = 0;
    const b = new CircuitBreaker({ failures: 1, cooldownMs: 1000, now: () => now });
    b.failure();
    now = 999;
    expect(b.tryAcquire()).toBe(false);
    now = 1000;
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false);
    b.release(); // the probe was cancelled: another may go
    expect(b.tryAcquire()).toBe(true);
    b.success();
    expect(b.state).toBe('closed');
    expect(b.tryAcquire()).toBe(true);
  });

  it('re-opens for a whole cool-down when the probe fails', () => {
    let now = 0;
    const b = new CircuitBreaker({ failures: 2, cooldownMs: 1000, now: () => now });
    b.failure();
    b.failure();
    now = 1500;
    expect(b.tryAcquire()).toBe(true);
    b.failure();
    expect(b.state).toBe('open');
    expect(b.retryInMs()).toBe(1000);
    now = 2499;
    expect(b.tryAcquire()).toBe(false);
    now = 2500;
    expect(b.tryAcquire()).toBe(true);
  });
});
