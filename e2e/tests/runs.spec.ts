import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';

const url = () => process.env['WEFT_URL']!;
const token = () => process.env['WEFT_TOKEN']!;
const auth = () => ({ authorization: `Bearer ${token()}` });

/** A stand-in for the outside world: POST creates a thing, DELETE undoes it, /fail always fails. */
function startWorld(): Promise<{ server: Server; base: string; log: string[] }> {
  const log: string[] = [];
  const server = createServer((req, res) => {
    log.push(`${req.method} ${req.url}`);
    req.resume();
    if (req.url?.startsWith('/fail')) {
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"broken on purpose"}');
      return;
    }
    const id = req.url?.split('/')[1] ?? 'x';
    res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' }).end(JSON.stringify({ id }));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, log })),
  );
}

async function signIn(page: Page): Promise<void> {
  await page.addInitScript((t) => window.localStorage.setItem('weft.token', t), token());
}

async function waitForRun(request: APIRequestContext, runId: string): Promise<string> {
  let status = '';
  await expect
    .poll(async () => {
      const res = await request.get(`${url()}/api/runs/${runId}`, { headers: auth() });
      status = ((await res.json()) as { status: string }).status;
      return ['completed', 'failed', 'cancelled', 'rolled_back', 'compensation_failed'].includes(status);
    }, { timeout: 45_000 })
    .toBe(true);
  return status;
}

test('A failing node makes the run roll back; the run page shows the compensated nodes in reverse order', async ({ page, request }) => {
  const world = await startWorld();
  try {
    const call = (id: string) => ({
      id,
      type: 'execution.http',
      label: id,
      params: { method: 'POST', url: `${world.base}/${id}`, body: { node: id }, compensation: { method: 'DELETE', url: `${world.base}/${id}/{{ $output.body.id }}` } },
      policy: { maxAttempts: 1 },
      position: { x: 0, y: 0 },
    });
    const document = {
      schemaVersion: 1,
      name: 'Books a trip, then breaks',
      nodes: [
        { id: 'start', type: 'control.trigger', position: { x: 0, y: 0 } },
        call('reserve'),
        call('charge'),
        { id: 'confirm', type: 'execution.http', params: { method: 'POST', url: `${world.base}/fail` }, policy: { maxAttempts: 1 }, position: { x: 0, y: 0 } },
      ],
      edges: [
        { id: 'e1', source: 'start', sourcePort: 'out', target: 'reserve', targetPort: 'in' },
        { id: 'e2', source: 'reserve', sourcePort: 'out', target: 'charge', targetPort: 'in' },
        { id: 'e3', source: 'charge', sourcePort: 'out', target: 'confirm', targetPort: 'in' },
      ],
    };
    const created = await request.post(`${url()}/api/workflows`, { headers: auth(), data: document });
    expect(created.status(), await created.text()).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const started = await request.post(`${url()}/api/workflows/${id}/runs`, { headers: auth(), data: { input: {} } });
    expect(started.status()).toBe(202);
    const { runId } = (await started.json()) as { runId: string };

    await signIn(page);
    await page.goto(`${url()}/runs/${runId}`);
    await expect(page.getByRole('heading', { name: `Run ${runId}` })).toBeVisible();
    // The page follows the run live until it has rolled back.
    await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'rolled_back', { timeout: 45_000 });
    expect(await waitForRun(request, runId)).toBe('rolled_back');

    const undone = page.getByTestId('compensated-node');
    await expect(undone).toHaveCount(2);
    // charge completed last, so the rollback undid it first.
    await expect(undone.nth(0)).toHaveAttribute('data-node', 'charge');
    await expect(undone.nth(1)).toHaveAttribute('data-node', 'reserve');
    expect(world.log.filter((l) => l.startsWith('DELETE')).map((l) => l.split('/')[1])).toEqual(['charge', 'reserve']);
    await expect(page.getByTestId('timeline-confirm')).toHaveAttribute('data-status', 'failed');
    await expect(page.getByTestId('run-error')).toContainText('confirm');
    await page.screenshot({ path: 'artifacts/runs-2-rolled-back.png', fullPage: true });

    // The history lists the run with its status.
    await page.goto(`${url()}/runs`);
    await expect(page.getByRole('link', { name: runId })).toBeVisible();
    await page.screenshot({ path: 'artifacts/runs-2-history.png', fullPage: true });
  } finally {
    world.server.close();
  }
});

test('The run dialog asks for the input its schema describes and starts the run', async ({ page, request }) => {
  const document = {
    schemaVersion: 1,
    name: 'Greets with a form',
    inputSchema: {
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string', title: 'Name' }, times: { type: 'integer', title: 'Times' }, loud: { type: 'boolean', title: 'Loud' } },
    },
    nodes: [
      { id: 'start', type: 'control.trigger', position: { x: 0, y: 0 } },
      { id: 'greet', type: 'analysis.transform', params: { expression: '"Hi " & $input.name' }, position: { x: 260, y: 0 } },
    ],
    edges: [{ id: 'e1', source: 'start', sourcePort: 'out', target: 'greet', targetPort: 'in' }],
  };
  const created = await request.post(`${url()}/api/workflows`, { headers: auth(), data: document });
  expect(created.status(), await created.text()).toBe(201);

  await signIn(page);
  await page.goto(`${url()}/runs`);
  await page.getByLabel('Workflow').selectOption({ label: 'Greets with a form' });
  await page.getByRole('button', { name: 'Start a run…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Start a run' });
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  await page.getByRole('button', { name: 'Start a run…' }).click();
  await dialog.getByLabel('Times').fill('two');
  await dialog.getByRole('button', { name: 'Start run' }).click();
  await expect(dialog).toContainText('$.name: required');
  await expect(dialog).toContainText('$.times: expected a number');
  await page.screenshot({ path: 'artifacts/runs-dialog-errors.png' });

  await dialog.getByLabel('Name').fill('Ada');
  await dialog.getByLabel('Times').fill('2');
  await dialog.getByLabel('Loud').check();
  await dialog.getByRole('button', { name: 'Start run' }).click();
  await expect(page).toHaveURL(/\/runs\/run_/);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'completed', { timeout: 45_000 });
  await expect(page.getByLabel('Output of greet')).toContainText('Hi Ada');
  const runId = page.url().split('/').pop()!;
  const run = (await (await request.get(`${url()}/api/runs/${runId}`, { headers: auth() })).json()) as { input: unknown };
  expect(run.input).toEqual({ name: 'Ada', times: 2, loud: true });
});
