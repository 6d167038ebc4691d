import { expect, test } from '@playwright/test';
import { auth, createWorkflow, EDGE, url } from './helpers.js';
import { signIn } from './sign-in.js';

// The editor is served with a strict content security policy (the API token lives in
// localStorage). A person editing code in Monaco, with its TypeScript worker checking it, must
// meet no violation: a policy that broke a feature would show here, not in a header test.
test('The editor works under its content security policy: editing code in Monaco meets no violation', async ({ page, request }) => {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`Refused to load: ${e.violatedDirective} ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}:${e.columnNumber}`));
  });
  const id = await createWorkflow(request, {
    schemaVersion: 1,
    name: 'csp probe',
    nodes: [
      { id: 'start', type: 'control.trigger' },
      { id: 'calc', type: 'execution.code', params: { code: 'return 1;' } },
    ],
    edges: [EDGE('e1', 'start', 'calc')],
  });
  const headers = (await request.get(`${url()}/`, { headers: auth() })).headers();
  expect(headers['content-security-policy']).toContain("script-src 'self'");

  await signIn(page);
  await page.goto(`${url()}/workflows/${id}`);
  await page.getByTestId('node-calc').click();
  const inspector = page.getByRole('region', { name: 'Inspector' });
  const code = inspector.locator('[data-field-path="$.params.code"] .monaco-editor').first();
  await code.click();
  await page.keyboard.press('End');
  await page.keyboard.type(' const total = 1 + ;');
  // The TypeScript worker runs and reports the syntax error: workers and their scripts load.
  await expect(code.locator('.squiggly-error').first()).toBeVisible({ timeout: 20_000 });
  await page.screenshot({ path: 'artifacts/csp-monaco.png' });
  expect(violations).toEqual([]);
});
