import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type Page } from '@playwright/test';

const url = () => process.env['WEFT_URL']!;
const token = () => process.env['WEFT_TOKEN']!;
const auth = () => ({ authorization: `Bearer ${token()}` });

/**
 * A shop that files orders: POST /orders answers 201 with the order and a long list of its lines,
 * DELETE /orders/<id> takes one back, and /refuse answers 422 with the reason.
 */
function startShop(): Promise<{ server: Server; base: string; authorizations: string[] }> {
  const authorizations: string[] = [];
  const server = createServer((req, res) => {
    authorizations.push(String(req.headers.authorization ?? ''));
    req.resume();
    if (req.url?.startsWith('/refuse')) return void res.writeHead(422, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'the warehouse is closed on Sundays' }));
    if (req.method === 'DELETE') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ cancelled: req.url }));
    const lines = Array.from({ length: 30 }, (_, i) => ({ line: i + 1, sku: `SKU-${1000 + i}`, quantity: 1 }));
    res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'order-981', lines }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, authorizations })));
}

async function signIn(page: Page): Promise<void> {
  await page.addInitScript((t) => window.localStorage.setItem('weft.token', t), token());
}

// Tall enough to see a node's input, output and what it sent at once.
test.use({ viewport: { width: 1280, height: 1100 } });

const EDGE = (id: string, source: string, target: string, sourcePort = 'out') => ({ id, source, sourcePort, target, targetPort: 'in' });

test('The run page shows what each node got and gave, the prompt and request it sent, why a route chose its port, and the LLM tokens and cost', async ({ page, request }) => {
  const shop = await startShop();
  try {
    const shopToken = `shop-${Date.now()}`;
    expect((await request.put(`${url()}/api/secrets/SHOP_TOKEN`, { headers: auth(), data: { value: shopToken, hosts: [shop.base] } })).ok()).toBe(true);
    const document = {
      schemaVersion: 1,
      name: 'Files a summarised order',
      nodes: [
        { id: 'start', type: 'control.trigger', position: { x: 0, y: 0 } },
        {
          id: 'summarise',
          type: 'analysis.llm',
          params: { system: 'You write one-line order notes.', prompt: 'Summarise order {{ $nodes.start.output.order }} for {{ $nodes.start.output.customer }}' },
          position: { x: 260, y: 0 },
        },
        { id: 'triage', type: 'strategy.route', params: { routes: [{ port: 'small', when: '$nodes.start.output.amount < 100' }, { port: 'big', when: '$nodes.start.output.amount >= 100' }] }, position: { x: 520, y: 0 } },
        {
          id: 'file',
          type: 'execution.http',
          params: { method: 'POST', url: `${shop.base}/orders`, body: { order: '{{ $nodes.start.output.order }}', note: '{{ $nodes.summarise.output.text }}' }, auth: { type: 'bearer', secret: 'SHOP_TOKEN' } },
          policy: { maxAttempts: 1 },
          position: { x: 780, y: 0 },
        },
      ],
      edges: [EDGE('e1', 'start', 'summarise'), EDGE('e2', 'summarise', 'triage'), EDGE('e3', 'triage', 'file', 'big')],
    };
    const created = await request.post(`${url()}/api/workflows`, { headers: auth(), data: document });
    expect(created.status(), await created.text()).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const started = await request.post(`${url()}/api/workflows/${id}/runs`, { headers: auth(), data: { input: { order: 'A-17', customer: 'Ada', amount: 240 } } });
    expect(started.status()).toBe(202);
    const { runId } = (await started.json()) as { runId: string };

    // A person finds the run in the history and opens it.
    await signIn(page);
    await page.goto(`${url()}/runs`);
    await page.getByRole('link', { name: runId }).click();
    await expect(page.getByRole('heading', { name: `Run ${runId}` })).toBeVisible();
    await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'completed', { timeout: 45_000 });

    // Totals of the run's LLM use, the cost to the millionth of a dollar.
    await expect(page.getByTestId('run-tokens')).toContainText('70 tokens');
    await expect(page.getByTestId('run-tokens')).toContainText('50 tokens in, 20 tokens out, over 1 call');
    await expect(page.getByTestId('run-cost')).toHaveText('$0.000029');
    await page.screenshot({ path: 'artifacts/run-details-1-totals.png' });

    // The LLM node: what it got beside what it gave, and the prompt as the model got it.
    const summarise = page.getByTestId('timeline-summarise');
    await expect(summarise.getByRole('region', { name: 'What summarise got' }).getByLabel('Input of summarise')).toContainText('"customer": "Ada"');
    await expect(summarise.getByRole('region', { name: 'What summarise gave' }).getByLabel('Output of summarise')).toContainText('Noted: Summarise order A-17 for Ada');
    await expect(summarise.getByLabel('System prompt of summarise', { exact: true })).toHaveText('You write one-line order notes.');
    await expect(summarise.getByLabel('Prompt of summarise', { exact: true })).toHaveText('Summarise order A-17 for Ada');
    await expect(summarise.getByRole('table')).toContainText('$0.000029');
    await summarise.scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'artifacts/run-details-2-llm-node.png' });

    // The route: the port it chose, and the rule that held.
    await expect(page.getByTestId('route-triage')).toHaveText('Chose port big: rule 2 held, $nodes.start.output.amount >= 100');

    // The HTTP node: the request sent, its token masked; the long answer folded until opened.
    const file = page.getByTestId('timeline-file');
    const sent = file.getByRole('region', { name: 'Request file sent' });
    await expect(sent).toContainText(`POST ${shop.base}/orders`);
    await sent.getByText('Headers').click();
    await expect(sent.getByRole('row', { name: /authorization/ })).toContainText('Bearer [secret:SHOP_TOKEN]');
    await expect(sent.getByLabel('Request file sent, body')).toContainText('Noted: Summarise order A-17 for Ada');
    const output = file.getByLabel('Output of file');
    await expect(output).toBeHidden();
    await file.getByText('Output of file').click();
    await expect(output).toBeVisible();
    await expect(output).toContainText('"SKU-1029"');
    await sent.scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'artifacts/run-details-3-http-node.png' });

    // The shop got the real token; the page never showed it.
    expect(shop.authorizations).toEqual([`Bearer ${shopToken}`]);
    expect(await page.content()).not.toContain(shopToken);
  } finally {
    shop.server.close();
  }
});

test('The run page shows the answer a failed call got, and the undo request and its answer for each node rolled back', async ({ page, request }) => {
  const shop = await startShop();
  try {
    const document = {
      schemaVersion: 1,
      name: 'Files an order, then is refused',
      nodes: [
        { id: 'start', type: 'control.trigger', position: { x: 0, y: 0 } },
        {
          id: 'file',
          type: 'execution.http',
          params: { method: 'POST', url: `${shop.base}/orders`, body: { order: 'B-2' }, compensation: { method: 'DELETE', url: `${shop.base}/orders/{{ $output.body.id }}` } },
          policy: { maxAttempts: 1 },
          position: { x: 260, y: 0 },
        },
        { id: 'ship', type: 'execution.http', params: { method: 'POST', url: `${shop.base}/refuse`, body: { order: 'B-2' } }, policy: { maxAttempts: 1 }, position: { x: 520, y: 0 } },
      ],
      edges: [EDGE('e1', 'start', 'file'), EDGE('e2', 'file', 'ship')],
    };
    const created = await request.post(`${url()}/api/workflows`, { headers: auth(), data: document });
    expect(created.status(), await created.text()).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const started = await request.post(`${url()}/api/workflows/${id}/runs`, { headers: auth(), data: { input: {} } });
    const { runId } = (await started.json()) as { runId: string };

    await signIn(page);
    await page.goto(`${url()}/runs/${runId}`);
    await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'rolled_back', { timeout: 45_000 });
    // No LLM in this workflow: the totals say so rather than show zeros.
    await expect(page.getByTestId('run-tokens')).toHaveText('None: no LLM calls');
    await expect(page.getByTestId('run-cost')).toHaveText('$0');

    // The failed call: what it sent, and the refusal's reason where its output would be.
    const ship = page.getByTestId('timeline-ship');
    await expect(ship.getByRole('region', { name: 'Request ship sent' })).toContainText(`POST ${shop.base}/refuse`);
    const gave = ship.getByRole('region', { name: 'What ship gave' });
    await expect(gave.getByTestId('answer-status')).toHaveText('422');
    await expect(gave.getByLabel('Answer ship got, body')).toContainText('the warehouse is closed on Sundays');

    // The rollback: the undo request next to the shop's answer.
    const undo = page.getByTestId('undo-file');
    await expect(undo.getByRole('region', { name: 'Undo request of file' })).toContainText(`DELETE ${shop.base}/orders/order-981`);
    const answer = undo.getByRole('region', { name: 'Answer to the undo of file' });
    await expect(answer.getByTestId('answer-status')).toHaveText('200');
    await expect(answer).toContainText('"cancelled": "/orders/order-981"');
    await page.getByRole('heading', { name: 'Rolled back' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'artifacts/run-details-4-rolled-back.png' });
    await ship.scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'artifacts/run-details-5-refused-call.png' });
  } finally {
    shop.server.close();
  }
});
