/**
 * A sandbox process: runs one task at a time for the pool — a code job in a V8 isolate
 * (isolated-vm) or in QuickJS, an expression or a params value in JSONata — and answers with JSON.
 * It is a process, not a thread, so that nothing a task does can take the pool's process along:
 * the pool kills it at the deadline (some built-ins loop natively without checking for
 * termination, `Array.prototype.indexOf` over a huge array-like, and neither an isolate's deadline
 * nor terminating a thread stops them), and a JavaScript heap that runs out (a JSONata built-in
 * asked for a string of half a billion characters) aborts this process only, where in a worker
 * thread V8's fatal out-of-memory aborts the whole process.
 */
import { evaluateExpression, ExpressionError, resolveParams } from '@weft/schemas';
import { NodeError } from '../context.js';
import type { SandboxMessage, SandboxReply, SandboxTask } from './protocol.js';
import { codeMemoryLimit, prepareQuickJs, runQuickJs } from './quickjs.js';
import { prepareV8, runV8 } from './v8.js';

const send = (message: SandboxMessage) => process.send?.(message);
if (!process.send) throw new Error('the sandbox process runs only as a child process with an IPC channel');

let engine = process.argv[2] === 'quickjs' ? 'quickjs' : 'v8';
if (engine === 'v8') {
  try {
    prepareV8();
  } catch (e) {
    // isolated-vm did not build or load here: code runs in QuickJS, and the pool says so.
    send({ unavailable: e instanceof Error ? e.message : String(e) });
    engine = 'quickjs';
  }
}
// Compiled QuickJS first, so that no task's time limit pays for loading it.
if (engine === 'quickjs') await prepareQuickJs();
process.on('message', (task: SandboxTask) => void handle(task).then(send));
// Without its parent, nothing here has a use.
process.on('disconnect', () => process.exit(0));
send('ready');

async function handle(task: SandboxTask): Promise<SandboxReply> {
  try {
    switch (task.kind) {
      case 'code':
        return { id: task.id, ok: true, value: engine === 'v8' ? runV8(task.job) : await runQuickJs(task.job) };
      case 'evaluate':
        return { id: task.id, ok: true, value: await evaluateExpression(task.source, task.scope, task.timeoutMs) };
      case 'resolve':
        return { id: task.id, ok: true, value: await resolveParams(task.value, task.scope, task.timeoutMs) };
    }
  } catch (e) {
    if (e instanceof NodeError) return { id: task.id, ok: false, error: plain(e) };
    if (e instanceof ExpressionError) return { id: task.id, ok: false, error: { type: e.type, message: e.message, expression: e.expression } };
    // The engine itself failed (QuickJS aborted, the heap ran out inside a built-in): whatever it
    // left behind goes with this process.
    const message = e instanceof Error ? e.message : String(e);
    if (task.kind !== 'code') return { id: task.id, ok: false, error: { type: 'ExpressionError', message }, recycle: true };
    if (/memory|enlarge|OOM/i.test(message)) return { id: task.id, ok: false, error: plain(codeMemoryLimit(task.job)), recycle: true };
    if (/call stack/i.test(message)) return { id: task.id, ok: false, error: { type: 'CodeError', message: 'stack overflow (too deep recursion)' }, recycle: true };
    return { id: task.id, ok: false, error: { type: 'CodeError', message: `the sandbox failed: ${message}` }, recycle: true };
  }
}

function plain(e: NodeError): { type: string; message: string } {
  return { type: e.type, message: e.message };
}
