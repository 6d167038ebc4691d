import { execFileSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { signIn } from './sign-in.js';

const url = () => process.env['WEFT_URL']!;

test('the curl example shown with a new webhook is signed so the server starts a run', async ({ page }) => {
  await signIn(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Webhooks' }).click();
  const form = page.getByRole('form', { name: 'New webhook' });
  await form.getByLabel('Path').fill('greet-e2e');
  await form.getByLabel('Workflow').selectOption({ label: 'Hello, Weft' });
  await form.getByRole('button', { name: 'Create webhook' }).click();

  await expect(page.getByTestId('webhook-url')).toHaveText(`${url()}/hooks/greet-e2e`);
  await expect(page.getByTestId('webhook-secret')).toHaveValue(/^whsec_/);
  await page.screenshot({ path: 'artifacts/webhooks-1-created.png', fullPage: true });

  // The snippet, run as a person would paste it: openssl signs, curl posts.
  const snippet = (await page.getByTestId('webhook-curl').textContent())!;
  const answer = execFileSync('sh', ['-c', snippet], { encoding: 'utf8' });
  expect(JSON.parse(answer)).toMatchObject({ runId: expect.stringMatching(/^run_/) });

  await page.getByRole('button', { name: 'Delete greet-e2e' }).click();
  await page.getByRole('dialog', { name: 'Delete this webhook?' }).getByRole('button', { name: 'Delete webhook' }).click();
  await expect(page.getByText('No webhooks yet.')).toBeVisible();
});
