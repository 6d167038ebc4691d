import { expect, type Page } from '@playwright/test';

/** Signs in through the form with the admin token the product setup created. */
export async function signIn(page: Page): Promise<void> {
  await page.goto(process.env['WEFT_URL']!);
  await page.getByLabel('API token').fill(process.env['WEFT_TOKEN']!);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Workflows' })).toBeVisible();
}
