import type { ExpressionScope } from '@weft/schemas';

/** One run of a code node's function body, with its limits. */
export interface CodeJob {
  /** The function body the user wrote. */
  readonly code: string;
  /** What the body sees as `input`, `nodes` (upstream outputs by id) and `run`: plain JSON. */
  readonly data: { readonly input: unknown; readonly nodes: Readonly<Record<string, unknown>>; readonly run: unknown };
  readonly timeoutMs: number;
  readonly memoryMb: number;
  readonly maxOutputKb: number;
}

/** What the pool asks a sandbox process to do. */
export type SandboxTask =
  | { readonly id: number; readonly kind: 'code'; readonly job: CodeJob }
  | { readonly id: number; readonly kind: 'evaluate'; readonly source: string; readonly scope: ExpressionScope; readonly timeoutMs: number }
  | { readonly id: number; readonly kind: 'resolve'; readonly value: unknown; readonly scope: ExpressionScope; readonly timeoutMs: number };

/** A failure as it crosses back: the node error type and a message for the user. */
export interface SandboxFailure {
  readonly type: string;
  readonly message: string;
  /** The expression that failed, for expression tasks. */
  readonly expression?: string;
}

/**
 * A process's answer to one task. `recycle` asks the pool to replace the process: its WebAssembly
 * or JavaScript heap may hold what the task left behind (an aborted QuickJS, a memory limit reached).
 */
export type SandboxReply =
  | { readonly id: number; readonly ok: true; readonly value: unknown; readonly recycle?: boolean }
  | { readonly id: number; readonly ok: false; readonly error: SandboxFailure; readonly recycle?: boolean };

/**
 * What a sandbox process sends: `{ unavailable }` when isolated-vm does not load (it runs code in
 * QuickJS from then on), `'ready'` once loaded, then one reply per task.
 */
export type SandboxMessage = SandboxReply | 'ready' | { readonly unavailable: string };
