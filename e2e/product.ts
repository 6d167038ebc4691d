import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeLlm, type FakeLlmReply, type FakeLlmRequest } from '@weft/nodes/testing/fake-llm';
import { startHttpMcpServer } from '@weft/nodes/testing/mcp-server';
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
 * What the stand-in LLM does for an agent whose task starts with `OFFSITE.task` (agent.spec.ts):
 * turn 1 writes `OFFSITE.thinking` slowly (a word every 150 ms, so a viewer sees it grow) and
 * calls `weather` and `headcount`; turn 2 calls `book_venue` for `OFFSITE.guests` people; turn 3
 * answers with `OFFSITE.answer(guests)`, reading the guests from the booking's result (so an
 * approver's edit shows in the answer). Other prompts are not affected.
 */
export const OFFSITE = {
  task: 'Plan the team offsite',
  venue: 'Casa do Mar',
  guests: 15,
  thinking: Array.from({ length: 4 }, (_, i) => `Step ${i + 1} of the plan: check what the team needs, compare the options we have, and write down what we learn before we decide.`).join(' '),
  answer: (guests: number) => `Booked Casa do Mar for ${guests} people. Expect sunshine in Lisbon.`,
} as const;

/** The reply to one turn of the offsite agent, or undefined for any other request. */
function offsiteReply(req: FakeLlmRequest): FakeLlmReply | undefined {
  if (!req.messages.some((m) => m.role === 'user' && m.content.startsWith(OFFSITE.task))) return undefined;
  const turn = req.messages.filter((m) => m.role === 'assistant').length + 1;
  const usage = { input: 120 * turn, output: 40 };
  if (turn === 1) {
    return { text: OFFSITE.thinking, toolCalls: [{ name: 'weather', arguments: { city: 'Lisbon' } }, { name: 'headcount', arguments: { team: 'platform' } }], chunkDelayMs: 150, usage };
  }
  if (turn === 2) return { text: 'Sunny and warm, and the whole team is coming. Booking the venue.', toolCalls: [{ name: 'book_venue', arguments: { venue: OFFSITE.venue, guests: OFFSITE.guests } }], chunkDelayMs: 30, usage };
  const booked = [...req.messages].reverse().find((m): m is Extract<FakeLlmRequest['messages'][number], { role: 'tool' }> => m.role === 'tool');
  const guests = /"guests":\s*"?(\d+)/.exec(booked?.content ?? '');
  return { text: guests && !booked?.isError ? OFFSITE.answer(Number(guests[1])) : `I could not book the venue: ${booked?.content ?? 'no answer'}`, chunkDelayMs: 30, usage };
}

/**
 * Starts the whole product exactly as `npm start` does (Temporal dev server, PGlite, worker,
 * API, built editor) in a fresh data folder, with the stand-in LLM provider, creates an admin
 * token with the `weft` command, and hands URL and token to the specs. Also starts a test MCP
 * server on loopback (tools `add`, `echo`, `fail`, `count`) and hands its URL to the specs as
 * `WEFT_E2E_MCP_URL`. Returns the teardown.
 */
export default async function startProduct(): Promise<() => Promise<void>> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)`);
  if (!existsSync(cli) || !existsSync(join(root, 'editor', 'dist', 'index.html'))) throw new Error('build first: npm run build');
  const dataDir = mkdtempSync(join(tmpdir(), 'weft-e2e-'));
  const llm = await new FakeLlm().start();
  llm.script((req) => offsiteReply(req) ?? { text: `Noted: ${req.prompt}`, usage: FAKE_LLM.usage });
  const mcp = await startHttpMcpServer();
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
  process.env['WEFT_E2E_MCP_URL'] = mcp.url;

  return async () => {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGINT');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
    await llm.close();
    await mcp.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
