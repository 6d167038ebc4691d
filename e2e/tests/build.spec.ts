import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { auth, connect, dropType, url } from './helpers.js';
import { signIn } from './sign-in.js';

// The HTTP node calls this server (loopback is allow-listed for the specs, see product.ts).
let server: Server;
let base: string;
test.beforeAll(async () => {
  server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ path: req.url, order: 'A-17', total: 42 }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
test.afterAll(async () => {
  await new Promise((r) => server.close(r));
});

async function setExpression(page: Page, inspector: Locator, path: string, text: string): Promise<void> {
  await inspector.locator(`[data-field-path="${path}"] .monaco-editor`).click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(text);
  if (await page.locator('.suggest-widget.visible').count()) await page.keyboard.press('Escape');
}

test('A person builds trigger → transform → http → output from the palette, saves, runs it and reads the http output', async ({ page, request }) => {
  await signIn(page);
  await page.getByRole('button', { name: 'New workflow' }).click();
  await expect(page.getByTestId('node-trigger_1')).toBeVisible();
  const inspector = page.getByRole('region', { name: 'Inspector' });

  await dropType(page, 'Transform', { x: 320, y: 120 });
  await expect(page.getByTestId('node-transform_1')).toBeVisible();
  await dropType(page, 'HTTP request', { x: 320, y: 300 });
  await expect(page.getByTestId('node-http_1')).toBeVisible();
  await dropType(page, 'Output', { x: 560, y: 220 });
  await expect(page.getByTestId('node-output_1')).toBeVisible();

  await connect(page, page.getByTestId('port-trigger_1-out-out'), page.getByTestId('port-transform_1-in-in'));
  await connect(page, page.getByTestId('port-transform_1-out-out'), page.getByTestId('port-http_1-in-in'));
  await connect(page, page.getByTestId('port-http_1-out-out'), page.getByTestId('port-output_1-in-in'));
  await expect(page.locator('.react-flow__edge')).toHaveCount(3);

  // A connection back up the chain would make a cycle: refused, with the reason.
  const back = [(await page.getByTestId('port-http_1-out-out').boundingBox())!, (await page.getByTestId('port-transform_1-in-in').boundingBox())!];
  await page.mouse.move(back[0]!.x + back[0]!.width / 2, back[0]!.y + back[0]!.height / 2);
  await page.mouse.down();
  await page.mouse.move(back[1]!.x + back[1]!.width / 2, back[1]!.y + back[1]!.height / 2, { steps: 8 });
  await page.mouse.up();
  await expect(page.getByText('Not connected: the connection would make a cycle.')).toBeVisible();
  await expect(page.locator('.react-flow__edge')).toHaveCount(3);
  await page.getByRole('button', { name: 'Layout', exact: true }).click();
  await page.screenshot({ path: 'artifacts/build-1-connected.png', fullPage: true });

  // The forms: the transform builds the path, the request reads it.
  await page.getByTestId('node-transform_1').click();
  await setExpression(page, inspector, '$.params.expression', '{ "path": "/orders/A-17" }');
  await page.getByTestId('node-http_1').click();
  await inspector.locator('[data-field-path="$.params.url"]').getByRole('textbox').pressSequentially(`${base}{{ $nodes.transform_1.output.path }}`);
  await expect(page.getByTestId('problems-http_1')).toHaveCount(0);
  await expect(page.getByTestId('problems-transform_1')).toHaveCount(0);

  await page.getByRole('button', { name: 'Save', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Save a new version' });
  await dialog.getByLabel('What changed (optional)').pressSequentially('Order lookup');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('v2');
  const workflowId = new URL(page.url()).pathname.split('/').pop()!;
  const versions = await request.get(`${url()}/api/workflows/${workflowId}/versions`, { headers: auth() });
  expect(((await versions.json()) as { items: { version: number; message: string | null }[] }).items[0]).toMatchObject({ version: 2, message: 'Order lookup' });

  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await page.getByRole('dialog', { name: 'Start a run' }).getByRole('button', { name: 'Start run' }).click();
  for (const id of ['trigger_1', 'transform_1', 'http_1', 'output_1']) {
    await expect(page.getByTestId(`node-${id}`)).toHaveAttribute('data-status', 'succeeded');
  }
  await page.screenshot({ path: 'artifacts/build-2-succeeded.png', fullPage: true });

  // The http node's output, on the run's page.
  const runs = await request.get(`${url()}/api/runs?workflowId=${workflowId}&limit=1`, { headers: auth() });
  const [run] = ((await runs.json()) as { items: { id: string }[] }).items;
  await page.goto(`${url()}/runs/${run!.id}`);
  const row = page.getByTestId('timeline-http_1');
  await expect(row).toHaveAttribute('data-status', 'succeeded');
  // A long output sits behind a "Show" button; a short one is shown at once.
  const show = row.getByRole('button', { name: /output of http_1/i });
  if ((await show.count()) > 0) await show.click();
  await expect(row.getByLabel('Output of http_1')).toContainText('"order": "A-17"');
  await page.screenshot({ path: 'artifacts/build-3-http-output.png', fullPage: true });
});
