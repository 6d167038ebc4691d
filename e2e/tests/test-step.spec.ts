import { expect, test, type APIRequestContext } from '@playwright/test';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { auth, createWorkflow, typeInto, url } from './helpers.js';
import { signIn } from './sign-in.js';

// A person tries one step of a workflow with sample data: pins a node's output from a past run,
// changes the HTTP step, runs only that step, and watches an expression's value while typing it.


test.use({ viewport: { width: 1440, height: 1000 } });

/** A ticket API on loopback that answers every request with what it got, and remembers them. */
interface Received {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
}

async function startTicketApi(): Promise<{ server: Server; base: string; received: Received[] }> {
  const received: Received[] = [];
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let text = '';
      req.on('data', (b: Buffer) => (text += b.toString()));
      req.on('end', () => resolve(text));
    });
  const server = createServer((req, res) => {
    void read(req).then((text) => {
      const body: unknown = text ? JSON.parse(text) : null;
      received.push({ method: req.method ?? '', path: req.url ?? '', body });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ path: req.url, got: body }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

async function runToEnd(request: APIRequestContext, workflowId: string, input: unknown): Promise<string> {
  const res = await request.post(`${url()}/api/workflows/${workflowId}/runs`, { headers: auth(), data: { input } });
  expect(res.status(), await res.text()).toBe(202);
  const { runId } = (await res.json()) as { runId: string };
  await expect
    .poll(async () => ((await (await request.get(`${url()}/api/runs/${runId}`, { headers: auth() })).json()) as { status: string }).status, { timeout: 30_000 })
    .toBe('completed');
  return runId;
}

const EDGE = (id: string, source: string, target: string) => ({ id, source, sourcePort: 'out', target, targetPort: 'in' });

test('Pin a transform’s output, change the HTTP step, run only that step with the pin, and preview expressions while typing', async ({ page, request }) => {
  const api = await startTicketApi();
  try {
    const id = await createWorkflow(request, {
      schemaVersion: 1,
      name: 'Ticket desk',
      nodes: [
        { id: 'start', type: 'control.trigger', label: 'Start', position: { x: 0, y: 100 } },
        { id: 'shape', type: 'analysis.transform', label: 'Shape', params: { expression: '{ "ticket": title, "priority": 2 }' }, position: { x: 260, y: 100 } },
        { id: 'call', type: 'execution.http', label: 'Call', params: { method: 'POST', url: `${api.base}/v1/tickets`, body: '{{ $nodes.shape.output }}' }, position: { x: 520, y: 100 } },
        { id: 'result', type: 'control.output', label: 'Result', params: { value: '{{ $nodes.call.output.body }}' }, position: { x: 780, y: 100 } },
      ],
      edges: [EDGE('e1', 'start', 'shape'), EDGE('e2', 'shape', 'call'), EDGE('e3', 'call', 'result')],
    });
    await runToEnd(request, id, { title: 'Printer jam' });
    expect(api.received).toEqual([{ method: 'POST', path: '/v1/tickets', body: { ticket: 'Printer jam', priority: 2 } }]);

    await signIn(page);
    await page.goto(`${url()}/workflows/${id}`);
    await expect(page.getByTestId('node-shape')).toBeVisible();
    await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'completed');
    const inspector = page.getByRole('region', { name: 'Inspector' });

    // Pin the transform's output from that run: the card and the inspector say so.
    await page.getByTestId('node-shape').click();
    const latest = inspector.getByTestId('latest-output');
    await expect(latest).toContainText('"ticket": "Printer jam"');
    await latest.getByRole('button', { name: 'Pin this output' }).click();
    await expect(inspector.getByTestId('pinned-output')).toContainText('"ticket": "Printer jam"');
    await expect(page.getByTestId('pinned-shape')).toBeVisible();
    await page.screenshot({ path: 'artifacts/test-step-1-pinned.png', fullPage: true });

    // A newer run has other data; the pin stays, in this browser, across a reload.
    await runToEnd(request, id, { title: 'Coffee machine' });
    await page.reload();
    await expect(page.getByTestId('pinned-shape')).toBeVisible();

    // Change where the HTTP step sends its request: the step cannot be tested before a save.
    await page.getByTestId('node-call').click();
    await expect(inspector.getByRole('heading', { name: 'Call' })).toBeVisible();
    const urlField = inspector.locator('[data-field-path="$.params.url"] input');
    await urlField.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(`${api.base}/v2/tickets`);
    const runStep = inspector.getByRole('button', { name: 'Run this step' });
    await expect(runStep).toBeDisabled();
    await expect(inspector.getByText('Save first: a test run uses the latest saved version.')).toBeVisible();
    // The sample data of the earlier steps: the trigger from the latest run, the transform pinned.
    const sources = inspector.getByRole('list', { name: 'Sample data of earlier nodes' });
    await expect(sources.getByRole('listitem').filter({ hasText: 'start' })).toContainText('latest run');
    await expect(sources.getByRole('listitem').filter({ hasText: 'shape' })).toContainText('pinned output');
    await expect(inspector).toContainText('Not run: result');
    // The body's template previews the pinned output, not the latest run's.
    await expect(inspector.getByTestId('preview-$.params.body')).toContainText('{"ticket":"Printer jam","priority":2}');
    await page.screenshot({ path: 'artifacts/test-step-2-save-first.png', fullPage: true });

    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Save a new version' });
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole('heading', { level: 1 })).toContainText('v2');

    // Run this step: the HTTP node really runs, on the pinned transform output; nothing after it runs.
    await expect(runStep).toBeEnabled();
    await runStep.click();
    const result = inspector.getByTestId('test-result');
    await expect(result).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
    await expect(result.getByTestId('test-output')).toContainText('"path": "/v2/tickets"');
    await expect(result.getByTestId('test-output')).toContainText('"ticket": "Printer jam"');
    await expect(result).toContainText('Succeeded');
    await page.screenshot({ path: 'artifacts/test-step-3-step-result.png', fullPage: true });
    expect(api.received).toHaveLength(3);
    expect(api.received[2]).toEqual({ method: 'POST', path: '/v2/tickets', body: { ticket: 'Printer jam', priority: 2 } });
    const testRunId = (await result.getByRole('link').textContent())!.trim();
    const testRun = (await (await request.get(`${url()}/api/runs/${testRunId}`, { headers: auth() })).json()) as {
      trigger?: { type: string };
      nodes: { id: string; status: string; reused?: boolean; output: unknown }[];
    };
    expect(testRun.trigger?.type).toBe('test');
    const node = (nodeId: string) => testRun.nodes.find((n) => n.id === nodeId)!;
    expect(node('shape')).toMatchObject({ reused: true, output: { ticket: 'Printer jam', priority: 2 } });
    expect(node('call').reused).toBeUndefined();
    expect(node('result')).toMatchObject({ reused: true, output: null });

    // Live preview: the transform's expression against the latest run's data, updated while typing.
    await page.getByTestId('node-shape').click();
    const preview = inspector.getByTestId('preview-$.params.expression');
    await typeInto(page, inspector, '$.params.expression', '$input.title & "!"');
    await expect(preview).toContainText('"Coffee machine!"');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('$uppercase($input.title)');
    await expect(preview).toContainText('"COFFEE MACHINE"');
    // Half-typed, the expression is not complete yet; one that fails on the data shows the error.
    await page.keyboard.type(' & (');
    await expect(preview.locator('.field__preview-incomplete')).toBeVisible();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('$number($input.title)');
    await expect(preview.locator('.field__preview-error')).toContainText('Unable to cast value to a number: "Coffee machine"');
    await page.screenshot({ path: 'artifacts/test-step-4-live-preview.png', fullPage: true });
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('{ "ticket": $uppercase(title), "priority": 2 }');
    await expect(preview).toContainText('{"ticket":"COFFEE MACHINE","priority":2}');

    // The pin can be removed.
    await inspector.getByTestId('pinned-output').getByRole('button', { name: 'Remove pin' }).click();
    await expect(page.getByTestId('pinned-shape')).toHaveCount(0);
    await expect(inspector.getByRole('button', { name: 'Pin this output' })).toBeVisible();
    await page.screenshot({ path: 'artifacts/test-step-5-unpinned.png', fullPage: true });

    // The test run is in the run history, marked as a test.
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Runs' }).click();
    await expect(page.getByRole('heading', { name: 'Run history', level: 1 })).toBeVisible();
    const row = page.getByRole('row').filter({ hasText: testRunId });
    await expect(row).toContainText('test');
    await page.screenshot({ path: 'artifacts/test-step-6-run-history.png', fullPage: true });
  } finally {
    await new Promise((resolve) => api.server.close(resolve));
  }
});
