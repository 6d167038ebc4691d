import { expect, test } from '@playwright/test';
import { signIn } from './sign-in.js';

test('an admin stores a secret, creates and revokes a token, and finds both in the audit log', async ({ page }) => {
  await signIn(page);
  const nav = page.getByRole('navigation', { name: 'Main' });

  await nav.getByRole('link', { name: 'Secrets' }).click();
  const secretForm = page.getByRole('form', { name: 'Set a secret' });
  await secretForm.getByLabel('Name').pressSequentially('E2E_API_KEY');
  await secretForm.getByLabel('Value').pressSequentially('s3cret-value');
  await secretForm.getByLabel('Hosts').pressSequentially('api.example.com');
  await secretForm.getByRole('button', { name: 'Save secret' }).click();
  await expect(page.getByRole('row', { name: /E2E_API_KEY/ })).toBeVisible();
  // Bound to the one host it may be sent to.
  await expect(page.getByRole('row', { name: /E2E_API_KEY/ })).toContainText('api.example.com');
  // Write-only: the value is cleared from the form and never shown.
  await expect(secretForm.getByLabel('Value')).toHaveValue('');
  await expect(page.getByText('s3cret-value')).toHaveCount(0);
  await page.screenshot({ path: 'artifacts/admin-0-secret-bound.png', fullPage: true });

  await nav.getByRole('link', { name: 'Tokens' }).click();
  const tokenForm = page.getByRole('form', { name: 'New token' });
  await tokenForm.getByLabel('Name').fill('ci robot');
  await tokenForm.getByLabel('Role').selectOption('operator');
  await tokenForm.getByRole('button', { name: 'Create token' }).click();
  await expect(page.getByTestId('new-token')).toHaveValue(/\S{16,}/);
  await page.screenshot({ path: 'artifacts/admin-1-token-shown-once.png', fullPage: true });
  await page.getByRole('button', { name: 'I have stored the token' }).click();
  await page.getByRole('button', { name: /^Revoke ci robot/ }).click();
  await page.getByRole('dialog', { name: 'Revoke this token?' }).getByRole('button', { name: 'Revoke token' }).click();
  await expect(page.getByRole('row', { name: /ci robot/ })).toContainText('revoked');

  await nav.getByRole('link', { name: 'Audit' }).click();
  await page.getByLabel('Action').fill('secret.written');
  await page.getByRole('button', { name: 'Filter' }).click();
  const events = page.getByRole('region', { name: 'Events' }).getByRole('row');
  await expect(events.filter({ hasText: 'secret:E2E_API_KEY' })).toHaveCount(1);
  await expect(events.filter({ hasText: 'token.revoke' })).toHaveCount(0);
  await page.getByLabel('Action').fill('token.revoke');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(events.filter({ hasText: 'token.revoke' })).toHaveCount(1);
  await page.screenshot({ path: 'artifacts/admin-2-audit.png', fullPage: true });
});
