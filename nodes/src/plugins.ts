import { NodePolicy, PortName } from '@weft/schemas';
import type { NodeKind } from './define-node.js';
import type { NodeExecutor } from './context.js';

/** A package of custom node types: what a plugin's default export is. */
export interface WeftPlugin {
  /** Names the plugin in messages; by convention its npm package name. */
  readonly name: string;
  /** Its node types, each a definition with its executor. */
  readonly nodes: readonly NodeExecutor<any>[];
}

/**
 * Declares a plugin. Returns it unchanged and frozen; the server checks its shape when it loads it.
 * @example
 * import greet from './analysis/greet/definition.js';
 * import * as greetExecutor from './analysis/greet/executor.js';
 * export default definePlugin({ name: 'weft-plugin-hello', nodes: [{ definition: greet, ...greetExecutor }] });
 */
export function definePlugin<P extends WeftPlugin>(plugin: P): P {
  return Object.freeze(plugin);
}

/** The node kinds a type id may start with; a record so a new kind cannot be forgotten here. */
const KINDS: Record<NodeKind, true> = { strategy: true, security: true, execution: true, analysis: true, retrieval: true, control: true };

/** Every node kind, in palette order. */
export const NODE_KINDS = Object.keys(KINDS) as NodeKind[];

/** The type-id grammar of the workflow document, `kind.name`. */
const TYPE_ID = /^[a-z][a-z0-9-]*\.[a-z][a-zA-Z0-9-]*$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether a value is a zod 4 schema (duck-typed: a plugin may hold its own copy of zod). */
function isZodSchema(v: unknown): boolean {
  return isObject(v) && isObject(v['_zod']) && isObject(v['_zod']['def']) && typeof v['safeParse'] === 'function';
}

/**
 * What is wrong with a value meant to be a plugin, one short phrase each; empty when it is sound.
 * Checks the shape only: clashes with other types are the loader's business.
 * @example expect(pluginProblems(plugin)).toEqual([])
 */
export function pluginProblems(value: unknown): string[] {
  if (!isObject(value)) return [`the default export is ${kindOf(value)}, not a plugin object (export default definePlugin({ name, nodes }))`];
  const problems: string[] = [];
  if (typeof value['name'] !== 'string' || value['name'].trim() === '') problems.push('it has no name');
  const nodes = value['nodes'];
  if (!Array.isArray(nodes)) {
    problems.push('nodes is not a list of node types');
    return problems;
  }
  if (nodes.length === 0) problems.push('nodes is empty');
  const seen = new Set<string>();
  nodes.forEach((node: unknown, i) => {
    const at = `nodes[${i}]`;
    if (!isObject(node)) return problems.push(`${at} is ${kindOf(node)}, not { definition, execute }`);
    const def = node['definition'];
    if (!isObject(def)) return problems.push(`${at} has no definition`);
    const where = typeof def['type'] === 'string' ? `${at} (${def['type']})` : at;
    problems.push(...definitionProblems(def).map((p) => `${where}: ${p}`));
    if (typeof node['execute'] !== 'function') problems.push(`${where}: execute is not a function`);
    if (node['compensate'] !== undefined && typeof node['compensate'] !== 'function') problems.push(`${where}: compensate is not a function`);
    if (def['compensates'] !== undefined && typeof node['compensate'] !== 'function') problems.push(`${where}: the definition has compensates but there is no compensate function`);
    if (typeof def['type'] === 'string') {
      if (seen.has(def['type'])) problems.push(`${where}: the type is defined twice in this plugin`);
      seen.add(def['type']);
    }
    return undefined;
  });
  return problems;
}

/** What is wrong with one node definition. */
function definitionProblems(def: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const { type, kind } = def;
  if (typeof kind !== 'string' || !Object.hasOwn(KINDS, kind)) problems.push(`kind ${JSON.stringify(kind)} is not one of ${NODE_KINDS.join(', ')}`);
  if (typeof type !== 'string' || !TYPE_ID.test(type)) problems.push(`type ${JSON.stringify(type)} is not of the form kind.name (e.g. analysis.greet)`);
  else if (typeof kind === 'string' && type.split('.')[0] !== kind) problems.push(`type "${type}" does not start with its kind "${String(kind)}."`);
  if (typeof def['version'] !== 'number' || !Number.isInteger(def['version']) || def['version'] < 1) problems.push('version is not a positive integer');
  for (const k of ['title', 'description', 'icon'] as const) {
    if (typeof def[k] !== 'string') problems.push(`${k} is not a string`);
  }
  if (typeof def['title'] === 'string' && def['title'].trim() === '') problems.push('title is empty');
  for (const k of ['inputs', 'outputs'] as const) {
    const ports = def[k];
    if (!Array.isArray(ports)) problems.push(`${k} is not a list of port names`);
    else for (const p of ports) if (!PortName.safeParse(p).success) problems.push(`${k}: ${JSON.stringify(p)} is not a port name (lower-case, e.g. out)`);
  }
  if (!isZodSchema(def['params'])) problems.push('params is not a zod 4 schema');
  if (!isZodSchema(def['output'])) problems.push('output is not a zod 4 schema');
  if (def['policy'] !== undefined) {
    const policy = NodePolicy.safeParse(def['policy']);
    if (!policy.success) problems.push(`policy: ${policy.error.issues.map((i) => `${i.path.join('.') || 'policy'} ${i.message}`).join(', ')}`);
  }
  for (const k of ['expressionParams', 'deferredParams'] as const) {
    const v = def[k];
    if (v !== undefined && !(Array.isArray(v) && v.every((s) => typeof s === 'string'))) problems.push(`${k} is not a list of param names`);
  }
  for (const k of ['compensates', 'join', 'check'] as const) {
    if (def[k] !== undefined && typeof def[k] !== 'function') problems.push(`${k} is not a function`);
  }
  for (const k of ['routing', 'trigger', 'runOutput'] as const) {
    if (def[k] !== undefined && typeof def[k] !== 'boolean') problems.push(`${k} is not a boolean`);
  }
  // The engine runs the other modes (approval, wait, …) itself, so only built-ins may use them.
  if (def['mode'] !== undefined && def['mode'] !== 'activity') problems.push(`mode "${String(def['mode'])}" is reserved for built-in types (plugins run as activities)`);
  const dyn = def['dynamicOutputs'];
  if (dyn !== undefined && !(isObject(dyn) && typeof dyn['param'] === 'string' && ['field', 'fallback'].every((k) => dyn[k] === undefined || typeof dyn[k] === 'string'))) {
    problems.push('dynamicOutputs is not { param, field?, fallback? }');
  }
  return problems;
}

function kindOf(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return `a ${typeof v}`;
}
