import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { auth, createWorkflow, EDGE, url } from './helpers.js';
import { signIn } from './sign-in.js';

// What a person who never edits JSON does in the editor: name the workflow, declare what a run
// gets, wire webhooks and schedules to that input, move between pages by clicking, and undo.


test.use({ viewport: { width: 1440, height: 900 } });

interface Stored {
  readonly name: string;
  readonly description?: string;
  readonly inputSchema?: Record<string, unknown>;
  readonly nodes: { id: string; label?: string; params: Record<string, unknown> }[];
}

async function stored(request: APIRequestContext, id: string): Promise<Stored> {
  return ((await (await request.get(`${url()}/api/workflows/${id}`, { headers: auth() })).json()) as { document: Stored }).document;
}

async function saveWithKeys(page: Page, version: number): Promise<void> {
  await page.keyboard.press('ControlOrMeta+S');
  const dialog = page.getByRole('dialog', { name: 'Save a new version' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(`v${version}`);
}

const TICKETS = {
  schemaVersion: 1,
  name: 'Untitled workflow',
  nodes: [
    { id: 'start', type: 'control.trigger', label: 'Start', position: { x: 0, y: 100 } },
    { id: 'shape', type: 'analysis.transform', label: 'Shape', params: { expression: '$' }, position: { x: 260, y: 100 } },
  ],
  edges: [EDGE('e1', 'start', 'shape')],
};

test('A workflow is named, described and given a declared run input without JSON; expressions complete and check its fields', async ({ page, request }) => {
  const id = await createWorkflow(request, TICKETS);
  await signIn(page);
  await page.goto(`${url()}/workflows/${id}`);
  await expect(page.getByTestId('node-start')).toBeVisible();
  const inspector = page.getByRole('region', { name: 'Inspector' });

  // The name in the heading leads to the workflow's details.
  await page.getByRole('button', { name: 'Untitled workflow' }).click();
  const name = inspector.getByLabel('Name');
  await expect(name).toBeFocused();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('Support triage');
  await inspector.getByLabel('Description').click();
  await page.keyboard.type('Sorts incoming tickets and answers the easy ones.');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Support triage');

  // The run input, declared on the trigger.
  await page.getByTestId('node-start').click();
  await expect(inspector.getByRole('heading', { name: 'Run input' })).toBeVisible();
  await inspector.getByRole('button', { name: 'Add a field' }).click();
  const first = inspector.getByTestId('input-field-0');
  await first.getByLabel('Name').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('email');
  await page.keyboard.press('Enter');
  await inspector.getByTestId('input-field-0').getByLabel('Required').check();
  await inspector.getByTestId('input-field-0').getByLabel('Description').click();
  await page.keyboard.type('Who wrote the ticket');
  await inspector.getByTestId('input-field-0').getByLabel('Example').click();
  await page.keyboard.type('ada@example.com');
  await inspector.getByRole('button', { name: 'Add a field' }).click();
  const second = inspector.getByTestId('input-field-1');
  await second.getByLabel('Name').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('amount');
  await page.keyboard.press('Tab');
  await inspector.getByTestId('input-field-1').getByLabel('Type').selectOption({ label: 'Number' });
  await inspector.getByTestId('input-field-1').getByLabel('Example').click();
  await page.keyboard.type('4x');
  await expect(inspector.getByTestId('input-field-1')).toContainText('Not a number');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('2');
  await expect(inspector.getByTestId('input-field-1')).not.toContainText('Not a number');
  await page.screenshot({ path: 'artifacts/non-developer-1-run-input.png', fullPage: true });

  // Completion goes on past output. into the declared fields; a field that is not declared is an error.
  await page.getByTestId('node-shape').click();
  await inspector.locator('[data-field-path="$.params.expression"] .monaco-editor').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('$nodes.start.output.');
  await page.keyboard.press('Control+Space');
  const suggestions = page.locator('.suggest-widget');
  await expect(suggestions).toContainText('email');
  await expect(suggestions).toContainText('amount');
  await page.screenshot({ path: 'artifacts/non-developer-2-completion.png', fullPage: true });
  await page.keyboard.press('Escape');
  await page.keyboard.type('emial');
  const issues = page.getByRole('region', { name: /^Issues/ });
  await expect(issues).toContainText('the run input has no field "emial"');
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('$nodes.start.output.email');
  await page.keyboard.press('Escape');
  await expect(issues).toContainText('The workflow has no problems.');
  await saveWithKeys(page, 2);

  const doc = await stored(request, id);
  expect(doc.name).toBe('Support triage');
  expect(doc.description).toBe('Sorts incoming tickets and answers the easy ones.');
  expect(doc.inputSchema).toEqual({
    type: 'object',
    properties: { email: { type: 'string', description: 'Who wrote the ticket', examples: ['ada@example.com'] }, amount: { type: 'number', examples: [42] } },
    required: ['email'],
  });

  // The run dialog asks for the declared fields.
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Start a run' });
  await expect(dialog.getByLabel('email')).toBeVisible();
  await expect(dialog.getByLabel('amount')).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
});

test('Webhook and schedule forms show the declared input; a schedule carries a fixed input checked against it', async ({ page, request }) => {
  const id = await createWorkflow(request, {
    ...TICKETS,
    name: 'Nightly digest',
    inputSchema: { type: 'object', properties: { team: { type: 'string', description: 'Which team' }, days: { type: 'integer', examples: [7] } }, required: ['team'] },
  });
  await signIn(page);
  const nav = page.getByRole('navigation', { name: 'Main' });

  await nav.getByRole('link', { name: 'Webhooks' }).click();
  const hookForm = page.getByRole('form', { name: 'New webhook' });
  await hookForm.getByLabel('Workflow').selectOption({ label: 'Nightly digest' });
  await expect(hookForm.getByTestId('webhook-input')).toContainText("input is the request's JSON body");
  await expect(hookForm.getByTestId('webhook-input')).toContainText('team (text, required) — Which team');
  await page.screenshot({ path: 'artifacts/non-developer-3-webhook-input.png', fullPage: true });

  await nav.getByRole('link', { name: 'Schedules' }).click();
  const form = page.getByRole('form', { name: 'New schedule' });
  await form.getByLabel('Workflow').selectOption({ label: 'Nightly digest' });
  const input = form.getByTestId('schedule-input');
  await expect(input.getByLabel('team')).toBeVisible();
  await form.getByRole('button', { name: 'Create schedule' }).click();
  await expect(input).toContainText('team');
  await expect(input.locator('.field__error')).toHaveCount(1);
  await input.getByLabel('team').click();
  await page.keyboard.type('support');
  await input.getByLabel('days').click();
  await page.keyboard.type('3');
  await form.getByRole('button', { name: 'Create schedule' }).click();
  const row = page.getByRole('row').filter({ hasText: 'Nightly digest' });
  await expect(row).toBeVisible();
  await page.screenshot({ path: 'artifacts/non-developer-4-schedule-input.png', fullPage: true });

  const schedules = (await (await request.get(`${url()}/api/schedules`, { headers: auth() })).json()) as { items: { id: string; workflowId: string; input: unknown }[] };
  const mine = schedules.items.find((s) => s.workflowId === id)!;
  expect(mine.input).toEqual({ team: 'support', days: 3 });
  await request.delete(`${url()}/api/schedules/${mine.id}`, { headers: auth() });
});

test('From the workflow page a person reaches versions and the latest run, and approves a waiting run from the panel', async ({ page, request }) => {
  const id = await createWorkflow(request, {
    schemaVersion: 1,
    name: 'Approve from the panel',
    nodes: [
      { id: 'start', type: 'control.trigger', position: { x: 0, y: 0 } },
      { id: 'check', type: 'security.approval', params: { title: 'Go ahead?' }, position: { x: 260, y: 0 } },
      { id: 'done', type: 'control.output', params: { value: 'done' }, position: { x: 520, y: 0 } },
    ],
    edges: [EDGE('e1', 'start', 'check'), EDGE('e2', 'check', 'done', 'approved')],
  });
  const started = await request.post(`${url()}/api/workflows/${id}/runs`, { headers: auth(), data: { input: {} } });
  const { runId } = (await started.json()) as { runId: string };
  await signIn(page);
  await page.goto(`${url()}/workflows/${id}`);
  const panel = page.getByRole('complementary', { name: 'Latest run' });
  await expect(panel.getByRole('heading', { name: 'Waiting for a decision' })).toBeVisible({ timeout: 30_000 });
  await page.screenshot({ path: 'artifacts/non-developer-5-panel-approve.png', fullPage: true });
  await panel.getByRole('button', { name: 'Approve' }).click();
  await expect(panel.getByTestId('run-status')).toHaveAttribute('data-status', 'completed', { timeout: 30_000 });

  await panel.getByRole('link', { name: runId }).click();
  await expect(page).toHaveURL(new RegExp(`/runs/${runId}$`));
  await expect(page.getByRole('link', { name: 'Approve from the panel' })).toBeVisible();
  await page.goBack();
  await page.getByRole('link', { name: 'Versions' }).click();
  await expect(page).toHaveURL(new RegExp(`/workflows/${id}/versions$`));
  await expect(page.getByRole('cell', { name: 'admin token' }).first()).toBeVisible();
});

test('One field edit is one undo step; Layout keeps a long graph readable; messages are plain words', async ({ page, request }) => {
  const chain = Array.from({ length: 30 }, (_, i) => ({ id: `step${i}`, type: 'analysis.transform', label: `Step ${i}`, params: { expression: '$' }, position: { x: 0, y: 0 } }));
  const id = await createWorkflow(request, {
    schemaVersion: 1,
    name: 'Long chain',
    nodes: [{ id: 'start', type: 'control.trigger', position: { x: 0, y: 0 } }, ...chain],
    edges: [EDGE('e0', 'start', 'step0'), ...chain.slice(1).map((n, i) => EDGE(`e${i + 1}`, `step${i}`, n.id))],
  });
  await signIn(page);
  await page.goto(`${url()}/workflows/${id}`);
  // Fitted whole, 31 cards are too small to read (and the ends fall off the pane).
  await expect(page.locator('.canvas .react-flow__node').first()).toBeAttached();

  await page.getByRole('button', { name: 'Layout', exact: true }).click();
  await expect
    .poll(() => page.locator('.canvas .react-flow__viewport').evaluate((el) => new DOMMatrix(getComputedStyle(el).transform).a))
    .toBeGreaterThanOrEqual(0.6);
  await expect(page.getByTestId('node-start')).toBeInViewport();
  await page.screenshot({ path: 'artifacts/non-developer-6-layout-readable.png' });

  // Typing a label, then undo: the whole label goes in one step.
  await page.getByTestId('node-start').click();
  const inspector = page.getByRole('region', { name: 'Inspector' });
  await inspector.getByLabel('Label').click();
  await page.keyboard.type('Begin here');
  await expect(page.getByTestId('node-start')).toContainText('Begin here');
  await page.locator('.canvas .react-flow__pane').click({ position: { x: 20, y: 20 } });
  await page.keyboard.press('ControlOrMeta+Z');
  await expect(page.getByTestId('node-start')).not.toContainText('Begin');
  await page.keyboard.press('ControlOrMeta+Shift+Z');
  await expect(page.getByTestId('node-start')).toContainText('Begin here');

  // A required param left empty reads "Required".
  await page.getByTestId('node-step0').click();
  await inspector.locator('[data-field-path="$.params.expression"] .monaco-editor').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Backspace');
  await expect(page.getByRole('region', { name: /^Issues/ })).toContainText('Required');
  await page.screenshot({ path: 'artifacts/non-developer-7-plain-message.png', fullPage: true });
});
