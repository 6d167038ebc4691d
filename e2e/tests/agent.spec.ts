import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import { OFFSITE } from '../product.js';
import { auth, connect, dropType, mcpUrl, typeInto, url } from './helpers.js';
import { signIn } from './sign-in.js';

// A person gives an agent tools on the canvas, runs it, watches it think, and approves the call
// that spends money. The stand-in LLM plays the agent (see OFFSITE in product.ts).

test.use({ viewport: { width: 1440, height: 900 } });

// The booking tool (an HTTP node) calls this server, which confirms what it was sent.
let server: Server;
let base: string;
const bookings: unknown[] = [];
test.beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const booking = body ? (JSON.parse(body) as object) : {};
      bookings.push(booking);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ...booking, confirmation: `BK-${bookings.length}` }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
test.afterAll(async () => {
  await new Promise((r) => server.close(r));
});

/** The "As a tool" section of the selected node: its name, what it does, and its arguments. */
async function describeTool(page: Page, inspector: Locator, tool: { name: string; description: string; args: { name: string; type?: string; description: string }[] }): Promise<Locator> {
  const section = inspector.getByTestId('tool-section');
  await expect(section.getByRole('heading', { name: 'As a tool' })).toBeVisible();
  await section.getByLabel('Tool name').pressSequentially(tool.name);
  await section.getByLabel('Description', { exact: true }).pressSequentially(tool.description);
  for (const [i, a] of tool.args.entries()) {
    await section.getByRole('button', { name: 'Add argument' }).click();
    // The new row's name takes the focus; it is written when the person moves on.
    const name = section.getByLabel(`Name of argument ${i + 1}`);
    await expect(name).toBeFocused();
    await page.keyboard.type(a.name);
    await page.keyboard.press('Tab');
    if (a.type) await section.getByLabel(`Type of argument ${i + 1}`).selectOption(a.type);
    await section.getByLabel(`Description of argument ${i + 1}`).pressSequentially(a.description);
  }
  return section;
}

/** A screenshot of all of an element taller than the window (the page scrolls inside the app, not the document). */
async function shootWhole(page: Page, element: Locator, path: string): Promise<void> {
  const size = page.viewportSize()!;
  const box = (await element.boundingBox())!;
  await page.setViewportSize({ width: size.width, height: Math.max(size.height, Math.ceil(box.height) + 300) });
  await element.screenshot({ path });
  await page.setViewportSize(size);
}

test('A person gives an agent three tools on the canvas, runs it, watches it think, approves the booking with an edited guest count, and reads the answer', async ({ page, request }) => {
  test.setTimeout(240_000);
  await signIn(page);
  await page.getByRole('button', { name: 'New workflow' }).click();
  await expect(page.getByTestId('node-trigger_1')).toBeVisible();
  const inspector = page.getByRole('region', { name: 'Inspector' });

  // The trigger to the left, the agent and its output in the flow, three tools below the agent.
  const paneBox = (await page.locator('.canvas .react-flow__pane').boundingBox())!;
  const trigger = (await page.getByTestId('node-trigger_1').boundingBox())!;
  await page.mouse.move(trigger.x + trigger.width / 2, trigger.y + trigger.height / 2);
  await page.mouse.down();
  await page.mouse.move(paneBox.x + 130, paneBox.y + 150, { steps: 12 });
  await page.mouse.up();
  await dropType(page, 'Agent', { x: 380, y: 150 });
  await expect(page.getByTestId('node-agent_1')).toBeVisible();
  await dropType(page, 'Output', { x: 640, y: 150 });
  await dropType(page, 'Transform', { x: 140, y: 420 });
  await dropType(page, 'Transform', { x: 380, y: 420 });
  await dropType(page, 'HTTP request', { x: 620, y: 420 });
  await expect(page.getByTestId('node-http_1')).toBeVisible();

  await connect(page, page.getByTestId('port-trigger_1-out-out'), page.getByTestId('port-agent_1-in-in'));
  await connect(page, page.getByTestId('port-agent_1-out-out'), page.getByTestId('port-output_1-in-in'));
  const tools = page.getByTestId('port-agent_1-in-tools');
  await expect(tools).toContainText('tools');
  for (const tool of ['transform_1', 'transform_2', 'http_1']) {
    await connect(page, page.getByTestId(`port-${tool}-out-out`), tools);
    await expect(page.getByTestId(`tool-badge-${tool}`)).toHaveText('tool of agent_1');
  }
  await expect(page.locator('.react-flow__edge.edge--tool')).toHaveCount(3);
  // A tool runs only when its agent calls it: wiring it into the flow as well is refused, with the reason.
  const from = (await page.getByTestId('port-transform_1-out-out').boundingBox())!;
  const to = (await page.getByTestId('port-output_1-in-in').boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 8 });
  await page.mouse.up();
  const notice = page.getByRole('status').filter({ hasText: 'Not connected: transform_1 is a tool of agent_1' });
  await expect(notice).toBeVisible();
  await expect(page.locator('.react-flow__edge')).toHaveCount(5);
  await notice.getByRole('button', { name: 'Dismiss' }).click();

  // The agent: what it is and what to do.
  await page.getByTestId('node-agent_1').click();
  await expect(inspector.getByTestId('agent-tools')).toContainText('transform_1');
  await typeInto(page, inspector, '$.params.instructions', 'You plan team events. Use the tools; never guess the weather.');
  await typeInto(page, inspector, '$.params.task', `${OFFSITE.task} in Lisbon for the platform team.`);

  // Tool 1: the weather, from its city argument.
  await page.getByTestId('node-transform_1').click();
  await describeTool(page, inspector, { name: 'weather', description: 'The weather forecast of a city', args: [{ name: 'city', description: 'The city, e.g. Lisbon' }] });
  // The expression is offered the declared arguments after `$tool.`.
  await inspector.locator('[data-field-path="$.params.expression"] .monaco-editor').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('{ "city": $tool.');
  await expect(page.locator('.suggest-widget.visible')).toContainText('city');
  await page.keyboard.type('city, "forecast": "sunny", "high": 24 }');
  if (await page.locator('.suggest-widget.visible').count()) await page.keyboard.press('Escape');
  await expect(page.getByTestId('problems-transform_1')).toHaveCount(0);

  // Tool 2: who comes.
  await page.getByTestId('node-transform_2').click();
  await describeTool(page, inspector, { name: 'headcount', description: 'How many people of a team come', args: [{ name: 'team', description: 'The team name' }] });
  await typeInto(page, inspector, '$.params.expression', '{ "team": $tool.team, "people": 15 }');
  await expect(page.getByTestId('problems-transform_2')).toHaveCount(0);

  // Tool 3: the booking spends money, so every call waits for a person.
  await page.getByTestId('node-http_1').click();
  const booking = await describeTool(page, inspector, {
    name: 'book_venue',
    description: 'Books a venue for the offsite',
    args: [
      { name: 'venue', description: 'Which venue' },
      { name: 'guests', type: 'integer', description: 'How many people' },
    ],
  });
  await booking.getByLabel('Needs approval').selectOption('always');
  await expect(booking.getByLabel('Decide within')).toHaveValue('24h');
  await inspector.locator('[data-field-path="$.params.method"]').getByRole('combobox').selectOption('POST');
  await inspector.locator('[data-field-path="$.params.url"]').getByRole('textbox').pressSequentially(`${base}/bookings`);
  await typeInto(page, inspector, '$.params.body', '{ "venue": "{{ $tool.venue }}", "guests": "{{ $tool.guests }}" }');
  await expect(page.getByTestId('problems-http_1')).toHaveCount(0);
  await expect(page.getByTestId('problems-agent_1')).toHaveCount(0);
  await page.getByTestId('node-agent_1').click();
  await expect(inspector.getByTestId('agent-tools')).toContainText('needs approval');
  await page.screenshot({ path: 'artifacts/agent-1-built.png' });

  await page.getByRole('button', { name: 'Save', exact: true }).click();
  const save = page.getByRole('dialog', { name: 'Save a new version' });
  await save.getByLabel('What changed (optional)').pressSequentially('Offsite planner with three tools');
  await save.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('v2');

  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await page.getByRole('dialog', { name: 'Start a run' }).getByRole('button', { name: 'Start run' }).click();
  // The agent's card says what it does while the run goes on.
  await expect(page.getByTestId('agent-activity-agent_1')).toContainText('turn 1');
  await page.screenshot({ path: 'artifacts/agent-2-canvas-turn-1.png' });

  // The run's page: the model's text grows as it writes, and a reload shows what it wrote so far.
  const runLink = page.locator('.run-panel a.run-id');
  const runId = (await runLink.textContent())!.trim();
  await runLink.click();
  const turn1 = page.getByTestId('turn-agent_1-1');
  const text = page.getByTestId('turn-text-agent_1-1');
  const length = async () => ((await text.textContent()) ?? '').length;
  await expect(turn1).toHaveAttribute('data-status', 'running');
  await expect(text).toBeVisible();
  const seen = await length();
  await expect.poll(length).toBeGreaterThan(seen);
  await page.screenshot({ path: 'artifacts/agent-3-streaming.png' });
  await page.reload();
  await expect(turn1).toHaveAttribute('data-status', 'running');
  await expect(text).toHaveText(new RegExp(`^${OFFSITE.thinking.slice(0, 40)}`));
  const afterReload = await length();
  expect(afterReload).toBeGreaterThan(seen);
  await expect.poll(length).toBeGreaterThan(afterReload);
  expect(OFFSITE.thinking.startsWith((await text.textContent())!)).toBe(true);

  // Turn 1 called two tools; turn 2 asks to book, which waits for a person.
  await expect(turn1).toHaveAttribute('data-status', 'succeeded', { timeout: 40_000 });
  await expect(text).toHaveText(OFFSITE.thinking);
  await expect(page.getByTestId('call-agent_1-1-1')).toHaveAttribute('data-status', 'succeeded');
  await expect(page.getByTestId('call-agent_1-1-1')).toContainText('"forecast": "sunny"');
  await expect(page.getByTestId('call-agent_1-1-2')).toContainText('"people": 15');
  const call = page.getByTestId('call-agent_1-2-1');
  await expect(call).toHaveAttribute('data-status', 'waiting');
  await expect(call).toContainText('Waiting for approval');
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'waiting');
  await expect(page.getByTestId('turn-figures-agent_1-1')).toContainText('standin');
  await shootWhole(page, page.getByTestId('transcript-agent_1'), 'artifacts/agent-4-waiting-transcript.png');

  // The canvas shows the same: the tools that ran, the one that waits.
  await page.goBack();
  await expect(page.getByTestId('agent-activity-agent_1')).toHaveText('turn 2 · book_venue waits for approval');
  await expect(page.getByTestId('node-transform_1')).toHaveAttribute('data-status', 'succeeded');
  await expect(page.getByTestId('node-transform_2')).toHaveAttribute('data-status', 'succeeded');
  await expect(page.getByTestId('node-http_1')).toHaveAttribute('data-status', 'waiting');
  await page.screenshot({ path: 'artifacts/agent-5-canvas-waiting.png' });

  // The inbox: the call, why it waits, its arguments; the person reads the conversation first.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Approvals' }).click();
  const card = page.getByTestId(`approval-${runId}`);
  await expect(card.getByRole('heading', { name: 'book_venue: approve this call?' })).toBeVisible();
  await expect(card).toContainText('every call of book_venue needs approval');
  await card.getByRole('link', { name: 'Read the conversation so far' }).click();
  await expect(page.getByTestId('transcript-agent_1')).toBeInViewport();
  await page.goBack();

  // Sixteen come, not fifteen: the arguments are edited as JSON, key by key.
  const args = card.locator('.monaco-editor');
  await expect(args).toContainText('"guests": 15');
  await args.click();
  await expect(args.locator('.native-edit-context, textarea').first()).toBeFocused();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(`{ "venue": "${OFFSITE.venue}", "guests": 16 }`);
  if (await page.locator('.suggest-widget.visible').count()) await page.keyboard.press('Escape');
  await expect(card).toContainText('Edited');
  await card.getByLabel(/^Comment/).pressSequentially('Sam joins too');
  await page.screenshot({ path: 'artifacts/agent-6-approval.png' });
  await card.getByRole('button', { name: 'Approve with edited arguments' }).click();
  await expect(card).toHaveCount(0);

  // The run completes with the answer the model gave after the booking it was approved for.
  await page.goto(`${url()}/runs/${runId}`);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'completed', { timeout: 40_000 });
  await expect(page.getByTestId('turn-text-agent_1-3')).toHaveText(OFFSITE.answer(16));
  await expect(page.getByTestId('run-output')).toContainText(OFFSITE.answer(16));
  await expect(call).toHaveAttribute('data-status', 'succeeded');
  await expect(call.getByTestId('call-approval')).toContainText('Approved with edited arguments by');
  await expect(call.getByTestId('call-approval')).toContainText('Sam joins too');
  await expect(page.getByTestId('transcript-totals-agent_1')).toContainText('3 turns · 3 tool calls');
  expect(bookings).toEqual([{ venue: OFFSITE.venue, guests: 16 }]);
  await page.screenshot({ path: 'artifacts/agent-7-completed.png' });
  await shootWhole(page, page.getByTestId('transcript-agent_1'), 'artifacts/agent-8-completed-transcript.png');

  const transcript = await request.get(`${url()}/api/runs/${runId}/transcript`, { headers: auth() });
  const steps = ((await transcript.json()) as { steps: { kind: string; status: string }[] }).steps;
  expect(steps.filter((s) => s.kind === 'call').map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
});

test('Listing the tools of an MCP server it cannot reach says why, in the inspector', async ({ page }) => {
  await signIn(page);
  await page.getByRole('button', { name: 'New workflow' }).click();
  await dropType(page, 'MCP tool', { x: 380, y: 200 });
  await expect(page.getByTestId('node-mcp_1')).toBeVisible();
  const inspector = page.getByRole('region', { name: 'Inspector' });
  const section = inspector.getByTestId('mcp-tools');
  await expect(section.getByRole('button', { name: 'List tools' })).toBeDisabled();
  await inspector.locator('[data-field-path="$.params.server"]').getByLabel('Kind').selectOption({ label: 'HTTP' });
  // Nothing listens on port 1.
  await inspector.locator('[data-field-path="$.params.server.url"]').getByRole('textbox').pressSequentially('http://127.0.0.1:1/mcp');
  await section.getByRole('button', { name: 'List tools' }).click();
  await expect(section.getByRole('alert')).toContainText('Could not list the tools:');
  await page.screenshot({ path: 'artifacts/agent-9-mcp-error.png' });
});

/** The params of a node in the workflow's current version, as the API stores them. */
async function savedParams(request: APIRequestContext, workflowId: string, nodeId: string): Promise<Record<string, unknown> | undefined> {
  const res = await request.get(`${url()}/api/workflows/${workflowId}`, { headers: auth() });
  expect(res.status(), await res.text()).toBe(200);
  const { document } = (await res.json()) as { document: { nodes: { id: string; params?: Record<string, unknown> }[] } };
  return document.nodes.find((n) => n.id === nodeId)?.params;
}

test('A person lists the tools of an MCP server, offers an agent two of them, saves, then offers all again', async ({ page, request }) => {
  await signIn(page);
  await page.getByRole('button', { name: 'New workflow' }).click();
  await expect(page.getByTestId('node-trigger_1')).toBeVisible();
  await dropType(page, 'MCP tool', { x: 380, y: 200 });
  await expect(page.getByTestId('node-mcp_1')).toBeVisible();
  const inspector = page.getByRole('region', { name: 'Inspector' });
  const section = inspector.getByTestId('mcp-tools');
  await inspector.locator('[data-field-path="$.params.server"]').getByLabel('Kind').selectOption({ label: 'HTTP' });
  await inspector.locator('[data-field-path="$.params.server.url"]').getByRole('textbox').pressSequentially(mcpUrl());
  await section.getByRole('button', { name: 'List tools' }).click();

  // The server's four tools, each with what it does; all are offered until the person chooses.
  const offered = section.getByRole('group', { name: 'Tools offered to an agent' });
  const rows = offered.getByRole('listitem').filter({ has: page.getByRole('checkbox') });
  await expect(rows).toHaveText([/^add\s*Adds two numbers$/, /^echo\s*Answers with the text it was given$/, /^fail\s*Always fails$/, /^count\s*Counts its calls per key$/]);
  const box = (name: string) => rows.filter({ has: page.locator('code', { hasText: new RegExp(`^${name}$`) }) }).getByRole('checkbox');
  const all = offered.getByRole('radio', { name: 'All tools, also those the server adds later' });
  await expect(all).toBeChecked();
  for (const name of ['add', 'echo', 'fail', 'count']) await expect(box(name)).toBeDisabled();

  // Only add and count: the person switches to a choice and unchecks the other two.
  await offered.getByRole('radio', { name: 'Only the ones checked below' }).click();
  await box('echo').click();
  await box('fail').click();
  await expect(box('add')).toBeChecked();
  await expect(box('echo')).not.toBeChecked();
  await expect(box('fail')).not.toBeChecked();
  await expect(box('count')).toBeChecked();
  await expect(section).toContainText('An agent sees 2 tools: add, count.');
  await page.screenshot({ path: 'artifacts/agent-10-mcp-tools.png' });

  await page.keyboard.press('ControlOrMeta+S');
  const dialog = page.getByRole('dialog', { name: 'Save a new version' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('v2');
  const workflowId = new URL(page.url()).pathname.split('/').pop()!;
  expect(await savedParams(request, workflowId, 'mcp_1')).toEqual({ server: { transport: 'http', url: mcpUrl() }, tools: ['add', 'count'] });

  // Back to every tool, saved with the Save button.
  await all.click();
  await expect(section).toContainText('An agent this node is wired to sees every tool of the server.');
  for (const name of ['add', 'echo', 'fail', 'count']) await expect(box(name)).toBeChecked();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('v3');
  expect(await savedParams(request, workflowId, 'mcp_1')).toEqual({ server: { transport: 'http', url: mcpUrl() }, tools: 'all' });
});
