import { expect, test } from '@playwright/test';
import { signIn } from './sign-in.js';

const url = () => process.env['WEFT_URL']!;

test('a schedule created in the UI fires a run that appears in the history', async ({ page }) => {
  await signIn(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Schedules' }).click();
  await expect(page.getByRole('heading', { name: 'Schedules', level: 1 })).toBeVisible();

  const form = page.getByRole('form', { name: 'New schedule' });
  await form.getByLabel('Workflow').selectOption({ label: 'Hello, Weft' });
  await form.getByLabel('At an interval').check();
  await form.getByLabel('Every').fill('2s');
  await form.getByLabel('Time zone').fill('Europe/Paris');
  // The next run times show before anything is created.
  await expect(page.getByTestId('schedule-preview').getByRole('listitem')).toHaveCount(5);
  await page.screenshot({ path: 'artifacts/schedules-1-form.png', fullPage: true });
  await form.getByRole('button', { name: 'Create schedule' }).click();

  const row = page.locator('tr[data-testid^="schedule-sch_"]');
  await expect(row).toHaveCount(1);
  const scheduleId = (await row.getAttribute('data-testid'))!.replace('schedule-', '');
  await expect(row).toContainText('every 2s');

  // The history shows a run the schedule started.
  await expect(async () => {
    await page.goto(`${url()}/runs`);
    await expect(page.getByRole('table', { name: 'Runs' }).getByRole('row').filter({ hasText: scheduleId }).first()).toBeVisible({ timeout: 2000 });
  }).toPass({ timeout: 40_000 });
  await page.screenshot({ path: 'artifacts/schedules-2-run-history.png', fullPage: true });

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Schedules' }).click();
  await page.getByRole('button', { name: `Delete ${scheduleId}` }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete this schedule?' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Delete schedule' }).click();
  await expect(page.locator(`tr[data-testid="schedule-${scheduleId}"]`)).toHaveCount(0);
  await expect(page.getByText('No schedules yet.')).toBeVisible();
});
