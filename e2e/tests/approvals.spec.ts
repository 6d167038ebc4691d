import { expect, test, type APIRequestContext } from '@playwright/test';
import { signIn } from './sign-in.js';

const url = () => process.env['WEFT_URL']!;
const auth = () => ({ authorization: `Bearer ${process.env['WEFT_TOKEN']!}` });

/** A workflow that waits for a person before it outputs. */
const WAITS_FOR_APPROVAL = {
  schemaVersion: 1,
  name: 'Pay the invoice',
  nodes: [
    { id: 'start', type: 'control.trigger', position: { x: 0, y: 0 } },
    { id: 'check', type: 'security.approval', params: { title: 'Pay invoice 42?', description: 'Check the amount first' }, position: { x: 250, y: 0 } },
    { id: 'paid', type: 'control.output', params: { value: '{{ $nodes.check.output.comment }}' }, position: { x: 500, y: 0 } },
  ],
  edges: [
    { id: 'e1', source: 'start', sourcePort: 'out', target: 'check', targetPort: 'in' },
    { id: 'e2', source: 'check', sourcePort: 'approved', target: 'paid', targetPort: 'in' },
  ],
};

async function runStatus(request: APIRequestContext, runId: string): Promise<string> {
  const res = await request.get(`${url()}/api/runs/${runId}`, { headers: auth() });
  return ((await res.json()) as { status: string }).status;
}

test('a run waits at an approval; the person approves it in the inbox; the run completes', async ({ page, request }) => {
  const created = await request.post(`${url()}/api/workflows`, { headers: auth(), data: WAITS_FOR_APPROVAL });
  expect(created.status(), await created.text()).toBe(201);
  const { id: workflowId } = (await created.json()) as { id: string };
  const started = await request.post(`${url()}/api/workflows/${workflowId}/runs`, { headers: auth(), data: { input: {} } });
  expect(started.status()).toBe(202);
  const { runId } = (await started.json()) as { runId: string };
  await expect.poll(() => runStatus(request, runId), { timeout: 30_000 }).toBe('waiting');

  await signIn(page);
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Approvals' }).click();
  await expect(nav.getByRole('link', { name: 'Approvals' })).toHaveAttribute('aria-current', 'page');

  const card = page.getByTestId(`approval-${runId}`);
  await expect(card.getByRole('heading', { name: 'Pay invoice 42?' })).toBeVisible();
  await expect(card).toContainText('Pay the invoice');
  await card.getByLabel('Comment (optional)').fill('Amount checked');
  await page.screenshot({ path: 'artifacts/approvals-1-inbox.png', fullPage: true });
  await card.getByRole('button', { name: 'Approve' }).click();

  // The inbox forgets the decided approval and the run goes on to completion.
  await expect(card).toHaveCount(0);
  await expect.poll(() => runStatus(request, runId), { timeout: 30_000 }).toBe('completed');
  const run = (await (await request.get(`${url()}/api/runs/${runId}`, { headers: auth() })).json()) as { output: unknown };
  expect(run.output).toBe('Amount checked');

  await page.goto(`${url()}/runs/${runId}`);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'completed');
  await page.screenshot({ path: 'artifacts/approvals-2-completed-run.png', fullPage: true });
});
