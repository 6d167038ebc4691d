import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowInput } from '@weft/schemas';
import { FakeLlm, type FakeLlmRequest } from '@weft/nodes/testing/fake-llm';
import { listen } from '../runtime/http.js';
import type { Stack } from '../testing/stack.js';
import { useStack } from '../testing/suite.js';
import { CLI } from '../testing/worker-process.js';

const AGENTS = resolve(import.meta.dirname, '..', '..', '..', 'examples', 'agents');
const dir = mkdtempSync(join(tmpdir(), 'weft-cli-agents-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the built `weft` command and collects what it printed. */
function weft(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, WEFT_DATA_DIR: dir, WEFT_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.once('error', fail);
    child.once('exit', (code) => done({ code, stdout, stderr }));
  });
}

describe('weft test with recorded LLM answers', () => {
  it('runs the three agent examples offline on a private Weft, every case passing', async () => {
    const files = ['research', 'support', 'supervisor'].map((name) => join(AGENTS, 'tests', `${name}.test.json`));
    // No WEFT_URL and no token: files with recorded answers need neither.
    const res = await weft(['test', ...files], { WEFT_URL: 'http://127.0.0.1:1', WEFT_TOKEN: '' });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('starting a private Weft for recorded answers');
    expect(res.stdout.match(/^PASS {2}/gm)).toHaveLength(10);
    expect(res.stdout).toMatch(/^PASS {2}with nobody deciding, the run waits for the approval/m);
    expect(res.stdout).toContain('10 passed, 0 failed, 10 total');
  });

  it('fails a case that runs out of recorded answers, leaves an approval undecided, or decides one nobody asked for', async () => {
    const support = JSON.parse(readFileSync(join(AGENTS, 'tests', 'support.test.json'), 'utf8')) as { secrets: unknown; http: unknown };
    const lookup = { toolCalls: [{ name: 'lookup_order', arguments: { orderId: 'A-1001' } }] };
    const refund = (amount: number) => ({ toolCalls: [{ name: 'refund', arguments: { orderId: 'A-1001', amount, reason: 'broken' } }] });
    const spec = join(dir, 'wrong.test.json');
    writeFileSync(
      spec,
      JSON.stringify({
        workflow: join(AGENTS, 'support.json'),
        secrets: support.secrets,
        http: support.http,
        cases: [
          { name: 'one answer short', input: { customer: 'a', message: 'b' }, llm: { support: [lookup, refund(40)] } },
          { name: 'nobody decides', input: { customer: 'a', message: 'b' }, llm: { support: [lookup, refund(250), 'done'] } },
          { name: 'a decision too many', input: { customer: 'a', message: 'b' }, llm: { support: [lookup, refund(40), 'done'] }, approvals: { refund: 'approve' } },
          { name: 'as recorded', input: { customer: 'a', message: 'b' }, llm: { support: [lookup, refund(40), 'done'] }, expect: { output: { reply: 'done', turns: 3, toolCalls: 2 } } },
        ],
      }),
    );
    const res = await weft(['test', spec]);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/^FAIL {2}one answer short/m);
    expect(res.stdout).toContain('the test case records 2 answers for node "support", and turn 3 asked for one more');
    expect(res.stdout).toMatch(/^FAIL {2}nobody decides/m);
    expect(res.stdout).toContain(`waits for approval of refund {"orderId":"A-1001","amount":250,"reason":"broken"} (the rule holds: amount > 100), and the case's approvals decide nothing for refund`);
    expect(res.stdout).toMatch(/^FAIL {2}a decision too many/m);
    expect(res.stdout).toContain('approvals.refund: nothing named refund waited for approval');
    expect(res.stdout).toMatch(/^PASS {2}as recorded/m);
    expect(res.stdout).toContain('1 passed, 3 failed, 4 total');
  });
});

describe('weft run --follow with an agent', () => {
  const fake = new FakeLlm();
  const env: Record<string, string> = {};
  beforeAll(async () => {
    await fake.start();
    // Calls the lookup tool, then answers with what it returned.
    fake.script((req: FakeLlmRequest) => {
      const result = req.messages.find((m) => m.role === 'tool');
      return result ? { text: `There are ${result.content} in stock.`, usage: { input: 10, output: 5 } } : { toolCalls: [{ id: 'c1', name: 'lookup', arguments: { sku: 'A1' } }], usage: { input: 10, output: 5 } };
    });
    env['WEFT_LLM_PROVIDERS'] = JSON.stringify([{ name: 'main', type: 'openai', baseUrl: `${fake.url}/v1`, model: 'gpt-test' }]);
  });
  afterAll(() => fake.close());
  let stack: Stack;
  useStack('pglite', (s) => (stack = s), { env });

  it('prints each turn, each tool call and its result, and the answer as they happen', async () => {
    const http = await listen(stack.app.fetch, '127.0.0.1', 0);
    try {
      const doc: WorkflowInput = {
        schemaVersion: 1,
        name: 'stock agent',
        nodes: [
          { id: 'start', type: 'control.trigger' },
          { id: 'agent', type: 'strategy.agent', params: { instructions: 'You answer stock questions.', task: '{{ $input.q }}' } },
          { id: 'lookup', type: 'analysis.transform', params: { expression: '$string($length($tool.sku) * 7)' }, tool: { description: 'Stock of a product', arguments: [{ name: 'sku', type: 'string' }] } },
          { id: 'out', type: 'control.output', params: { value: '{{ $input.answer }}' } },
        ],
        edges: [
          { id: 'e1', source: 'start', target: 'agent' },
          { id: 't1', source: 'lookup', target: 'agent', targetPort: 'tools' },
          { id: 'e2', source: 'agent', target: 'out' },
        ],
      };
      await stack.createWorkflow(doc);
      const input = join(dir, 'input.json');
      writeFileSync(input, JSON.stringify({ q: 'How many A1?' }));
      const res = await weft(['run', 'stock agent', '--input', input, '--follow'], { WEFT_URL: http.url, WEFT_TOKEN: stack.token });
      expect(res.code).toBe(0);
      const lines = res.stdout.split('\n');
      const at = (l: string) => lines.indexOf(l);
      expect(at('agent › turn 1: calling lookup {"sku":"A1"}')).toBeGreaterThan(0);
      expect(at('agent › lookup → "14"')).toBeGreaterThan(at('agent › turn 1: calling lookup {"sku":"A1"}'));
      expect(at('agent › answer: There are 14 in stock.')).toBeGreaterThan(at('agent › lookup → "14"'));
      expect(res.stdout).toMatch(/^ {2}agent +succeeded +attempt 1 +\d+ ms$/m);
      expect(res.stdout).toContain('output: "There are 14 in stock."');
    } finally {
      await http.close();
    }
  });
});
