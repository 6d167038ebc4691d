import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { testContext } from '@weft/nodes/testing';
import { ConfigError } from './config.js';
import { scaffoldPlugin } from './scaffold.js';
import { builtinDefinitions } from '@weft/nodes/executors';
import { loadPlugins } from '@weft/workers/process';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

describe('weft node new', () => {
  let cwd: string;
  beforeAll(() => {
    cwd = mkdtempSync(join(tmpdir(), 'weft-scaffold-'));
    // What a Weft checkout gives a plugin under plugins/: its node_modules, one folder up.
    symlinkSync(join(ROOT, 'node_modules'), join(cwd, 'node_modules'), 'dir');
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('writes a plugin package under plugins/<name> with one node type', () => {
    const made = scaffoldPlugin({ name: 'word-count', cwd });
    expect(made).toMatchObject({ dir: join(cwd, 'plugins', 'word-count'), type: 'analysis.word-count', packageName: 'weft-plugin-word-count' });
    expect([...made.files].sort()).toEqual([
      '.gitignore',
      'README.md',
      'package.json',
      'src/analysis/word-count/definition.ts',
      'src/analysis/word-count/executor.test.ts',
      'src/analysis/word-count/executor.ts',
      'src/index.ts',
      'tsconfig.json',
    ]);
    for (const f of made.files) expect(existsSync(join(made.dir, f)), f).toBe(true);
    expect(readFileSync(join(made.dir, 'src/index.ts'), 'utf8')).toContain("name: 'weft-plugin-word-count'");
    expect(readFileSync(join(made.dir, 'README.md'), 'utf8')).toContain('WEFT_PLUGINS=./plugins/word-count');
    // The checkout around it provides the tools: nothing to install, no second vitest beside Weft's.
    expect(made).toMatchObject({ loadAs: './plugins/word-count', needsInstall: false });
    expect(JSON.parse(readFileSync(join(made.dir, 'package.json'), 'utf8'))).not.toHaveProperty('devDependencies');
  });

  it('outside a checkout, links @weft/nodes from this one and pins the tools it has installed', () => {
    const outside = mkdtempSync(join(tmpdir(), 'weft-scaffold-outside-'));
    try {
      const made = scaffoldPlugin({ name: 'word-count', dir: 'word-count', cwd: outside });
      expect(made).toMatchObject({ loadAs: './word-count', needsInstall: true });
      expect(made.files).toContain('.npmrc');
      const pkg = JSON.parse(readFileSync(join(made.dir, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
      const installed = (p: string) => (JSON.parse(readFileSync(join(ROOT, 'node_modules', p, 'package.json'), 'utf8')) as { version: string }).version;
      expect(pkg.devDependencies).toEqual({
        '@types/node': installed('@types/node'),
        '@weft/nodes': expect.stringMatching(/^file:\.\.\//),
        typescript: installed('typescript'),
        vitest: installed('vitest'),
        zod: installed('zod'),
      });
      expect(resolve(made.dir, pkg.devDependencies['@weft/nodes']!.slice('file:'.length))).toBe(join(ROOT, 'nodes'));
      // Self-contained: nothing it reads lives in the checkout but @weft/nodes.
      expect(JSON.parse(readFileSync(join(made.dir, 'tsconfig.json'), 'utf8'))).not.toHaveProperty('extends');
      expect(readFileSync(join(made.dir, 'README.md'), 'utf8')).toContain('npm install');
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('refuses to write into a folder that exists, and writes nothing', () => {
    mkdirSync(join(cwd, 'taken'));
    expect(() => scaffoldPlugin({ name: 'taken', dir: 'taken', cwd })).toThrow(ConfigError);
    expect(() => scaffoldPlugin({ name: 'taken', dir: 'taken', cwd })).toThrow(/already exists/);
    expect(readdirSync(join(cwd, 'taken'))).toEqual([]);
  });

  it('refuses names and kinds a type id cannot have', () => {
    expect(() => scaffoldPlugin({ name: 'Word Count', cwd })).toThrow(/should be lower-case letters, digits and dashes/);
    expect(() => scaffoldPlugin({ name: 'ok', kind: 'magic', cwd })).toThrow('--kind must be one of: strategy, security, execution, analysis, retrieval, control');
    expect(existsSync(join(cwd, 'plugins', 'ok'))).toBe(false);
  });

  it('writes TypeScript that builds against @weft/nodes into a plugin Weft loads and runs', async () => {
    const made = scaffoldPlugin({ name: 'shout', kind: 'execution', dir: 'elsewhere/shout', cwd });
    // The test file is type-checked too: it is under src like the rest.
    const tsc = await promisify(execFile)(process.execPath, [TSC, '-p', made.dir], { cwd }).then(
      () => ({ ok: true, out: '' }),
      (e: { stdout?: string }) => ({ ok: false, out: e.stdout ?? String(e) }),
    );
    expect(tsc).toEqual({ ok: true, out: '' });
    expect(existsSync(join(made.dir, 'dist', 'index.js'))).toBe(true);

    const [plugin] = await loadPlugins(['./elsewhere/shout'], { taken: builtinDefinitions.map((d) => d.type), cwd });
    expect(plugin!.name).toBe('weft-plugin-shout');
    const [node] = plugin!.nodes;
    expect(node!.definition.type).toBe('execution.shout');
    expect(await node!.execute!(testContext(), node!.definition.params.parse({ text: 'hi' }), null)).toEqual({ text: 'HI', length: 2 });
  }, 120_000);
});
