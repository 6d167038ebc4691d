import { expect, test } from '@playwright/test';
import { signIn } from './sign-in.js';

test('a person creates a collection, uploads a document, reads its chunks and finds it by search', async ({ page }) => {
  await signIn(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Knowledge' }).click();
  const form = page.getByRole('form', { name: 'New collection' });
  await form.getByLabel('Name').fill('handbook-e2e');
  await form.getByRole('button', { name: 'Create collection' }).click();
  await expect(page.getByRole('heading', { name: 'handbook-e2e', level: 1 })).toBeVisible();

  await page.getByLabel('Files').setInputFiles([
    { name: 'holidays.md', mimeType: 'text/markdown', buffer: Buffer.from('# Holidays\n\nEvery employee has 30 days of paid leave per year.\n') },
    { name: 'lunch.txt', mimeType: 'text/plain', buffer: Buffer.from('The canteen serves lunch from noon to two.') },
  ]);
  await page.getByRole('button', { name: 'Upload 2 files' }).click();
  await expect(page.getByText(/Added 2 documents/)).toBeVisible();

  await page.locator('summary', { hasText: 'holidays' }).click();
  await expect(page.getByRole('list', { name: 'Chunks of holidays' }).getByRole('listitem').first()).toContainText('30 days of paid leave');

  await page.getByLabel('Query').fill('paid leave');
  await page.getByRole('button', { name: 'Search' }).click();
  const first = page.getByRole('list', { name: 'Search results' }).getByRole('listitem').first();
  await expect(first).toContainText('30 days of paid leave');
  await expect(first).toContainText(/score \d\.\d{3}/);
  await page.screenshot({ path: 'artifacts/collections-1-search.png', fullPage: true });

  await page.getByRole('button', { name: 'Delete collection' }).click();
  await page.getByRole('dialog', { name: 'Delete this collection?' }).getByRole('button', { name: 'Delete collection' }).click();
  await expect(page.getByRole('heading', { name: 'Knowledge', level: 1 })).toBeVisible();
});
