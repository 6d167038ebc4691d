import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { auth, createWorkflow, EDGE, runStatus, startRun, typeInto, url } from './helpers.js';
import { signIn } from './sign-in.js';

// What a new user meets in the first hour of building a workflow: every kind of field keeps what
// is typed, the canvas' shortcuts never take a keystroke from a field, the inspector follows the
// selection, unsaved edits are not lost, and the pages show what the run did.


test.use({ viewport: { width: 1440, height: 900 } });

interface Doc {
  readonly nodes: { id: string; label?: string; params: Record<string, unknown> }[];
}

async function savedDoc(request: APIRequestContext, id: string): Promise<Doc> {
  const res = await request.get(`${url()}/api/workflows/${id}`, { headers: auth() });
  return ((await res.json()) as { document: Doc }).document;
}

async function openWorkflow(page: Page, id: string, anyNode: string): Promise<void> {
  await signIn(page);
  await page.goto(`${url()}/workflows/${id}`);
  await expect(page.getByTestId(`node-${anyNode}`)).toBeVisible();
}

/** One node of each kind of field: code, JSONata, a prompt, a JSON body and a `{{ }}` template. */
const FIELDS = {
  schemaVersion: 1,
  name: 'Every kind of field',
  nodes: [
    { id: 'start', type: 'control.trigger', label: 'Start', position: { x: 0, y: 150 } },
    { id: 'code', type: 'execution.code', label: 'Code', params: { code: 'return 1' }, position: { x: 260, y: 0 } },
    { id: 'shape', type: 'analysis.transform', label: 'Shape', params: { expression: '$' }, position: { x: 260, y: 150 } },
    { id: 'ask', type: 'analysis.llm', label: 'Ask', params: { prompt: 'Hi' }, position: { x: 260, y: 300 } },
    { id: 'call', type: 'execution.http', label: 'Call', params: { url: 'http://127.0.0.1:9/tickets', method: 'POST', body: { a: 1 } }, position: { x: 520, y: 0 } },
    { id: 'result', type: 'control.output', label: 'Result', params: { value: '{{ $nodes.shape.output }}' }, position: { x: 780, y: 150 } },
  ],
  edges: [EDGE('e1', 'start', 'code'), EDGE('e2', 'start', 'shape'), EDGE('e3', 'start', 'ask'), EDGE('e4', 'code', 'call'), EDGE('e5', 'shape', 'result'), EDGE('e6', 'ask', 'result'), EDGE('e7', 'call', 'result')],
};

test('Every kind of field keeps each key typed, spaces included, and the canvas shortcuts leave field keystrokes alone', async ({ page, request }) => {
  const id = await createWorkflow(request, FIELDS);
  await openWorkflow(page, id, 'code');
  const inspector = page.getByRole('region', { name: 'Inspector' });
  const cards = page.locator('.react-flow__node');
  await expect(cards).toHaveCount(6);

  // Code: Space (the canvas' pan key) and Backspace (its delete key) belong to the editor.
  await page.getByTestId('node-code').click();
  await typeInto(page, inspector, '$.params.code', 'const total = 1 + 2;  return totall');
  await page.keyboard.press('Backspace');
  await page.keyboard.type(' * 10;');
  await expect(cards).toHaveCount(6);
  await expect(inspector.getByRole('heading', { name: 'Code' })).toBeVisible();

  // JSONata.
  await page.getByTestId('node-shape').click();
  await typeInto(page, inspector, '$.params.expression', '{ "total": $count(items) + 1, "note": "a b c" }');

  // A prompt: multi-line from the start.
  await page.getByTestId('node-ask').click();
  const prompt = inspector.locator('[data-field-path="$.params.prompt"] .monaco-editor');
  expect((await prompt.boundingBox())!.height).toBeGreaterThan(60);
  await typeInto(page, inspector, '$.params.prompt', 'Summarise the ticket in one short sentence, please');

  // A JSON body.
  await page.getByTestId('node-call').click();
  await typeInto(page, inspector, '$.params.body', '{ "ticket": "new order", "count": 2 }');

  // A {{ }} template, then Ctrl+C / Ctrl+V inside it copy text, not nodes.
  await page.getByTestId('node-result').click();
  await typeInto(page, inspector, '$.params.value', 'Total: {{ $nodes.shape.output.total }} items');
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('ControlOrMeta+C');
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.type(' / ');
  await page.keyboard.press('ControlOrMeta+V');
  await expect(cards).toHaveCount(6);

  // A plain text field: "?" is a character, Delete and Backspace edit the text, not the graph.
  const label = inspector.getByLabel('Label');
  await label.click();
  await page.keyboard.press('End');
  await page.keyboard.type(' of the run?');
  await page.keyboard.press('Home');
  await page.keyboard.press('Delete');
  await page.keyboard.type('R');
  await expect(page.getByRole('dialog', { name: /shortcuts/i })).toHaveCount(0);
  await expect(cards).toHaveCount(6);
  await page.screenshot({ path: 'artifacts/first-hour-1-typed.png', fullPage: true });

  // Ctrl+S inside a code editor saves; the field does not get an "s".
  await page.getByTestId('node-shape').click();
  await inspector.locator('[data-field-path="$.params.expression"] .monaco-editor').click();
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.press('ControlOrMeta+S');
  const dialog = page.getByRole('dialog', { name: 'Save a new version' });
  await expect(dialog).toBeVisible();
  await page.keyboard.type('Typed by hand');
  await page.screenshot({ path: 'artifacts/first-hour-2-ctrl-s.png', fullPage: true });
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('v2');

  const doc = await savedDoc(request, id);
  const params = (nodeId: string) => doc.nodes.find((n) => n.id === nodeId)!.params;
  expect(params('code')['code']).toBe('const total = 1 + 2;  return total * 10;');
  expect(params('shape')['expression']).toBe('{ "total": $count(items) + 1, "note": "a b c" }');
  expect(params('ask')['prompt']).toBe('Summarise the ticket in one short sentence, please');
  expect(params('call')['body']).toEqual({ ticket: 'new order', count: 2 });
  expect(params('result')['value']).toBe('Total: {{ $nodes.shape.output.total }} items / Total: {{ $nodes.shape.output.total }} items');
  expect(doc.nodes.find((n) => n.id === 'result')!.label).toBe('Result of the run?');
});

test('After Delete, clicking another node shows that node in the inspector', async ({ page, request }) => {
  const id = await createWorkflow(request, { ...FIELDS, name: 'Delete then select' });
  await openWorkflow(page, id, 'code');
  const inspector = page.getByRole('region', { name: 'Inspector' });
  await page.getByTestId('node-code').click();
  await expect(inspector.getByRole('heading', { name: 'Code' })).toBeVisible();
  await page.keyboard.press('Delete');
  await expect(page.getByTestId('node-code')).toHaveCount(0);
  await page.getByTestId('node-shape').click();
  await expect(inspector.getByRole('heading', { name: 'Shape' })).toBeVisible();
  await expect(inspector).not.toContainText('nodes selected');
  await page.screenshot({ path: 'artifacts/first-hour-3-delete-then-select.png', fullPage: true });
});

test('Leaving a workflow with unsaved edits through the app asks first; staying keeps the edits', async ({ page, request }) => {
  const id = await createWorkflow(request, { ...FIELDS, name: 'Unsaved edits' });
  await openWorkflow(page, id, 'code');
  const inspector = page.getByRole('region', { name: 'Inspector' });
  await page.getByTestId('node-shape').click();
  await inspector.getByLabel('Label').click();
  await page.keyboard.press('End');
  await page.keyboard.type(' it');
  await expect(page.getByText('unsaved changes')).toBeVisible();

  const runsLink = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Runs' });
  let asked = '';
  page.once('dialog', (d) => {
    asked = d.message();
    void d.dismiss();
  });
  await runsLink.click();
  expect(asked).toContain('unsaved changes');
  await expect(page).toHaveURL(new RegExp(`/workflows/${id}$`));
  await expect(inspector.getByLabel('Label')).toHaveValue('Shape it');

  // The browser's Back button asks too (Playwright's goBack waits for a page load that an in-app page never has).
  page.once('dialog', (d) => void d.dismiss());
  await page.evaluate(() => window.history.back());
  await expect(page).toHaveURL(new RegExp(`/workflows/${id}$`));
  await expect(page.getByTestId('node-shape')).toContainText('Shape it');

  page.once('dialog', (d) => void d.accept());
  await runsLink.click();
  await expect(page.getByRole('heading', { name: 'Run history', level: 1 })).toBeVisible();
  expect((await savedDoc(request, id)).nodes.find((n) => n.id === 'shape')!.label).toBe('Shape');
});

test('Five or more issues never make the page scroll into blank space', async ({ page }) => {
  await signIn(page);
  await page.getByRole('button', { name: 'New workflow' }).click();
  await expect(page.getByTestId('node-trigger_1')).toBeVisible();
  // A click on a palette item adds the node and selects it; an unfinished expression in each is a problem.
  const inspector = page.getByRole('region', { name: 'Inspector' });
  for (let i = 0; i < 6; i++) {
    await page.getByRole('complementary', { name: 'Node palette' }).getByText('Transform', { exact: true }).click();
    await typeInto(page, inspector, '$.params.expression', '(');
  }
  await expect(page.getByTestId('issue-count')).toContainText(/[5-9] errors/);
  await page.mouse.move(700, 450);
  await page.mouse.wheel(0, 3000);
  await page.keyboard.press('End');
  const overflow = await page.evaluate(() => ({ scroll: document.scrollingElement!.scrollHeight - window.innerHeight, y: window.scrollY }));
  expect(overflow).toEqual({ scroll: 0, y: 0 });
  await page.screenshot({ path: 'artifacts/first-hour-4-many-issues.png' });
});

test('The approvals inbox shows what the run rendered, and the navigation counts waiting approvals', async ({ page, request }) => {
  const id = await createWorkflow(request, {
    schemaVersion: 1,
    name: 'Refund desk',
    nodes: [
      { id: 'trigger_1', type: 'control.trigger', position: { x: 0, y: 0 } },
      { id: 'check', type: 'security.approval', params: { title: 'Refund {{ $nodes.trigger_1.output.amount }} EUR?', description: 'Customer {{ $nodes.trigger_1.output.email }} wrote: {{ $nodes.trigger_1.output.text }}' }, position: { x: 260, y: 0 } },
      { id: 'done', type: 'control.output', params: { value: 'refunded' }, position: { x: 520, y: 0 } },
    ],
    edges: [EDGE('e1', 'trigger_1', 'check'), EDGE('e2', 'check', 'done', 'approved')],
  });
  const runId = await startRun(request, id, { email: 'ada@example.com', text: 'The parcel never came.', amount: 42 });
  await expect.poll(() => runStatus(request, runId), { timeout: 30_000 }).toBe('waiting');

  await signIn(page);
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByTestId('approval-count')).toBeVisible();
  await nav.getByRole('link', { name: 'Approvals' }).click();
  const card = page.getByTestId(`approval-${runId}`);
  await expect(card.getByRole('heading', { name: 'Refund 42 EUR?' })).toBeVisible();
  await expect(card).toContainText('Customer ada@example.com wrote: The parcel never came.');
  await expect(card).not.toContainText('{{');
  await expect(card).toContainText('Refund desk');
  await page.screenshot({ path: 'artifacts/first-hour-5-approvals-rendered.png', fullPage: true });
  await card.getByRole('button', { name: 'Approve' }).click();
  await expect(card).toHaveCount(0);
  await expect.poll(() => runStatus(request, runId), { timeout: 30_000 }).toBe('completed');
});

test('A route shows only the ports it can take, and an untaken branch of a waiting run shows as skipped', async ({ page, request }) => {
  const id = await createWorkflow(request, {
    schemaVersion: 1,
    name: 'Triage',
    nodes: [
      { id: 'start', type: 'control.trigger', position: { x: 0, y: 100 } },
      { id: 'route', type: 'strategy.route', params: { routes: [{ port: 'bug', when: 'kind = "bug"' }, { port: 'question', when: 'kind = "question"' }], default: 'question' }, position: { x: 260, y: 100 } },
      { id: 'file', type: 'analysis.transform', label: 'File a ticket', params: { expression: '"filed"' }, position: { x: 520, y: 0 } },
      { id: 'check', type: 'security.approval', params: { title: 'Answer it?' }, position: { x: 520, y: 200 } },
    ],
    edges: [EDGE('e1', 'start', 'route'), EDGE('e2', 'route', 'file', 'bug'), EDGE('e3', 'route', 'check', 'question')],
  });
  const runId = await startRun(request, id, { kind: 'question' });
  await expect.poll(() => runStatus(request, runId), { timeout: 30_000 }).toBe('waiting');

  await openWorkflow(page, id, 'route');
  await expect(page.getByTestId('port-route-out-bug')).toBeVisible();
  await expect(page.getByTestId('port-route-out-question')).toBeVisible();
  await expect(page.getByTestId('port-route-out-default')).toHaveCount(0);
  // The untaken branch: skipped on the card and in the latest run, as the live run says.
  await expect(page.getByTestId('node-file')).toHaveAttribute('data-status', 'skipped');
  await expect(page.getByTestId('node-check')).toHaveAttribute('data-status', 'waiting');
  await page.screenshot({ path: 'artifacts/first-hour-6-route-ports.png', fullPage: true });

  // Back to the `default` fallback: its port appears.
  await page.getByTestId('node-route').click();
  const fallback = page.getByRole('region', { name: 'Inspector' }).getByLabel('Fallback port');
  await fallback.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('default');
  await expect(page.getByTestId('port-route-out-default')).toBeVisible();

  await page.goto(`${url()}/runs/${runId}`);
  await expect(page.getByTestId('timeline-file')).toHaveAttribute('data-status', 'skipped');
  await page.screenshot({ path: 'artifacts/first-hour-7-waiting-run.png', fullPage: true });
  await request.post(`${url()}/api/runs/${runId}/cancel`, { headers: auth() });
});

test('A paused schedule lists no next runs', async ({ page, request }) => {
  const id = await createWorkflow(request, { ...FIELDS, name: 'Paused nightly' });
  const res = await request.post(`${url()}/api/schedules`, { headers: auth(), data: { workflowId: id, cron: '0 3 * * *', paused: true } });
  expect(res.status(), await res.text()).toBe(201);
  const scheduleId = ((await res.json()) as { id: string }).id;
  await signIn(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Schedules' }).click();
  const row = page.getByTestId(`schedule-${scheduleId}`);
  await expect(row).toContainText('paused');
  await expect(row).toContainText('None while paused');
  await page.screenshot({ path: 'artifacts/first-hour-8-paused-schedule.png', fullPage: true });
  // Other specs count the schedules they make.
  expect((await request.delete(`${url()}/api/schedules/${scheduleId}`, { headers: auth() })).status()).toBe(204);
});
