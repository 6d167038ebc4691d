import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const CLI_SOURCE = join(ROOT, 'server', 'src', 'cli.ts');
const dir = mkdtempSync(join(tmpdir(), 'weft-modules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A resolve hook that writes down every module the process loads, one URL a line.
const HOOKS = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.WEFT_MODULE_LOG, resolved.url + '\\n');
  return resolved;
}`;
const REGISTER = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOKS)}`)});`;

/**
 * Runs `weft <command>` from the sources with a plugin that cannot load: it stops with a
 * configuration error after its command's modules are loaded and before any connection.
 * Returns what it loaded and what it said.
 */
function modulesOf(command: string): { urls: string[]; stderr: string } {
  const log = join(dir, `${command}.log`);
  const env = {
    ...process.env,
    WEFT_MODULE_LOG: log,
    DATABASE_URL: 'postgres://weft@127.0.0.1:1/weft',
    TEMPORAL_ADDRESS: '127.0.0.1:1',
    WEFT_SECRET_KEY: randomBytes(32).toString('base64'),
    WEFT_PLUGINS: `./${join('no-such-dir', 'no-such-plugin')}`,
    WEFT_LOG_LEVEL: 'error',
  };
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--import', `data:text/javascript,${encodeURIComponent(REGISTER)}`, CLI_SOURCE, command], { cwd: ROOT, env, encoding: 'utf8', timeout: 25_000 });
  return { urls: readFileSync(log, 'utf8').split('\n').filter(Boolean), stderr: child.stderr };
}

const workerCode = (url: string) => url.includes('/@temporalio/worker/') || /\/workers\/(src|dist)\/(index|main|worker)\.[jt]s$/.test(url);

describe('the modules each process loads', () => {
  it('weft server loads no worker code: neither @temporalio/worker nor the worker package', () => {
    const { urls, stderr } = modulesOf('server');
    // It got as far as its own start-up (plugins are loaded first), so its whole module graph is in.
    expect(stderr).toContain('WEFT_PLUGINS');
    expect(urls.some((u) => u.endsWith('/runtime/http.ts'))).toBe(true);
    expect(urls.filter(workerCode)).toEqual([]);
  });

  it('weft worker does load it, so the check above would see it', () => {
    const { urls, stderr } = modulesOf('worker');
    expect(stderr).toContain('WEFT_PLUGINS');
    expect(urls.some((u) => u.includes('/@temporalio/worker/'))).toBe(true);
  });
});
