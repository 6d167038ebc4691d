import { expect, test } from '@playwright/test';

const url = () => process.env['WEFT_URL']!;
const token = () => process.env['WEFT_TOKEN']!;

test('a person signs in, sees the example workflow and its completed run', async ({ page, request }) => {
  // A run of the example, started through the API as a script or a colleague would.
  const list = await request.get(`${url()}/api/workflows`, { headers: { authorization: `Bearer ${token()}` } });
  expect(list.status()).toBe(200);
  const hello = ((await list.json()) as { items: { id: string; name: string }[] }).items.find((w) => w.name === 'Hello, Weft');
  expect(hello, 'npm start loads examples/hello.json').toBeTruthy();
  const started = await request.post(`${url()}/api/workflows/${hello!.id}/runs`, {
    headers: { authorization: `Bearer ${token()}` },
    data: { input: { name: 'Grace' } },
  });
  expect(started.status()).toBe(202);

  await page.goto(url());
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.getByLabel('API token').fill(token());
  await page.getByRole('button', { name: 'Sign in' }).click();

  await expect(page.getByRole('heading', { name: 'Workflows' })).toBeVisible();
  await page.screenshot({ path: 'artifacts/smoke-1-workflows.png', fullPage: true });
  await page.getByRole('link', { name: 'Hello, Weft' }).click();

  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'completed');
  for (const id of ['start', 'greet', 'measure', 'result']) {
    await expect(page.getByTestId(`node-${id}`)).toHaveAttribute('data-status', 'succeeded');
  }
  await expect(page.getByTestId('run-output')).toContainText('Hello, Grace!');
  await page.screenshot({ path: 'artifacts/smoke-2-completed-run.png', fullPage: true });
});

test('the editor asks for a token again when the one given is refused', async ({ page }) => {
  await page.goto(url());
  await page.getByLabel('API token').fill('weft_wrong');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('not accepted');
});
