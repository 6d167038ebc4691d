import { afterAll, beforeAll, inject } from 'vitest';
import type { Backend } from '@weft/store/testing';
import { Receiver } from './receiver.js';
import { startStack, type Stack } from './stack.js';

/**
 * For one `describe`: a stack on the shared Temporal dev server (and, when asked, a receiver for
 * HTTP nodes), started before its tests and stopped after them. `ready` hands them to the suite.
 */
export function useStack(backend: Backend, ready: (stack: Stack, receiver: Receiver) => void, opts: { receiver?: boolean; env?: Record<string, string> } = {}): void {
  let stack: Stack | undefined;
  let receiver: Receiver | undefined;
  beforeAll(async () => {
    stack = await startStack({ backend, temporalAddress: inject('temporalAddress'), ...(opts.env ? { env: opts.env } : {}) });
    receiver = opts.receiver ? await new Receiver().start() : undefined;
    ready(stack, receiver as Receiver);
  });
  afterAll(async () => {
    await receiver?.close();
    await stack?.stop();
  });
}
