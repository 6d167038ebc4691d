import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { NODE_KINDS, type NodeKind } from '@weft/nodes';
import { ConfigError } from './config.js';

/** What `weft node new` wrote. */
export interface ScaffoldResult {
  /** The plugin folder, absolute. */
  readonly dir: string;
  /** The node type it defines, `kind.name`. */
  readonly type: string;
  readonly packageName: string;
  /** How `WEFT_PLUGINS` names the plugin from `cwd`: `./<path>` below it, else absolute. */
  readonly loadAs: string;
  /**
   * Outside a Weft checkout the plugin brings its own dev dependencies (and `@weft/nodes` as a
   * `file:` link to this checkout), so `npm install` comes first; inside one it has none.
   */
  readonly needsInstall: boolean;
  /** Files written, relative to `dir`. */
  readonly files: readonly string[];
}

/** Names usable as a folder, a package name suffix and the name half of a type id. */
const NAME = /^[a-z][a-z0-9-]{0,49}$/;

/**
 * Writes a plugin package with one node type, `<kind>.<name>`: package.json, tsconfig, the
 * plugin entry, the definition, the executor and its test, a README. Refuses to write into a
 * folder that exists. `dir` defaults to `plugins/<name>` under `cwd`. A folder no Weft checkout
 * encloses gets its own dev dependencies (see `ScaffoldResult.needsInstall`).
 */
export function scaffoldPlugin(o: { readonly name: string; readonly kind?: string; readonly dir?: string; readonly cwd?: string }): ScaffoldResult {
  const { name } = o;
  if (!NAME.test(name)) throw new ConfigError(`node name "${name}" should be lower-case letters, digits and dashes, starting with a letter (e.g. word-count)`);
  const kind = (o.kind ?? 'analysis') as NodeKind;
  if (!NODE_KINDS.includes(kind)) throw new ConfigError(`--kind must be one of: ${NODE_KINDS.join(', ')}`);
  const cwd = o.cwd ?? process.cwd();
  const dir = resolve(cwd, o.dir ?? join('plugins', name));
  if (existsSync(dir)) throw new ConfigError(`${dir} already exists; pick another name or --dir (nothing was written)`);

  const type = `${kind}.${name}`;
  const packageName = `weft-plugin-${name}`;
  const loadAs = pluginPath(cwd, dir);
  // Worked out before anything is written, so a checkout without its dev tools writes nothing.
  const standalone = checkoutAbove(dir) ? undefined : standaloneDependencies(dir);
  const files = templates({ name, kind, type, packageName, loadAs, standalone });
  for (const [file, text] of Object.entries(files)) {
    const path = join(dir, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  return { dir, type, packageName, loadAs, needsInstall: standalone !== undefined, files: Object.keys(files) };
}

/** Whether a folder above `dir` has `@weft/nodes` installed, as a Weft checkout does for `plugins/<name>`. */
function checkoutAbove(dir: string): boolean {
  for (let d = dirname(dir); ; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules', '@weft', 'nodes', 'package.json'))) return true;
    if (dirname(d) === d) return false;
  }
}

/** What a plugin outside a checkout builds and tests with (see `standaloneDependencies`). */
interface Standalone {
  /** The checkout's `@weft/nodes` folder, absolute. */
  readonly sdkDir: string;
  /** `@weft/nodes` as a `file:` path relative to the plugin, and the pinned tools. */
  readonly devDependencies: Readonly<Record<string, string>>;
}

/** The dev tools a standalone plugin pins, at the versions installed beside `@weft/nodes`. */
const TOOLS = ['@types/node', 'typescript', 'vitest', 'zod'] as const;

/**
 * `@weft/nodes` is not published: the plugin links to this checkout's copy (`file:`), which is
 * also the copy the Weft that loads it runs. Its tools are pinned to what this checkout has
 * installed: what Weft is built and tested with, and one zod version for both sides' types.
 */
function standaloneDependencies(dir: string): Standalone {
  const require = createRequire(import.meta.url);
  // `exports` has no ./package.json: resolve the entry point and walk up to the package.
  let sdkDir = dirname(require.resolve('@weft/nodes'));
  while (readName(join(sdkDir, 'package.json')) !== '@weft/nodes') {
    if (dirname(sdkDir) === sdkDir) throw new Error('cannot find the @weft/nodes package folder');
    sdkDir = dirname(sdkDir);
  }
  // Resolved from the SDK's folder: the copies its own imports (zod) see.
  const fromSdk = createRequire(join(sdkDir, 'package.json'));
  const devDependencies: Record<string, string> = { '@weft/nodes': `file:${relative(dir, sdkDir).split(sep).join('/')}` };
  for (const tool of TOOLS) {
    let manifest: string;
    try {
      manifest = fromSdk.resolve(`${tool}/package.json`);
    } catch {
      throw new ConfigError(`${tool} is not installed in the Weft checkout (${dirname(sdkDir)}), so the plugin cannot pin its version: run \`npm install\` there, then try again (nothing was written)`);
    }
    devDependencies[tool] = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  }
  return { sdkDir, devDependencies };
}

function readName(manifest: string): string | undefined {
  if (!existsSync(manifest)) return undefined;
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name;
}

/** How `WEFT_PLUGINS` names the folder from where it was created. */
function pluginPath(cwd: string, dir: string): string {
  const r = relative(cwd, dir);
  return r === '' || r.startsWith('..') || isAbsolute(r) ? dir : `./${r}`;
}

/** `word-count` → `wordCount`. */
const camel = (s: string) => s.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
/** `word-count` → `Word count`. */
const title = (s: string) => s.charAt(0).toUpperCase() + s.slice(1).replaceAll('-', ' ');

function templates(t: { name: string; kind: NodeKind; type: string; packageName: string; loadAs: string; standalone: Standalone | undefined }): Record<string, string> {
  const id = camel(t.name);
  const node = `src/${t.kind}/${t.name}`;
  const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
  return {
    'package.json': json({
      name: t.packageName,
      version: '0.1.0',
      private: true,
      type: 'module',
      description: `Weft plugin: the ${t.type} node type`,
      exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
      files: ['dist'],
      scripts: { build: 'tsc -p .', test: 'vitest run --dir src' },
      peerDependencies: { '@weft/nodes': '*', zod: '^4.0.0' },
      ...(t.standalone ? { devDependencies: sortedKeys(t.standalone.devDependencies) } : {}),
    }),
    'tsconfig.json': json({
      compilerOptions: {
        target: 'ES2023',
        lib: ['ES2023'],
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noUncheckedIndexedAccess: true,
        isolatedModules: true,
        verbatimModuleSyntax: true,
        skipLibCheck: true,
        declaration: true,
        sourceMap: true,
        rootDir: 'src',
        outDir: 'dist',
        types: ['node'],
      },
      include: ['src'],
    }),
    '.gitignore': 'dist/\nnode_modules/\n',
    ...(t.standalone
      ? {
          '.npmrc': `# @weft/nodes must stay a link to the Weft checkout, never a copy: a copy would be a second
# @weft/nodes, whose NodeErrors the Weft that loads this plugin would not recognise.
install-links=false
`,
        }
      : {}),
    'src/index.ts': `import { definePlugin } from '@weft/nodes';
import ${id} from './${t.kind}/${t.name}/definition.js';
import * as ${id}Executor from './${t.kind}/${t.name}/executor.js';

/** The plugin Weft loads from \`WEFT_PLUGINS\`: its name and its node types. */
export default definePlugin({
  name: '${t.packageName}',
  nodes: [{ definition: ${id}, ...${id}Executor }],
});
`,
    [`${node}/definition.ts`]: `import { z } from 'zod';
import { defineNode } from '@weft/nodes';

/** ${title(t.name)}: say in one line what the node does. */
export default defineNode({
  type: '${t.type}',
  kind: '${t.kind}',
  version: 1,
  title: '${title(t.name)}',
  description: 'Upper-cases a text and counts its characters. Replace with what your node does.',
  icon: 'box',
  inputs: ['in'],
  outputs: ['out'],
  // The editor draws its form from this schema; string params may hold {{ expressions }}.
  params: z
    .object({
      text: z.string().meta({ title: 'Text', description: 'e.g. {{ $input.text }}' }),
    })
    .strict(),
  // Downstream nodes read this as $nodes.<id>.output.
  output: z.object({ text: z.string(), length: z.number().int() }),
  policy: { timeout: '30s', maxAttempts: 3 },
});
`,
    [`${node}/executor.ts`]: `import { NodeError, type Execute } from '@weft/nodes';
import type definition from './definition.js';

/** Runs one attempt: params resolved and validated, \`input\` as the node received it. */
export const execute: Execute<typeof definition> = async (ctx, params) => {
  // A retry would give the same answer, so this error is not retryable.
  if (params.text.trim() === '') throw new NodeError('BlankText', 'text is blank', false);
  ctx.log.info('upper-casing', { length: params.text.length });
  return { text: params.text.toUpperCase(), length: params.text.length };
};
`,
    [`${node}/executor.test.ts`]: `import { describe, expect, it } from 'vitest';
import { testContext } from '@weft/nodes/testing';
import definition from './definition.js';
import { execute } from './executor.js';

// Params as the engine hands them over: validated, defaults applied.
const params = (p: unknown) => definition.params.parse(p);

describe('${t.type}', () => {
  it('upper-cases the text and counts it', async () => {
    expect(await execute(testContext(), params({ text: 'hello' }), null)).toEqual({ text: 'HELLO', length: 5 });
  });

  it('fails for good on a blank text', async () => {
    await expect(execute(testContext(), params({ text: '  ' }), null)).rejects.toMatchObject({ type: 'BlankText', retryable: false });
  });
});
`,
    'README.md': `# ${t.packageName}

A Weft plugin with one node type, \`${t.type}\`.

- \`src/index.ts\`: the plugin (\`definePlugin\`), the default export Weft loads.
- \`${node}/definition.ts\`: the node type (isomorphic: the editor and the server read it).
- \`${node}/executor.ts\`: what it does when it runs (Node only: the worker runs it).
- \`${node}/executor.test.ts\`: unit tests with \`testContext\` from \`@weft/nodes/testing\`.

\`@weft/nodes\` and \`zod\` are peer dependencies: the Weft that loads the plugin provides them.
${t.standalone ? standaloneNotes(t.standalone) : insideNotes}
Then start Weft with it from the Weft checkout: \`WEFT_PLUGINS=${t.loadAs} npm start\`
(a comma-separated list of npm package names and paths starting with \`./\`, \`../\` or \`/\`,
relative to the folder Weft starts in).
Both the server (the node catalog) and every worker (the executors) must load the plugin.
See the SDK guide in Weft's \`nodes/README.md\`.
`,
  };
}

const insideNotes = `Inside a Weft checkout they resolve from its \`node_modules\`, so there is nothing to install.

## Build, test, load

From this folder (the scripts use the TypeScript and Vitest of the Weft checkout around it):

\`\`\`sh
npm run build     # tsc: writes dist/, which Weft imports
npm test          # vitest: the unit tests
\`\`\`
`;

function standaloneNotes(s: Standalone): string {
  return `For building and testing, \`devDependencies\` has \`@weft/nodes\` as a link to the Weft
checkout it was written from (\`${s.devDependencies['@weft/nodes']}\`, that is ${s.sdkDir}:
\`@weft/nodes\` is not on the npm registry), and TypeScript, Vitest, zod and \`@types/node\` at
the versions that checkout uses. If the checkout moves, change that path and run \`npm install\`
again.

## Build, test, load

From this folder:

\`\`\`sh
npm install       # links @weft/nodes; fetches the tools from the npm registry
npm run build     # tsc: writes dist/, which Weft imports
npm test          # vitest: the unit tests
\`\`\`
`;
}

/** npm keeps dependencies sorted by name; so does the scaffold, for a first diff without noise. */
function sortedKeys(o: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
