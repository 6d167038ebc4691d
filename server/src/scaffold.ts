import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { NODE_KINDS, type NodeKind } from '@weft/nodes';
import { ConfigError } from './config.js';

/** What `weft node new` wrote. */
export interface ScaffoldResult {
  /** The plugin folder, absolute. */
  readonly dir: string;
  /** The node type it defines, `kind.name`. */
  readonly type: string;
  readonly packageName: string;
  /** Files written, relative to `dir`. */
  readonly files: readonly string[];
}

/** Names usable as a folder, a package name suffix and the name half of a type id. */
const NAME = /^[a-z][a-z0-9-]{0,49}$/;

/**
 * Writes a plugin package with one node type, `<kind>.<name>`: package.json, tsconfig, the
 * plugin entry, the definition, the executor and its test, a README. Refuses to write into a
 * folder that exists. `dir` defaults to `plugins/<name>` under `cwd`.
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
  const files = templates({ name, kind, type, packageName, loadAs });
  for (const [file, text] of Object.entries(files)) {
    const path = join(dir, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  return { dir, type, packageName, files: Object.keys(files) };
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

function templates(t: { name: string; kind: NodeKind; type: string; packageName: string; loadAs: string }): Record<string, string> {
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
Inside a Weft checkout they resolve from its \`node_modules\`, so there is nothing to install.

## Build, test, load

From this folder (the scripts use the TypeScript and Vitest of the Weft checkout around it):

\`\`\`sh
npm run build     # tsc: writes dist/, which Weft imports
npm test          # vitest: the unit tests
\`\`\`

Then start Weft with it from the Weft checkout: \`WEFT_PLUGINS=${t.loadAs} npm start\`
(a comma-separated list of npm package names and paths starting with \`./\` or \`/\`).
Both the server (the node catalog) and every worker (the executors) must load the plugin.
See the SDK guide in Weft's \`nodes/README.md\`.
`,
  };
}
