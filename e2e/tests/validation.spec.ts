import { expect, test, type Page } from '@playwright/test';

const url = () => process.env['WEFT_URL']!;
const token = () => process.env['WEFT_TOKEN']!;

async function openHello(page: Page) {
  await page.goto(url());
  await page.getByLabel('API token').fill(token());
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'Hello, Weft' }).click();
  await expect(page.getByTestId('node-greet')).toBeVisible();
}

test('An invalid param shows a badge and an issue; clicking the issue focuses the field; save is refused until it is fixed', async ({ page, request }) => {
  await openHello(page);
  const inspector = page.getByRole('region', { name: 'Inspector' });
  const issues = page.getByRole('region', { name: /^Issues/ });
  const save = page.getByRole('button', { name: 'Save', exact: true });
  await expect(issues).toContainText('The workflow has no problems.');

  // The form is generated from the transform's params schema, with its default shown.
  await page.getByTestId('node-greet').click();
  await expect(inspector.getByRole('heading', { name: 'Greet' })).toBeVisible();
  const limit = inspector.getByLabel('Time limit (ms)');
  await expect(limit).toHaveAttribute('placeholder', '1000');
  await limit.fill('0');

  await expect(page.getByTestId('problems-greet')).toBeVisible();
  const issue = issues.getByRole('button', { name: /params\.timeoutMs/ });
  await expect(issue).toContainText('Greet (greet)');
  await expect(limit).toHaveAttribute('aria-invalid', 'true');
  await expect(save).toBeDisabled();
  await page.screenshot({ path: 'artifacts/validation-1-invalid-param.png', fullPage: true });

  // With another node selected, the issue brings back the node and puts the cursor in the field.
  await page.getByTestId('node-start').click();
  await expect(inspector.getByRole('heading', { name: 'Start' })).toBeVisible();
  await issue.click();
  await expect(inspector.getByRole('heading', { name: 'Greet' })).toBeVisible();
  await expect(inspector.getByLabel('Time limit (ms)')).toBeFocused();
  await page.screenshot({ path: 'artifacts/validation-2-issue-focuses-field.png', fullPage: true });

  // A JSONata error typed into Monaco, key by key, is an issue too.
  const expression = inspector.getByRole('textbox', { name: 'Expression' });
  await expect(expression).toBeAttached();
  await inspector.locator('[data-field-path="$.params.expression"] .monaco-editor').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('"Hello, " & (');
  await expect(issues.getByRole('button', { name: /params\.expression/ })).toBeVisible();
  await page.screenshot({ path: 'artifacts/validation-3-expression-error.png', fullPage: true });
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('"Hello, " & $input.name');
  if (await page.locator('.suggest-widget.visible').count()) await page.keyboard.press('Escape');
  await expect(issues.getByRole('button', { name: /params\.expression/ })).toHaveCount(0);

  // Fixed: the badge and the issue go, and the new version saves.
  await inspector.getByLabel('Time limit (ms)').fill('1500');
  await expect(page.getByTestId('problems-greet')).toHaveCount(0);
  await expect(issues).toContainText('The workflow has no problems.');
  await expect(save).toBeEnabled();
  await save.click();
  const dialog = page.getByRole('dialog', { name: 'Save a new version' });
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('v2');
  await page.screenshot({ path: 'artifacts/validation-4-saved.png', fullPage: true });

  // What was saved is what was typed.
  const id = new URL(page.url()).pathname.split('/').filter(Boolean).at(-1)!;
  const saved = await request.get(`${url()}/api/workflows/${id}`, { headers: { authorization: `Bearer ${token()}` } });
  const greet = ((await saved.json()) as { document: { nodes: { id: string; params: Record<string, unknown> }[] } }).document.nodes.find((n) => n.id === 'greet')!;
  expect(greet.params).toEqual({ expression: '"Hello, " & $input.name', timeoutMs: 1500 });
});

test('An expression editor completes the ids of upstream nodes', async ({ page }) => {
  await openHello(page);
  const inspector = page.getByRole('region', { name: 'Inspector' });
  await page.getByTestId('node-result').click();
  await expect(inspector.getByRole('heading', { name: 'Result' })).toBeVisible();

  // The output's value holds a {{ }} template, so it opens in the template editor.
  await inspector.locator('[data-field-path="$.params.value"] .monaco-editor').click();
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.type(' {{ $nodes.');
  await page.keyboard.press('Control+Space');
  const suggestions = page.locator('.suggest-widget');
  await expect(suggestions).toContainText('greet');
  await expect(suggestions).toContainText('measure');
  await expect(suggestions).not.toContainText('result');
  await page.screenshot({ path: 'artifacts/validation-5-completion.png', fullPage: true });
});
