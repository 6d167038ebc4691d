import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeError } from '@weft/nodes';
import { testContext } from '@weft/nodes/testing';
import { scaffoldPlugin } from './scaffold.js';
import { builtinDefinitions } from '@weft/nodes/executors';
import { loadPlugins } from '@weft/workers/process';

// Without the npm_* variables of an `npm run` around this test and the VITEST* ones of this
// run, so the plugin's npm and vitest see only the plugin's folder.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|VITEST)/i.test(k)));

async function npm(cwd: string, ...args: string[]): Promise<{ ok: boolean; out: string }> {
  return promisify(execFile)('npm', args, { cwd, env }).then(
    () => ({ ok: true, out: '' }),
    (e: { stdout?: string; stderr?: string }) => ({ ok: false, out: `${e.stdout ?? ''}${e.stderr ?? String(e)}` }),
  );
}

describe('a plugin `weft node new` writes outside the checkout', () => {
  let outside: string;
  beforeAll(() => {
    outside = mkdtempSync(join(tmpdir(), 'weft-plugin-outside-'));
  });
  afterAll(() => rmSync(outside, { recursive: true, force: true }));

  // Needs the npm registry: the plugin installs its own TypeScript, Vitest, zod and @types/node
  // (only @weft/nodes comes from this checkout). --prefer-offline serves them from npm's cache
  // when it has them.
  it('installs, builds and passes its own tests there, and Weft loads it', async () => {
    const made = scaffoldPlugin({ name: 'word-count', dir: 'word-count', cwd: outside });
    expect(await npm(made.dir, 'install', '--no-audit', '--no-fund', '--prefer-offline')).toEqual({ ok: true, out: '' });
    expect(await npm(made.dir, 'run', 'build')).toEqual({ ok: true, out: '' });
    expect(await npm(made.dir, 'test')).toEqual({ ok: true, out: '' });

    const [plugin] = await loadPlugins([made.dir], { taken: builtinDefinitions.map((d) => d.type) });
    const [node] = plugin!.nodes;
    expect(node!.definition.type).toBe('analysis.word-count');
    const params = (p: unknown) => node!.definition.params.parse(p);
    expect(await node!.execute!(testContext(), params({ text: 'hi' }), null)).toEqual({ text: 'HI', length: 2 });
    // The plugin runs Weft's own @weft/nodes (a link, not a copy), so its NodeErrors are Weft's.
    await expect(node!.execute!(testContext(), params({ text: ' ' }), null)).rejects.toBeInstanceOf(NodeError);
  }, 120_000);
});
