import { expect, type APIRequestContext, type Locator, type Page } from '@playwright/test';

// What several specs do the same way: reach the product's API with the admin token, and type into
// a Monaco field key by key as a person does.

/** The product's URL, from the global setup. */
export const url = (): string => process.env['WEFT_URL']!;
/** The admin token's header, from the global setup. */
export const auth = (): Record<string, string> => ({ authorization: `Bearer ${process.env['WEFT_TOKEN']!}` });

/** The streamable HTTP endpoint of the test MCP server (tools `add`, `echo`, `fail`, `count`), from the global setup. */
export const mcpUrl = (): string => process.env['WEFT_E2E_MCP_URL']!;

/** An edge from one node's port to another's `in`. */
export const EDGE = (id: string, source: string, target: string, sourcePort = 'out') => ({ id, source, sourcePort, target, targetPort: 'in' });

/** Stores a workflow through the API and returns its id. */
export async function createWorkflow(request: APIRequestContext, doc: object): Promise<string> {
  const res = await request.post(`${url()}/api/workflows`, { headers: auth(), data: doc });
  expect(res.status(), await res.text()).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

/** Starts a run through the API and returns its id. */
export async function startRun(request: APIRequestContext, workflowId: string, input: unknown): Promise<string> {
  const res = await request.post(`${url()}/api/workflows/${workflowId}/runs`, { headers: auth(), data: { input } });
  expect(res.status(), await res.text()).toBe(202);
  return ((await res.json()) as { runId: string }).runId;
}

/** A run's status as the API has it. */
export async function runStatus(request: APIRequestContext, runId: string): Promise<string> {
  return ((await (await request.get(`${url()}/api/runs/${runId}`, { headers: auth() })).json()) as { status: string }).status;
}

/** Clicks into a Monaco field of the inspector, selects all it holds and types `text` key by key. */
export async function typeInto(page: Page, inspector: Locator, path: string, text: string): Promise<void> {
  const field = inspector.locator(`[data-field-path="${path}"] .monaco-editor`);
  await field.click();
  await expect(field.locator('.native-edit-context, textarea').first()).toBeFocused();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(text);
  // A suggestion list left open is closed the way a person closes it.
  if (await page.locator('.suggest-widget.visible').count()) await page.keyboard.press('Escape');
}

/** Drags a node type from the palette onto the canvas, at a point of the pane. */
export async function dropType(page: Page, title: string, at: { x: number; y: number }): Promise<void> {
  const pane = page.locator('.canvas .react-flow__pane');
  await page.getByRole('complementary', { name: 'Node palette' }).getByText(title, { exact: true }).dragTo(pane, { targetPosition: at });
}

/** Draws a connection from one handle to another with the mouse, and waits for its edge. */
export async function connect(page: Page, from: Locator, to: Locator): Promise<void> {
  const edges = page.locator('.react-flow__edge');
  const before = await edges.count();
  const a = (await from.boundingBox())!;
  const b = (await to.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 8 });
  await page.mouse.up();
  await expect(edges).toHaveCount(before + 1);
}
