import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeLlm } from '@weft/nodes/testing/fake-llm';
import { CHROMIUM } from './playwright.config.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'server', 'dist', 'cli.js');

/**
 * Settings the product starts with unless the caller's environment sets them: specs run their
 * own HTTP servers on loopback, which the SSRF guard refuses unless it is allow-listed.
 */
export const PRODUCT_ENV: Readonly<Record<string, string>> = { WEFT_HTTP_ALLOW_HOSTS: '127.0.0.1' };

/**
 * The LLM provider the product gets (unless the caller's environment sets WEFT_LLM_PROVIDERS): a
 * local stand-in that answers every prompt with `Noted: <prompt>`, reporting `usage` tokens, which
 * at `pricing` cost $0.000029 a call.
 */
export const FAKE_LLM = {
  name: 'standin',
  model: 'standin-small',
  usage: { input: 50, output: 20 },
  pricing: { inputPerMTok: 0.1, outputPerMTok: 1.2 },
} as const;

/**
 * Starts the whole product exactly as `npm start` does (Temporal dev server, PGlite, worker,
 * API, built editor) in a fresh data folder, with the stand-in LLM provider, creates an admin
 * token with the `weft` command, and hands URL and token to the specs. Returns the teardown.
 */
export default async function startProduct(): Promise<() => Promise<void>> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)`);
  if (!existsSync(cli) || !existsSync(join(root, 'editor', 'dist', 'index.html'))) throw new Error('build first: npm run build');
  const dataDir = mkdtempSync(join(tmpdir(), 'weft-e2e-'));
  const llm = await new FakeLlm().start();
  llm.script((req) => ({ text: `Noted: ${req.prompt}`, usage: FAKE_LLM.usage }));
  const providers = [{ name: FAKE_LLM.name, type: 'openai', baseUrl: `${llm.url}/v1`, model: FAKE_LLM.model, pricing: { [FAKE_LLM.model]: FAKE_LLM.pricing } }];
  const env: NodeJS.ProcessEnv = {
    ...PRODUCT_ENV,
    WEFT_LLM_PROVIDERS: JSON.stringify(providers),
    ...process.env,
    WEFT_DATA_DIR: dataDir,
    WEFT_PORT: '0',
    WEFT_TEMPORAL_PORT: '0',
    WEFT_TEMPORAL_UI_PORT: '0',
  };
  delete env['DATABASE_URL'];
  delete env['TEMPORAL_ADDRESS'];
  const child = spawn(process.execPath, [cli, 'start'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (b: Buffer) => (log += b.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`weft start printed no URL within 90 s:\n${log}`)), 90_000);
    child.stdout!.on('data', (b: Buffer) => {
      const m = /^(http:\/\/\S+)$/m.exec(b.toString());
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`weft start exited with ${code}:\n${log}`)));
  });
  const token = execFileSync(process.execPath, [cli, 'token', 'create', '--role', 'admin'], { env, encoding: 'utf8' }).trim();
  process.env['WEFT_URL'] = url;
  process.env['WEFT_TOKEN'] = token;

  return async () => {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGINT');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
    await llm.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
