import jsonata from 'jsonata';

/** One `{{ … }}` found in a string param. */
export interface TemplatePart {
  /** The JSONata source between the braces, trimmed. */
  readonly source: string;
  /** Offset of the opening `{{` in the string. */
  readonly start: number;
  /** Offset just past the closing `}}`. */
  readonly end: number;
}

/**
 * Finds every `{{ … }}` in a string. Braces inside the expression (JSONata object constructors)
 * and inside string literals are balanced, so `{{ {"a": {"b": 1}} }}` is one expression.
 * Returns `undefined` for an unclosed `{{`.
 */
export function findTemplates(text: string): TemplatePart[] | undefined {
  const parts: TemplatePart[] = [];
  let i = text.indexOf('{{');
  while (i !== -1) {
    let depth = 0;
    let quote: string | undefined;
    let j = i + 2;
    let end = -1;
    for (; j < text.length; j++) {
      const ch = text[j]!;
      if (quote) {
        if (ch === '\\') j++;
        else if (ch === quote) quote = undefined;
        continue;
      }
      if (ch === '"' || ch === "'" || ch === '`') quote = ch;
      else if (ch === '{') depth++;
      else if (ch === '}') {
        if (depth === 0 && text[j + 1] === '}') {
          end = j + 2;
          break;
        }
        depth = Math.max(0, depth - 1);
      }
    }
    if (end === -1) return undefined;
    parts.push({ source: text.slice(i + 2, end - 2).trim(), start: i, end });
    i = text.indexOf('{{', end);
  }
  return parts;
}

/** Whether a string holds any `{{ }}` at all (cheap test before parsing). */
export function hasTemplate(text: string): boolean {
  return text.includes('{{');
}

/** A JSONata syntax error, with the character position inside the expression. */
export interface ExpressionSyntaxError {
  readonly message: string;
  readonly position?: number;
}

/** Parses a JSONata expression; returns the syntax error, or `undefined` when it parses. */
export function checkExpression(source: string): ExpressionSyntaxError | undefined {
  return analyseExpression(source).error;
}

/** What expressions can see while a node's params are resolved. */
export interface ExpressionScope {
  /** The node's input: what arrived on its input port(s). Also the context `$`. */
  readonly input: unknown;
  /** Outputs of the nodes upstream of this one, as `$nodes.<id>.output`. */
  readonly nodes: Readonly<Record<string, { readonly output: unknown }>>;
  /** `$run`: the run id, workflow id, version and run input. */
  readonly run: Readonly<Record<string, unknown>>;
  /** `$env`: only the allow-listed environment variables. */
  readonly env?: Readonly<Record<string, string>>;
  /** `$output`: the node's own recorded output, in compensation requests. */
  readonly output?: unknown;
  /** `$item` and `$index`: the current item inside a loop body. */
  readonly item?: unknown;
  readonly index?: number;
  /** `$tool`: the arguments an agent called this node with, when it runs as a tool. */
  readonly tool?: Readonly<Record<string, unknown>>;
}

/** Why an expression failed: the node error type it becomes. */
export type ExpressionErrorType = 'ExpressionError' | 'ExpressionTimeout' | 'ExpressionMemoryLimit';

/** Raised when an expression fails to parse, to evaluate, or runs past its time or memory limit. */
export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';
  constructor(
    message: string,
    /** The expression that failed. */
    readonly expression: string,
    /** `ExpressionTimeout` past the time limit, `ExpressionMemoryLimit` past the memory cap. */
    readonly type: ExpressionErrorType = 'ExpressionError',
  ) {
    super(message);
  }
}

const ENTRY = Symbol.for('jsonata.__evaluate_entry');

/** Evaluates one JSONata expression in a scope, stopping it after `timeoutMs`. */
export async function evaluateExpression(source: string, scope: ExpressionScope, timeoutMs = 1000): Promise<unknown> {
  let expr: ReturnType<typeof jsonata>;
  try {
    expr = jsonata(source);
  } catch (e) {
    throw new ExpressionError(`cannot parse "${source}": ${(e as Error).message}`, source);
  }
  const deadline = Date.now() + timeoutMs;
  // JSONata calls this before every step, so a runaway expression is stopped between steps.
  expr.assign(ENTRY as unknown as string, () => {
    if (Date.now() > deadline) throw new ExpressionError(`expression ran longer than ${timeoutMs} ms`, source, 'ExpressionTimeout');
  });
  try {
    const value: unknown = await expr.evaluate(scope.input, {
      input: scope.input,
      nodes: scope.nodes,
      run: scope.run,
      env: scope.env ?? {},
      ...(scope.output === undefined ? {} : { output: scope.output }),
      ...(scope.index === undefined ? {} : { item: scope.item, index: scope.index }),
      ...(scope.tool === undefined ? {} : { tool: scope.tool }),
    });
    return toJson(value);
  } catch (e) {
    if (e instanceof ExpressionError) throw e;
    throw new ExpressionError(`"${source}" failed: ${(e as Error).message}`, source);
  }
}

/**
 * Resolves a template string. A string that is exactly one `{{ expr }}` keeps the value's type
 * (number, object, …); anything else is interpolated as text.
 * @example await resolveTemplate('{{ $input.n * 2 }}', scope) // 42, a number
 */
export async function resolveTemplate(text: string, scope: ExpressionScope, timeoutMs?: number): Promise<unknown> {
  if (!hasTemplate(text)) return text;
  const parts = findTemplates(text);
  if (!parts) throw new ExpressionError('unclosed {{ in expression', text);
  const only = parts[0];
  if (parts.length === 1 && only && only.start === 0 && only.end === text.length) {
    return evaluateExpression(only.source, scope, timeoutMs);
  }
  let out = '';
  let last = 0;
  for (const p of parts) {
    out += text.slice(last, p.start);
    const v = await evaluateExpression(p.source, scope, timeoutMs);
    out += v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
    last = p.end;
  }
  return out + text.slice(last);
}

/** Resolves every template string inside a params value (objects and arrays walked deeply). */
export async function resolveParams(value: unknown, scope: ExpressionScope, timeoutMs?: number): Promise<unknown> {
  if (typeof value === 'string') return resolveTemplate(value, scope, timeoutMs);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const v of value) out.push(await resolveParams(v, scope, timeoutMs));
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = await resolveParams(v, scope, timeoutMs);
    return out;
  }
  return value;
}

/** JSONata results can carry internal markers (sequence flags); normalise to plain JSON. */
function toJson(value: unknown): unknown {
  if (value === undefined) return undefined;
  return JSON.parse(JSON.stringify(value)) as unknown;
}

/** A `$nodes.<id>.output.<field>…` reference found in an expression. */
export interface NodeReference {
  readonly nodeId: string;
  /** Field names read from the output, outermost first; empty when the whole output is read. */
  readonly fields: readonly string[];
}

/** What static analysis of an expression tells. */
export interface ExpressionAnalysis {
  readonly error?: ExpressionSyntaxError;
  readonly references: readonly NodeReference[];
  /** Whether the expression certainly yields a boolean (comparisons, `and`/`or`, `$not`, …). */
  readonly boolean: boolean;
  /** Whether it reads `$tool` (a tool's arguments), and the argument names it reads as `$tool.<name>`. */
  readonly tool?: { readonly args: readonly string[] };
  /**
   * Whether it calls no function, builds no range and holds no regular expression: every step it
   * takes is between JSONata's own time checks, so it can be evaluated where it cannot be
   * stopped from outside (a built-in such as `$match` or `$pad` runs to its end before any check).
   */
  readonly stepwise: boolean;
}

interface AstNode {
  readonly type?: string;
  readonly value?: unknown;
  readonly steps?: readonly AstNode[];
  readonly stages?: readonly unknown[];
  readonly procedure?: AstNode;
  readonly condition?: AstNode;
  readonly then?: AstNode;
  readonly else?: AstNode;
  readonly expressions?: readonly AstNode[];
}

/** AST nodes whose work can run long between two of JSONata's step checks: calls, lambdas, regexes. */
const UNBOUNDED_NODES = new Set(['function', 'partial', 'lambda', 'regex', 'apply', 'transform']);
const BOOLEAN_OPERATORS = new Set(['=', '!=', '<', '<=', '>', '>=', 'and', 'or', 'in']);
const BOOLEAN_FUNCTIONS = new Set(['boolean', 'not', 'exists', 'contains']);

// Parsing dominates validation, and the editor and the server validate the same expressions
// over and over (every edit, save, publish and run), so analyses are kept by source text. Least
// recently used first out; at most 4,096 sources of up to 1,000 characters each.
const CACHED_ANALYSES_MAX = 4096;
const CACHED_SOURCE_MAX = 1000;
const ANALYSES = new Map<string, ExpressionAnalysis>();

/**
 * Parses an expression and reports its syntax error, the nodes it reads, and whether it is boolean.
 * The result is shared between calls with the same source and frozen: do not change it.
 */
export function analyseExpression(source: string): ExpressionAnalysis {
  const known = ANALYSES.get(source);
  if (known) {
    // Re-inserted so that the map's order is least recently used first.
    ANALYSES.delete(source);
    ANALYSES.set(source, known);
    return known;
  }
  const analysis = deepFreeze(analyse(source));
  if (source.length <= CACHED_SOURCE_MAX) {
    ANALYSES.set(source, analysis);
    if (ANALYSES.size > CACHED_ANALYSES_MAX) ANALYSES.delete(ANALYSES.keys().next().value!);
  }
  return analysis;
}

function analyse(source: string): ExpressionAnalysis {
  let ast: AstNode;
  try {
    ast = jsonata(source).ast() as AstNode;
  } catch (e) {
    const err = e as { message?: string; position?: number };
    return { error: { message: err.message ?? String(e), ...(err.position === undefined ? {} : { position: err.position }) }, references: [], boolean: false, stepwise: false };
  }
  const references: NodeReference[] = [];
  let tool: string[] | undefined;
  let stepwise = true;
  walkAst(ast, (node) => {
    if (UNBOUNDED_NODES.has(String(node.type)) || (node.type === 'binary' && node.value === '..')) stepwise = false;
    if (node.type === 'variable' && node.value === 'tool') tool ??= [];
    if (node.type === 'path' && node.steps?.[0]?.type === 'variable' && node.steps[0].value === 'tool' && node.steps[1]?.type === 'name') {
      (tool ??= []).push(String(node.steps[1].value));
    }
    const steps = node.type === 'path' ? node.steps : undefined;
    const [head, id, output] = steps ?? [];
    if (!steps || head?.type !== 'variable' || head.value !== 'nodes' || id?.type !== 'name') return;
    const fields: string[] = [];
    if (output?.type === 'name' && output.value === 'output' && !output.stages?.length) {
      for (const step of steps.slice(3)) {
        if (step.type !== 'name') break;
        fields.push(String(step.value));
        if (step.stages?.length) break; // a filter or index: what follows is no longer a plain field
      }
    }
    references.push({ nodeId: String(id.value), fields });
  });
  return { references, boolean: isBoolean(ast), stepwise, ...(tool ? { tool: { args: [...new Set(tool)] } } : {}) };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function isBoolean(node: AstNode | undefined): boolean {
  if (!node) return false;
  switch (node.type) {
    case 'binary':
      return BOOLEAN_OPERATORS.has(String(node.value));
    case 'value':
      return typeof node.value === 'boolean';
    case 'function':
      return node.procedure?.type === 'variable' && BOOLEAN_FUNCTIONS.has(String(node.procedure.value));
    case 'condition':
      return isBoolean(node.then) && (node.else === undefined || isBoolean(node.else));
    case 'block':
      return isBoolean(node.expressions?.[node.expressions.length - 1]);
    default:
      return false;
  }
}

function walkAst(node: unknown, visit: (node: AstNode) => void): void {
  if (Array.isArray(node)) {
    for (const n of node) walkAst(n, visit);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  visit(node as AstNode);
  for (const v of Object.values(node)) if (v !== null && typeof v === 'object') walkAst(v, visit);
}
