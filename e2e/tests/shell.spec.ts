import { expect, test } from '@playwright/test';

const url = () => process.env['WEFT_URL']!;

test('a viewer sees only the pages a viewer may use', async ({ page, request }) => {
  const made = await request.post(`${url()}/api/tokens`, { headers: { authorization: `Bearer ${process.env['WEFT_TOKEN']!}` }, data: { role: 'viewer', name: 'reader' } });
  expect(made.status()).toBe(201);
  const { token } = (await made.json()) as { token: string };

  await page.goto(url());
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link')).toHaveText(['Workflows', 'Runs', 'Schedules', 'Webhooks', 'Knowledge']);
  await expect(nav.getByRole('link', { name: 'Workflows' })).toHaveAttribute('aria-current', 'page');

  // A page the role may not use says so instead of failing to load.
  await page.goto(`${url()}/secrets`);
  await expect(page.getByRole('note')).toHaveText('This page needs the admin role; your token is a viewer token.');
});

test('the theme toggle overrides the system preference and is remembered', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(url());
  const html = page.locator('html');
  await expect(html).toHaveAttribute('data-theme', 'light');
  const toggle = page.getByRole('button', { name: 'Dark theme' });
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await toggle.click();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await page.reload();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await expect(page.getByRole('button', { name: 'Dark theme' })).toHaveAttribute('aria-pressed', 'true');
  await page.screenshot({ path: 'artifacts/shell-dark-sign-in.png', fullPage: true });
});
