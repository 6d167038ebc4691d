/**
 * A sandbox process: runs code jobs for the pool in V8 isolates (isolated-vm), one at a time, and
 * answers with JSON. It is a process, not a thread, because some built-ins loop natively without
 * checking for termination (`Array.prototype.indexOf` over a huge array-like): neither the
 * isolate's deadline nor terminating a thread stops them, killing a process does.
 */
import { NodeError } from '../context.js';
import type { SandboxReply, SandboxTask } from './protocol.js';
import { codeMemoryLimit } from './quickjs.js';
import { prepareV8, runV8 } from './v8.js';

const send = (message: SandboxReply | 'ready' | { readonly unavailable: string }) => process.send?.(message);
if (!process.send) throw new Error('the sandbox process runs only as a child process with an IPC channel');

try {
  prepareV8();
} catch (e) {
  // isolated-vm did not build or load here: the pool falls back to QuickJS.
  send({ unavailable: e instanceof Error ? e.message : String(e) });
  process.exit(0);
}
process.on('message', (task: SandboxTask) => send(handle(task)));
// Without its parent, nothing here has a use.
process.on('disconnect', () => process.exit(0));
send('ready');

function handle(task: SandboxTask): SandboxReply {
  if (task.kind !== 'code') return { id: task.id, ok: false, error: { type: 'ExpressionError', message: 'a sandbox process runs only code jobs' } };
  try {
    return { id: task.id, ok: true, value: runV8(task.job) };
  } catch (e) {
    if (e instanceof NodeError) return { id: task.id, ok: false, error: { type: e.type, message: e.message } };
    const message = e instanceof Error ? e.message : String(e);
    if (/memory/i.test(message)) return { id: task.id, ok: false, error: { type: codeMemoryLimit(task.job).type, message: codeMemoryLimit(task.job).message }, recycle: true };
    return { id: task.id, ok: false, error: { type: 'CodeError', message: `the sandbox failed: ${message}` }, recycle: true };
  }
}
