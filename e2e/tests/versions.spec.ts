import { expect, test } from '@playwright/test';

const url = () => process.env['WEFT_URL']!;
const token = () => process.env['WEFT_TOKEN']!;
const auth = () => ({ authorization: `Bearer ${token()}` });

const doc = (greeting: string, extra = false) => ({
  schemaVersion: 1,
  name: 'Greeter with history',
  nodes: [
    { id: 'start', type: 'control.trigger', position: { x: 0, y: 0 } },
    { id: 'greet', type: 'analysis.transform', label: 'Greet', params: { expression: `"${greeting}"` }, position: { x: 260, y: 0 } },
    ...(extra ? [{ id: 'shout', type: 'analysis.transform', label: 'Shout', params: { expression: '$uppercase($input)' }, position: { x: 520, y: 0 } }] : []),
  ],
  edges: [
    { id: 'e1', source: 'start', sourcePort: 'out', target: 'greet', targetPort: 'in' },
    ...(extra ? [{ id: 'e2', source: 'greet', sourcePort: 'out', target: 'shout', targetPort: 'in' }] : []),
  ],
});

test('Two versions are diffed and the changed node is highlighted', async ({ page, request }) => {
  const created = await request.post(`${url()}/api/workflows`, { headers: auth(), data: doc('Hello') });
  expect(created.status(), await created.text()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  const saved = await request.put(`${url()}/api/workflows/${id}`, { headers: auth(), data: doc('Good morning', true) });
  expect(saved.status(), await saved.text()).toBe(200);

  await page.addInitScript((t) => window.localStorage.setItem('weft.token', t), token());
  await page.goto(`${url()}/workflows/${id}/versions`);
  await expect(page.getByRole('heading', { name: 'Versions of Greeter with history' })).toBeVisible();
  await expect(page.getByTestId('version-2')).toBeVisible();
  await expect(page.getByTestId('version-1')).toBeVisible();

  // v1 → v2 is compared by default.
  await expect(page.getByTestId('diff-node-greet')).toHaveAttribute('data-change', 'changed');
  await expect(page.getByTestId('diff-node-greet')).toContainText('Changed');
  await expect(page.getByTestId('diff-node-shout')).toHaveAttribute('data-change', 'added');
  await expect(page.getByTestId('diff-node-start')).toHaveAttribute('data-change', 'unchanged');
  const changes = page.getByTestId('param-changes');
  await expect(changes).toContainText('params.expression');
  await expect(changes).toContainText('"Good morning"');
  await page.screenshot({ path: 'artifacts/versions-6-diff.png', fullPage: true });

  // Restoring v1 saves it as v3, which then differs from v2 in the other direction.
  await page.getByRole('button', { name: 'Restore v1 as new version' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'saved as version 3' })).toBeVisible();
  await expect(page.getByTestId('version-3')).toBeVisible();
  await expect(page.getByTestId('diff-node-greet')).toHaveAttribute('data-change', 'unchanged');
  const v3 = await request.get(`${url()}/api/workflows/${id}`, { headers: auth() });
  expect(((await v3.json()) as { version: number }).version).toBe(3);
});
