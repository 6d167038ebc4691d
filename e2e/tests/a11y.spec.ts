import { expect, test, type Page } from '@playwright/test';
import type { AxeResults, Result, RunOptions } from 'axe-core';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Scans the editor's main pages with axe-core, in the light and the dark theme, and fails on any
// serious or critical violation. Lesser ones are printed, not failed on.

const url = () => process.env['WEFT_URL']!;
const token = () => process.env['WEFT_TOKEN']!;

// The scanner is injected into each page as a script of its own; the product's content security
// policy (no inline scripts) would refuse it, so the scans run with the policy set aside.
test.use({ bypassCSP: true });
const auth = () => ({ authorization: `Bearer ${token()}` });
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const artifacts = join(dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');
const BLOCKING = new Set(['serious', 'critical']);
const AXE_OPTIONS: RunOptions = { resultTypes: ['violations'] };

let workflowId = '';
let runId = '';

test.beforeAll(async ({ playwright }) => {
  const api = await playwright.request.newContext({ baseURL: url(), extraHTTPHeaders: auth() });
  const list = (await (await api.get('/api/workflows')).json()) as { items: { id: string; name: string }[] };
  const hello = list.items.find((w) => w.name === 'Hello, Weft');
  expect(hello, 'npm start loads examples/hello.json').toBeTruthy();
  workflowId = hello!.id;
  const started = await api.post(`/api/workflows/${workflowId}/runs`, { data: { input: { name: 'Ada' } } });
  expect(started.status()).toBe(202);
  runId = ((await started.json()) as { runId: string }).runId;
  // A finished run, so the run page is scanned in its settled state.
  await expect
    .poll(async () => ((await (await api.get(`/api/runs/${runId}`)).json()) as { status: string }).status, { timeout: 30_000 })
    .toBe('completed');
  await api.dispose();
});

interface Scanned {
  readonly name: string;
  readonly path: () => string;
  /** Waits until the page shows its content (not a loading state). */
  readonly ready: (page: Page) => Promise<void>;
  readonly signedIn: boolean;
}

const heading = (name: string | RegExp) => async (page: Page) => {
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(page.getByText(/^Loading\b/)).toHaveCount(0);
};

const PAGES: readonly Scanned[] = [
  { name: 'sign-in', path: () => '/', signedIn: false, ready: heading('Sign in') },
  { name: 'workflows', path: () => '/', signedIn: true, ready: heading('Workflows') },
  {
    name: 'workflow',
    path: () => `/workflows/${encodeURIComponent(workflowId)}`,
    signedIn: true,
    ready: async (page) => {
      await expect(page.getByTestId('node-greet')).toBeVisible();
      await expect(page.getByText(/^Loading\b/)).toHaveCount(0);
    },
  },
  { name: 'versions', path: () => `/workflows/${encodeURIComponent(workflowId)}/versions`, signedIn: true, ready: heading(/^Versions of/) },
  { name: 'runs', path: () => '/runs', signedIn: true, ready: heading('Run history') },
  { name: 'run', path: () => `/runs/${encodeURIComponent(runId)}`, signedIn: true, ready: heading(/./) },
  { name: 'approvals', path: () => '/approvals', signedIn: true, ready: heading('Approvals') },
  { name: 'schedules', path: () => '/schedules', signedIn: true, ready: heading('Schedules') },
  { name: 'webhooks', path: () => '/webhooks', signedIn: true, ready: heading('Webhooks') },
  { name: 'knowledge', path: () => '/collections', signedIn: true, ready: heading('Knowledge') },
  { name: 'secrets', path: () => '/secrets', signedIn: true, ready: heading('Secrets') },
  { name: 'tokens', path: () => '/tokens', signedIn: true, ready: heading('API tokens') },
  { name: 'audit', path: () => '/audit', signedIn: true, ready: heading('Audit log') },
];

function describeViolation(v: Result): string {
  const where = v.nodes
    .slice(0, 5)
    .map((n) => `      ${n.target.join(' ')}${n.failureSummary ? ` — ${n.failureSummary.split('\n').slice(1, 2).join('').trim()}` : ''}`)
    .join('\n');
  const more = v.nodes.length > 5 ? `\n      … and ${v.nodes.length - 5} more` : '';
  return `  [${v.impact ?? 'unknown'}] ${v.id}: ${v.help} (${v.nodes.length} element${v.nodes.length === 1 ? '' : 's'})\n${where}${more}`;
}

for (const scheme of ['light', 'dark'] as const) {
  for (const scanned of PAGES) {
    test(`the ${scanned.name} page has no serious or critical accessibility violations (${scheme} theme)`, async ({ page }) => {
      await page.emulateMedia({ colorScheme: scheme });
      if (scanned.signedIn) await page.addInitScript((t) => localStorage.setItem('weft.token', t), token());
      await page.goto(url() + scanned.path());
      await scanned.ready(page);

      await page.addScriptTag({ path: axePath });
      const results = await page.evaluate(
        (options) => (window as unknown as { axe: { run(context: Document, options: RunOptions): Promise<AxeResults> } }).axe.run(document, options),
        AXE_OPTIONS,
      );
      mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: join(artifacts, `a11y-${scanned.name}-${scheme}.png`), fullPage: true });

      const blocking = results.violations.filter((v) => BLOCKING.has(v.impact ?? ''));
      const summary = results.violations.map(describeViolation).join('\n');
      console.log(
        `a11y ${scanned.name} (${scheme}): ${results.violations.length} rule(s) violated, ${blocking.length} serious or critical` + (summary ? `\n${summary}` : ''),
      );
      expect(blocking.map(describeViolation), `serious or critical axe violations on ${scanned.path()}`).toEqual([]);
    });
  }
}
