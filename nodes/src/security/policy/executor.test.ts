import { describe, expect, it } from 'vitest';
import { NodeError, type NodeContext } from '../../context.js';
import { Routed } from '../../define-node.js';
import { testContext } from '../../testing/context.js';
import definition from './definition.js';
import { execute } from './executor.js';
import { builtinRegistry } from '../../executors.js';

const githubToken = `ghp_${'Zx9'.repeat(12)}`;

interface AuditCall {
  action: string;
  target: string;
  details?: Record<string, unknown>;
}

function run(params: Record<string, unknown>, input: unknown) {
  const audits: AuditCall[] = [];
  const ctx: NodeContext = testContext({
    runId: 'run_p',
    nodeId: 'guard',
    scope: { input, nodes: {}, run: { id: 'run_p' } },
    audit: async (action, target, details) => void audits.push({ action, target, ...(details ? { details } : {}) }),
  });
  const result = execute(ctx, definition.params.parse(params), input);
  return { result, audits };
}

/** Runs the node and returns the port it chose and its output; fails the test when it throws. */
async function routedRun(params: Record<string, unknown>, input: unknown) {
  const { result, audits } = run(params, input);
  const out = await result;
  expect(out).toBeInstanceOf(Routed);
  const r = out as Routed<{ input: unknown; decision: { outcome: string; reasons: string[]; findings: Record<string, unknown>[] } }>;
  return { ports: r.ports, output: r.output, audits };
}

async function denied(params: Record<string, unknown>, input: unknown) {
  const { result, audits } = run(params, input);
  const error = await result.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NodeError);
  return { error: error as NodeError, audits };
}

describe('security.policy outcomes', () => {
  it('allows clean input out of `allow`, passing the input through with the decision', async () => {
    const input = { text: 'What is the weather in Paris?' };
    const { ports, output, audits } = await routedRun({}, input);
    expect(ports).toEqual(['allow']);
    expect(output).toEqual({ input, decision: { outcome: 'allow', reasons: [], findings: [] } });
    expect(audits).toEqual([{ action: 'policy.decision', target: 'run_p:guard', details: { outcome: 'allow', reasons: [] } }]);
  });

  it('denies input holding a secret, non-retryably, naming the masked match and its path but never the secret', async () => {
    const { error, audits } = await denied({}, { messages: [{ content: `use ${githubToken} please` }] });
    expect(error).toMatchObject({ type: 'PolicyDenied', retryable: false });
    expect(error.message).toContain(`GitHub token ghp_…${githubToken.slice(-4)} at $.messages[0].content`);
    expect(JSON.stringify({ message: error.message, details: error.details, audits })).not.toContain(githubToken);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ action: 'policy.decision', target: 'run_p:guard', details: { outcome: 'deny' } });
    expect((audits[0]!.details!['reasons'] as string[])[0]).toContain('ghp_…');
  });

  it('sends personal data out of `approval` by default', async () => {
    const { ports, output, audits } = await routedRun({}, { to: 'jane@example.com' });
    expect(ports).toEqual(['approval']);
    expect(output.decision).toMatchObject({ outcome: 'approval', findings: [{ source: 'pii', kind: 'email', path: '$.to', masked: 'j…@example.com', outcome: 'approval' }] });
    expect(audits[0]!.details).toEqual({ outcome: 'approval', reasons: ['e-mail address j…@example.com at $.to'] });
  });

  it('lets the most severe outcome win: deny over approval over allow', async () => {
    const rules = [
      { id: 'vip', when: 'customer.tier = "gold"', outcome: 'allow', reason: 'gold customers are fine' },
      { id: 'big', when: 'amount > 1000', outcome: 'approval', reason: 'large refunds need a person' },
      { id: 'banned', when: 'customer.banned', outcome: 'deny', reason: 'the customer is banned' },
    ];
    const gold = { customer: { tier: 'gold', banned: false }, amount: 10 };
    expect((await routedRun({ rules }, gold)).ports).toEqual(['allow']);
    const large = { ...gold, amount: 5000 };
    const big = await routedRun({ rules }, large);
    expect(big.ports).toEqual(['approval']);
    expect(big.output.decision.reasons).toEqual(['rule "big": large refunds need a person', 'rule "vip": gold customers are fine']);
    const { error } = await denied({ rules }, { ...large, customer: { tier: 'gold', banned: true } });
    expect(error.message).toBe('denied by policy: rule "banned": the customer is banned');
  });

  it('lets each detector carry its own outcome and be switched off', async () => {
    const input = { note: `token ${githubToken}`, mail: 'a@b.io' };
    expect((await routedRun({ detectors: { secrets: { outcome: 'approval' }, pii: { enabled: false } } }, input)).ports).toEqual(['approval']);
    expect((await routedRun({ detectors: { secrets: { enabled: false }, pii: { outcome: 'allow' } } }, input)).ports).toEqual(['allow']);
  });

  it('denies URLs whose host is not on the allow-list, showing only their origin', async () => {
    const detectors = { urls: { enabled: true, allowHosts: ['api.example.com', '*.cdn.example.com'] } };
    expect((await routedRun({ detectors }, { links: ['https://api.example.com/v1', 'https://img.cdn.example.com/x.png'] })).ports).toEqual(['allow']);
    const { error } = await denied({ detectors }, { links: ['https://api.example.com/v1', 'http://evil.test:81/steal?k=v'] });
    expect(error.message).toBe('denied by policy: URL host "evil.test" is not allowed: http://evil.test:81 at $.links[1]');
  });

  it('denies input larger than the size limit', async () => {
    const detectors = { size: { enabled: true, maxBytes: 20 } };
    expect((await routedRun({ detectors }, { a: 'short' })).ports).toEqual(['allow']);
    const { error } = await denied({ detectors }, { a: 'a string that is long enough' });
    expect(error.message).toBe('denied by policy: the input is 36 bytes of JSON, more than the limit of 20');
  });

  it('fails for good when a rule does not evaluate', async () => {
    const { error } = await denied({ rules: [{ id: 'bad', when: '$unknownFn(1)', outcome: 'deny', reason: 'x' }] }, {});
    expect(error).toMatchObject({ type: 'ExpressionError', retryable: false });
    expect(error.message).toContain('rule "bad"');
  });

  it('only a rule yielding exactly true applies', async () => {
    const rules = [{ id: 'truthy', when: '"yes"', outcome: 'deny', reason: 'never' }];
    expect((await routedRun({ rules }, {})).ports).toEqual(['allow']);
  });

  it('keeps at most 50 findings, the deciding ones first, and counts the rest', async () => {
    const input = { mails: Array.from({ length: 60 }, (_, i) => `user${i}@example.com`), key: githubToken };
    const { error } = await denied({}, input);
    const decision = error.details as { findings: { source: string }[]; reasons: string[] };
    expect(decision.findings).toHaveLength(50);
    expect(decision.findings[0]!.source).toBe('secrets');
    expect(decision.reasons.at(-1)).toBe('and 11 more findings');
  });
});

describe('security.policy definition', () => {
  it('is a registered security node with allow and approval ports', () => {
    const def = builtinRegistry().definition('security.policy');
    expect(def).toMatchObject({ kind: 'security', outputs: ['allow', 'approval'], routing: true, expressionParams: ['rules'] });
  });

  it('reports rules whose condition does not parse and duplicate rule ids', () => {
    const params = definition.params.parse({
      rules: [
        { id: 'a', when: 'amount >', outcome: 'deny', reason: 'x' },
        { id: 'a', when: 'true', outcome: 'allow', reason: 'y' },
      ],
    });
    const issues = definition.check!(params, builtinRegistry());
    expect(issues.map((i) => i.path.join('.'))).toEqual(['rules.0.when', 'rules.1.id']);
  });

  it('refuses unknown outcomes', () => {
    expect(definition.params.safeParse({ rules: [{ id: 'a', when: 'true', outcome: 'maybe', reason: 'x' }] }).success).toBe(false);
  });
});
