import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { pluginProblems, type NodeDefinition, type WeftPlugin } from '@weft/nodes';
import { nodeExecutor, type NodeExecutor } from '@weft/nodes/executors';
import { ConfigError } from './config.js';

/** A plugin as loaded: where it came from (the `WEFT_PLUGINS` entry) and its node types. */
export interface LoadedPlugin {
  /** The entry of `WEFT_PLUGINS` it was loaded from. */
  readonly spec: string;
  readonly name: string;
  readonly nodes: readonly NodeExecutor[];
}

/** An npm package name, scoped or not (no subpath). */
const PACKAGE_NAME = /^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

/**
 * Imports the plugins `WEFT_PLUGINS` names, in order, and checks them: their shape, and that no
 * type clashes with a built-in (`taken`) or another plugin's. Package names are resolved from
 * `cwd`'s `node_modules` (and its parents'), paths relative to `cwd`. The first broken plugin
 * throws a `ConfigError` naming it and what is wrong.
 */
export async function loadPlugins(specs: readonly string[], o: { readonly taken: Iterable<string>; readonly cwd?: string }): Promise<LoadedPlugin[]> {
  const cwd = o.cwd ?? process.cwd();
  const owners = new Map<string, string>([...o.taken].map((t) => [t, 'is a built-in type']));
  const names = new Map<string, string>();
  const loaded: LoadedPlugin[] = [];
  for (const spec of specs) {
    let name = '';
    const fail = (what: string) => new ConfigError(`WEFT_PLUGINS: plugin "${spec}"${name ? ` (${name})` : ''} ${what}`);
    const entry = entryFile(spec, cwd, fail);
    let mod: { default?: unknown };
    try {
      mod = (await import(pathToFileURL(entry).href)) as { default?: unknown };
    } catch (e) {
      throw fail(`failed to load: ${relativeTo(cwd, entry)} threw: ${firstLine(e)}`);
    }
    if (mod.default === undefined) throw fail(`has no default export (${relativeTo(cwd, entry)}); it should end with \`export default definePlugin({ name, nodes })\``);
    const plugin = mod.default as WeftPlugin;
    if (typeof plugin === 'object' && plugin !== null && typeof plugin.name === 'string') name = plugin.name;
    const problems = pluginProblems(plugin);
    if (problems.length === 0) problems.push(...schemaProblems(plugin));
    if (problems.length) throw fail(`is not a valid plugin: ${problems.join('; ')}`);
    const other = names.get(plugin.name);
    if (other !== undefined) throw fail(`has the same name as plugin "${other}" (is it listed twice?)`);
    names.set(plugin.name, spec);
    for (const node of plugin.nodes) {
      const type = node.definition.type;
      const owner = owners.get(type);
      if (owner !== undefined) throw fail(`defines node type "${type}", which ${owner}; a type id can have one definition only`);
      owners.set(type, `plugin "${spec}" defines too`);
    }
    // Bound to their definitions: a custom type's params are parsed by its own schema before it runs.
    loaded.push({ spec, name: plugin.name, nodes: plugin.nodes.map((n) => nodeExecutor(n.definition, n)) });
  }
  return loaded;
}

/** The catalog serves params and output as JSON Schema: a schema that cannot be is refused now, not there. */
function schemaProblems(plugin: WeftPlugin): string[] {
  const problems: string[] = [];
  for (const { definition: d } of plugin.nodes as readonly { definition: NodeDefinition }[]) {
    for (const [field, schema, io] of [['params', d.params, 'input'], ['output', d.output, 'output']] as const) {
      try {
        z.toJSONSchema(schema, { io, unrepresentable: 'any' });
      } catch (e) {
        problems.push(`${d.type}: ${field} cannot be written as JSON Schema (${firstLine(e)})`);
      }
    }
  }
  return problems;
}

/** The file to import for a `WEFT_PLUGINS` entry: a path, or an installed package's entry point. */
function entryFile(spec: string, cwd: string, fail: (what: string) => ConfigError): string {
  if (spec.startsWith('.') || isAbsolute(spec)) {
    const path = resolve(cwd, spec);
    if (!existsSync(path)) throw fail(`cannot be found: there is no file or folder ${path}`);
    return statSync(path).isDirectory() ? packageEntry(path, fail) : path;
  }
  if (!PACKAGE_NAME.test(spec)) throw fail('is neither a path (start it with ./ or /) nor an npm package name');
  for (let dir = cwd; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', spec);
    if (existsSync(join(candidate, 'package.json'))) return packageEntry(candidate, fail);
    if (dirname(dir) === dir) break;
  }
  throw fail(`cannot be found: no package of that name is installed in ${cwd} or above (npm install it, or give a path starting with ./)`);
}

/** The entry point of a package folder: its `exports` (import, node or default condition), else `main`, else index.js. */
function packageEntry(dir: string, fail: (what: string) => ConfigError): string {
  let target = 'index.js';
  const manifest = join(dir, 'package.json');
  if (existsSync(manifest)) {
    let pkg: { exports?: unknown; main?: unknown };
    try {
      pkg = JSON.parse(readFileSync(manifest, 'utf8')) as typeof pkg;
    } catch (e) {
      throw fail(`has an unreadable package.json: ${firstLine(e)}`);
    }
    const fromExports = pkg.exports === undefined ? undefined : exportTarget(pkg.exports);
    if (pkg.exports !== undefined && fromExports === undefined) throw fail('has a package.json whose "exports" has no "." entry for import');
    target = fromExports ?? (typeof pkg.main === 'string' ? pkg.main : target);
  }
  const entry = resolve(dir, target);
  if (!existsSync(entry)) throw fail(`has no entry file ${entry}; is it built? (npm run build)`);
  return entry;
}

/** Resolves the root of a package's `exports` for `import` under Node: the first matching condition wins. */
function exportTarget(exports: unknown): string | undefined {
  if (typeof exports === 'string') return exports;
  if (Array.isArray(exports)) {
    for (const e of exports) {
      const t = exportTarget(e);
      if (t !== undefined) return t;
    }
    return undefined;
  }
  if (typeof exports !== 'object' || exports === null) return undefined;
  const map = exports as Record<string, unknown>;
  if (Object.keys(map).some((k) => k.startsWith('.'))) return '.' in map ? exportTarget(map['.']) : undefined;
  for (const [condition, value] of Object.entries(map)) {
    if (condition === 'import' || condition === 'node' || condition === 'default') {
      const t = exportTarget(value);
      if (t !== undefined) return t;
    }
  }
  return undefined;
}

function relativeTo(cwd: string, path: string): string {
  const r = relative(cwd, path);
  return r.startsWith('..') || isAbsolute(r) ? path : r;
}

function firstLine(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.split('\n')[0]!.trim();
}
