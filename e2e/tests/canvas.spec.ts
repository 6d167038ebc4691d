import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';

const url = () => process.env['WEFT_URL']!;
const token = () => process.env['WEFT_TOKEN']!;
const auth = () => ({ authorization: `Bearer ${token()}` });

async function signIn(page: Page): Promise<void> {
  await page.goto(url());
  await page.getByLabel('API token').fill(token());
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Workflows' })).toBeVisible();
}

const steps = (page: Page) => page.locator('.react-flow__node-step');

test('Undo / redo and copy / paste change the canvas as expected; export then import gives the same workflow', async ({ page, context, request }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  // Its own copy of the example, so the import at the end adds no second "Hello, Weft" for other specs.
  const example = JSON.parse(readFileSync(new URL('../../examples/hello.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  const created = await request.post(`${url()}/api/workflows`, { headers: auth(), data: { ...example, name: `Canvas edits ${Date.now()}` } });
  expect(created.status()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  await signIn(page);
  await page.goto(`${url()}/workflows/${id}`);
  await expect(page.getByTestId('node-greet')).toBeVisible();
  await expect(steps(page)).toHaveCount(4);
  const modifier = process.platform === 'darwin' ? 'Meta' : 'Control';

  // Copy one node and paste it: a copy with a fresh id, and the document has unsaved changes.
  await page.getByTestId('node-greet').click();
  await page.keyboard.press(`${modifier}+c`);
  await page.keyboard.press(`${modifier}+v`);
  await expect(page.getByTestId('node-greet_1')).toBeVisible();
  await expect(steps(page)).toHaveCount(5);
  await expect(page.getByText('unsaved changes')).toBeVisible();
  await page.screenshot({ path: 'artifacts/canvas-1-pasted.png', fullPage: true });

  // Undo takes the paste away; redo (both shortcuts) brings it back.
  await page.keyboard.press(`${modifier}+z`);
  await expect(page.getByTestId('node-greet_1')).toHaveCount(0);
  await expect(steps(page)).toHaveCount(4);
  await page.keyboard.press(`${modifier}+Shift+z`);
  await expect(page.getByTestId('node-greet_1')).toBeVisible();
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByTestId('node-greet_1')).toHaveCount(0);
  await page.keyboard.press(`${modifier}+y`);
  await expect(page.getByTestId('node-greet_1')).toBeVisible();

  // Deleting a node takes its edges too, as one step that undo restores.
  const edgeCount = await page.locator('.react-flow__edge').count();
  await page.getByTestId('node-measure').click();
  await page.keyboard.press('Delete');
  await expect(page.getByTestId('node-measure')).toHaveCount(0);
  await expect(page.locator('.react-flow__edge')).toHaveCount(edgeCount - 2);
  await page.keyboard.press(`${modifier}+z`);
  await expect(page.getByTestId('node-measure')).toBeVisible();
  await expect(page.locator('.react-flow__edge')).toHaveCount(edgeCount);

  // Shift-click selects two nodes; Group frames them, the frame collapses to hide them, undo ungroups.
  // The pasted copy sits below and right of the original, so click the original's top-left corner.
  await page.getByTestId('node-greet').click({ position: { x: 6, y: 6 } });
  // …and the copy by its bottom-right corner, which the (now selected and raised) original does not cover.
  const copy = await page.getByTestId('node-greet_1').boundingBox();
  if (!copy) throw new Error('the pasted node has no box');
  await page.getByTestId('node-greet_1').click({ modifiers: ['Shift'], position: { x: copy.width - 6, y: copy.height - 6 } });
  await page.getByRole('button', { name: 'Group', exact: true }).click();
  await expect(page.getByTestId('group-group_1')).toContainText('2 nodes');
  await page.getByRole('button', { name: 'Collapse group Group' }).click();
  await expect(page.getByTestId('node-greet_1')).toBeHidden();
  await expect(page.locator('.react-flow__edge')).toHaveCount(edgeCount - 2);
  await page.screenshot({ path: 'artifacts/canvas-2-group-collapsed.png', fullPage: true });
  await page.getByRole('button', { name: 'Expand group Group' }).click();
  await expect(page.getByTestId('node-greet_1')).toBeVisible();
  await page.keyboard.press(`${modifier}+z`);
  await page.keyboard.press(`${modifier}+z`);
  await page.keyboard.press(`${modifier}+z`);
  await expect(page.getByTestId('group-group_1')).toHaveCount(0);
  await expect(page.getByTestId('node-greet_1')).toBeVisible();

  // The shortcuts help opens with ? and Esc closes it.
  await page.getByTestId('node-greet').click({ position: { x: 6, y: 6 } });
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  await page.screenshot({ path: 'artifacts/canvas-3-shortcuts.png', fullPage: true });
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toHaveCount(0);

  // Export the edited graph.
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export' }).click();
  const download = await downloading;
  const file = await download.path();
  const exported = JSON.parse(readFileSync(file, 'utf8')) as { name: string; nodes: { id: string }[]; edges: { id: string }[] };
  expect(exported.nodes.map((n) => n.id)).toEqual(['start', 'greet', 'measure', 'result', 'greet_1']);

  // Import it as a new workflow: the editor opens it, and the stored document is the exported one.
  const before = page.url();
  await page.getByTestId('import-file').setInputFiles(file);
  // This graph's edits are not saved: opening the new workflow asks first, and the person agrees.
  let asked = '';
  page.once('dialog', (d) => {
    asked = d.message();
    void d.accept();
  });
  await page.getByRole('button', { name: 'Create a new workflow' }).click();
  await page.waitForURL((u) => /\/workflows\/wf_/.test(u.pathname) && u.href !== before);
  expect(asked).toContain('unsaved changes');
  await expect(page.getByTestId('node-greet_1')).toBeVisible();
  await expect(steps(page)).toHaveCount(5);
  await expect(page.getByText('unsaved changes')).toHaveCount(0);
  const newId = new URL(page.url()).pathname.split('/').pop()!;
  const stored = await request.get(`${url()}/api/workflows/${newId}`, { headers: auth() });
  const doc = ((await stored.json()) as { document: typeof exported }).document;
  expect(doc.nodes).toEqual(exported.nodes);
  expect(doc.edges).toEqual(exported.edges);
  expect(doc.name).toBe(exported.name);
  await page.screenshot({ path: 'artifacts/canvas-4-imported.png', fullPage: true });

  // From the keyboard: search the palette, press Enter on a type, and it lands on the canvas.
  await page.getByRole('searchbox', { name: 'Search nodes' }).fill('transform');
  await page.getByTestId('palette-analysis.transform').press('Enter');
  await expect(page.getByTestId('node-transform_1')).toBeVisible();
  await expect(steps(page)).toHaveCount(6);
});
