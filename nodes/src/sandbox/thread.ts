/**
 * A sandbox thread: runs one task at a time for the pool (a code job in QuickJS, an expression or
 * a params value in JSONata) and answers with JSON. The pool terminates the thread when a task
 * outlives its limit, so nothing here has to be interruptible to keep the process answering.
 */
import { parentPort } from 'node:worker_threads';
import { evaluateExpression, ExpressionError, resolveParams } from '@weft/schemas';
import { NodeError } from '../context.js';
import { codeMemoryLimit, prepareQuickJs, runQuickJs } from './quickjs.js';
import type { SandboxReply, SandboxTask } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('the sandbox thread runs only as a worker thread');
port.on('message', (task: SandboxTask) => {
  void handle(task).then((reply) => port.postMessage(reply));
});
// Compiled QuickJS first, so that no task's time limit pays for loading the thread.
await prepareQuickJs();
port.postMessage('ready');

async function handle(task: SandboxTask): Promise<SandboxReply> {
  try {
    switch (task.kind) {
      case 'code':
        return { id: task.id, ok: true, value: await runQuickJs(task.job) };
      case 'evaluate':
        return { id: task.id, ok: true, value: await evaluateExpression(task.source, task.scope, task.timeoutMs) };
      case 'resolve':
        return { id: task.id, ok: true, value: await resolveParams(task.value, task.scope, task.timeoutMs) };
    }
  } catch (e) {
    if (e instanceof NodeError) return { id: task.id, ok: false, error: plain(e) };
    if (e instanceof ExpressionError) return { id: task.id, ok: false, error: { type: e.type, message: e.message, expression: e.expression } };
    // The engine itself failed (QuickJS aborted, the heap ran out inside a built-in): whatever it
    // left behind goes with this thread.
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
