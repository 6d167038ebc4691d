import { z } from 'zod';
import { defineNode } from '../../define-node.js';

/** JavaScript in a sandbox (a V8 isolate, or QuickJS): JSON in, JSON out, with memory and time limits. */
export default defineNode({
  type: 'execution.code',
  kind: 'execution',
  version: 1,
  title: 'Code',
  description:
    'Runs JavaScript in a sandbox (a V8 isolate, or QuickJS where isolated-vm is unavailable) with a memory and a time limit. The code is a function body: `input`, `nodes` (upstream outputs by id) and `run` are plain JSON; `return` a JSON value. No network, files, timers, require or import.',
  icon: 'code',
  inputs: ['in'],
  outputs: ['out'],
  params: z
    .object({
      code: z.string().min(1).max(200_000).meta({ title: 'Code', description: 'A function body, e.g. return input.items.length' }),
      timeoutMs: z.number().int().min(1).max(60_000).default(1000).meta({ title: 'Time limit (ms)' }),
      memoryMb: z.number().int().min(1).max(512).default(64).meta({ title: 'Memory limit (MB)' }),
      maxOutputKb: z.number().int().min(1).max(16_384).default(1024).meta({ title: 'Largest output (KB)' }),
    })
    .strict(),
  output: z.unknown(),
  // No network, files or timers in the sandbox: running it again changes nothing outside.
  pure: true,
  // Code errors never retry (non-retryable); retries cover only lost attempts.
  policy: { timeout: '2m' },
});
