import { expect, test, type Page } from '@playwright/test';
import { signIn } from './sign-in.js';

const DEGRADED = {
  status: 'degraded',
  checks: {
    database: { ok: false, error: 'The database cannot take writes: could not extend file: No space left on device' },
    temporal: { ok: false, error: 'Temporal does not answer: no answer within 2000 ms' },
  },
};

/** Answers the editor's readiness questions as a server whose database and Temporal are down. */
async function breakReadiness(page: Page): Promise<void> {
  await page.route('**/readyz', (route) => route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify(DEGRADED) }));
}

test('a banner says what is degraded while the product cannot work, and goes when it recovers', async ({ page }) => {
  await breakReadiness(page);
  await signIn(page);
  const banner = page.getByRole('status', { name: 'Service status' });
  await expect(banner).toHaveAttribute('aria-live', 'polite');
  await expect(banner.getByRole('paragraph')).toHaveText([
    'The database cannot take writes: nothing can be saved',
    'Weft cannot reach Temporal: runs are paused until it is back',
  ]);
  await page.screenshot({ path: 'artifacts/degraded-banner.png' });

  // The real server answers again: the next poll (every 10 s) clears the banner.
  await page.unroute('**/readyz');
  await expect(banner).toBeEmpty({ timeout: 15_000 });

  // Coming back to the window asks at once, without waiting for the next poll.
  await breakReadiness(page);
  await page.evaluate(() => window.dispatchEvent(new Event('focus')));
  await expect(banner.getByRole('paragraph')).toHaveCount(2, { timeout: 5_000 });
});
