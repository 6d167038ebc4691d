import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinDefinitions } from '@weft/nodes/executors';
import { testContext } from '@weft/nodes/testing';
import { ConfigError, loadConfig } from './config.js';
import { loadNodeTypes, loadPlugins } from '@weft/workers/process';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const EXAMPLE = join(ROOT, 'examples', 'plugin-hello');
const taken = builtinDefinitions.map((d) => d.type);

/** Loads from the repository root, as `npm start` does; resolves to the error when it throws. */
const load = (specs: string[], cwd = ROOT) => loadPlugins(specs, { taken, cwd });
async function failure(specs: string[], cwd = ROOT): Promise<ConfigError> {
  const e = await load(specs, cwd).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(e).toBeInstanceOf(ConfigError);
  return e as ConfigError;
}

describe('loading plugins', () => {
  it('loads the example plugin by path, relative to the working directory', async () => {
    const [plugin, ...rest] = await load(['./examples/plugin-hello']);
    expect(rest).toEqual([]);
    expect(plugin!.name).toBe('@weft-examples/plugin-hello');
    expect(plugin!.nodes.map((n) => n.definition.type)).toEqual(['analysis.greet']);
    expect(await plugin!.nodes[0]!.execute!(testContext(), { name: 'Ada', greeting: 'Hi' }, null)).toEqual({ text: 'Hi, Ada!' });
  });

  it('loads the example plugin by package name from node_modules, also from a folder below', async () => {
    const [fromRoot] = await load(['@weft-examples/plugin-hello']);
    const [fromBelow] = await load(['@weft-examples/plugin-hello'], join(ROOT, 'server', 'src'));
    expect(fromRoot!.nodes[0]!.definition.type).toBe('analysis.greet');
    // Both names resolve to one module: the definition is the same object.
    expect(fromBelow!.nodes[0]!.definition).toBe(fromRoot!.nodes[0]!.definition);
  });

  it('adds plugin types to the catalog and their executors to the worker', async () => {
    const types = await loadNodeTypes(loadConfig({ WEFT_PLUGINS: `${EXAMPLE}, ` }));
    expect(types.registry.definition('analysis.greet')?.title).toBe('Greet');
    expect(types.registry.definition('analysis.transform')).toBeDefined();
    expect(types.executors.map((e) => e.definition.type)).toContain('analysis.greet');
  });

  it('loads only the built-ins when WEFT_PLUGINS is empty', async () => {
    const types = await loadNodeTypes(loadConfig({}));
    expect(types.registry.all().map((d) => d.type)).toEqual(taken);
  });
});

describe('a broken plugin stops start-up with a message naming it', () => {
  let dir: string;
  /** Writes a plugin folder under the temporary directory, which sees the repository's node_modules. */
  const plugin = (name: string, files: Record<string, string>) => {
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name, file)), { recursive: true });
      writeFileSync(join(dir, name, file), text);
    }
    return `./${name}`;
  };
  const esm = (index: string) => ({ 'package.json': JSON.stringify({ name: 'x', type: 'module', main: 'index.js' }), 'index.js': index });
  const greetNode = `{ type: 'analysis.shout', kind: 'analysis', version: 1, title: 'Shout', description: '', icon: 'x',
    inputs: ['in'], outputs: ['out'], params: z.object({}), output: z.string() }`;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'weft-plugins-'));
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names a package that is not installed', async () => {
    const e = await failure(['weft-plugin-nowhere'], dir);
    expect(e.message).toBe(`WEFT_PLUGINS: plugin "weft-plugin-nowhere" cannot be found: no package of that name is installed in ${dir} or above (npm install it, or give a path starting with ./)`);
  });

  it('names a path with nothing there', async () => {
    const e = await failure(['./missing'], dir);
    expect(e.message).toBe(`WEFT_PLUGINS: plugin "./missing" cannot be found: there is no file or folder ${join(dir, 'missing')}`);
  });

  it('says a package is probably not built when its entry file is missing', async () => {
    const spec = plugin('unbuilt', { 'package.json': JSON.stringify({ name: 'unbuilt', type: 'module', exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } } }) });
    const e = await failure([spec], dir);
    expect(e.message).toBe(`WEFT_PLUGINS: plugin "./unbuilt" has no entry file ${join(dir, 'unbuilt', 'dist', 'index.js')}; is it built? (npm run build)`);
  });

  it('passes on the error of a plugin that throws on import', async () => {
    const spec = plugin('throws', esm(`throw new Error('WEATHER_API_KEY is not set');\n`));
    const e = await failure([spec], dir);
    expect(e.message).toBe('WEFT_PLUGINS: plugin "./throws" failed to load: throws/index.js threw: WEATHER_API_KEY is not set');
  });

  it('refuses a module without a default export', async () => {
    const spec = plugin('no-default', esm(`export const nodes = [];\n`));
    const e = await failure([spec], dir);
    expect(e.message).toMatch(/^WEFT_PLUGINS: plugin "\.\/no-default" has no default export \(no-default\/index\.js\); it should end with `export default definePlugin/);
  });

  it('lists every problem of a plugin of the wrong shape', async () => {
    const spec = plugin(
      'bad-shape',
      esm(`import { z } from 'zod';
export default { name: 'bad-shape', nodes: [
  { definition: { type: 'shout', kind: 'magic', version: 0, title: 'Shout', description: '', icon: 'x', inputs: ['In'], outputs: ['out'], params: { text: 'string' }, output: z.string() }, execute: async () => 1 },
  { definition: ${greetNode} },
] };
`),
    );
    const e = await failure([spec], dir);
    expect(e.message).toBe(
      'WEFT_PLUGINS: plugin "./bad-shape" (bad-shape) is not a valid plugin: ' +
        'nodes[0] (shout): kind "magic" is not one of strategy, security, execution, analysis, retrieval, control; ' +
        'nodes[0] (shout): type "shout" is not of the form kind.name (e.g. analysis.greet); ' +
        'nodes[0] (shout): version is not a positive integer; ' +
        'nodes[0] (shout): inputs: "In" is not a port name (lower-case, e.g. out); ' +
        'nodes[0] (shout): params is not a zod 4 schema; ' +
        'nodes[1] (analysis.shout): execute is not a function',
    );
  });

  it('refuses a default export that is not a plugin object', async () => {
    const spec = plugin('a-list', esm(`export default [];\n`));
    const e = await failure([spec], dir);
    expect(e.message).toBe('WEFT_PLUGINS: plugin "./a-list" is not a valid plugin: the default export is a list, not a plugin object (export default definePlugin({ name, nodes }))');
  });

  it('refuses a type that a built-in has', async () => {
    const spec = plugin(
      'clash-builtin',
      esm(`import { definePlugin } from '@weft/nodes';
import { builtinDefinitions } from '@weft/nodes/executors';
const transform = builtinDefinitions.find((d) => d.type === 'analysis.transform');
export default definePlugin({ name: 'my-transform', nodes: [{ definition: transform, execute: async () => null }] });
`),
    );
    const e = await failure([spec], dir);
    expect(e.message).toBe('WEFT_PLUGINS: plugin "./clash-builtin" (my-transform) defines node type "analysis.transform", which is a built-in type; a type id can have one definition only');
  });

  it('refuses a type that another plugin has', async () => {
    const spec = plugin(
      'clash-plugin',
      esm(`import { definePlugin } from '@weft/nodes';
import hello from '@weft-examples/plugin-hello';
export default definePlugin({ name: 'hello-again', nodes: hello.nodes });
`),
    );
    const e = await failure([EXAMPLE, spec], dir);
    expect(e.message).toBe(`WEFT_PLUGINS: plugin "./clash-plugin" (hello-again) defines node type "analysis.greet", which plugin "${EXAMPLE}" defines too; a type id can have one definition only`);
  });

  it('refuses a plugin listed twice', async () => {
    const e = await failure(['@weft-examples/plugin-hello', EXAMPLE], dir);
    expect(e.message).toBe(`WEFT_PLUGINS: plugin "${EXAMPLE}" (@weft-examples/plugin-hello) has the same name as plugin "@weft-examples/plugin-hello" (is it listed twice?)`);
  });

  it('refuses params the catalog cannot describe as JSON Schema', async () => {
    const spec = plugin(
      'duplicate-ids',
      esm(`import { z } from 'zod';
import { defineNode, definePlugin } from '@weft/nodes';
const definition = defineNode(${greetNode.replace('params: z.object({})', "params: z.object({ a: z.string().meta({ id: 'name' }), b: z.number().meta({ id: 'name' }) })")});
export default definePlugin({ name: 'duplicate-ids', nodes: [{ definition, execute: async () => 1 }] });
`),
    );
    const e = await failure([spec], dir);
    expect(e.message).toMatch(/^WEFT_PLUGINS: plugin "\.\/duplicate-ids" \(duplicate-ids\) is not a valid plugin: analysis\.shout: params cannot be written as JSON Schema \(Duplicate schema id "name" detected during JSON Schema conversion\..*\)$/);
  });

  it('fails start-up through loadNodeTypes with the same error', async () => {
    await expect(loadNodeTypes(loadConfig({ WEFT_PLUGINS: `${EXAMPLE},${join(dir, 'missing')}` }))).rejects.toThrow(
      new ConfigError(`WEFT_PLUGINS: plugin "${join(dir, 'missing')}" cannot be found: there is no file or folder ${join(dir, 'missing')}`),
    );
  });
});
