import { z } from 'zod';
import { checkExpression } from '@weft/schemas';
import { defineNode } from '../../define-node.js';

/** What a policy decides; the most severe outcome of all findings wins (deny > approval > allow). */
export const PolicyOutcome = z.enum(['allow', 'approval', 'deny']);
export type PolicyOutcome = z.infer<typeof PolicyOutcome>;

/** A declarative rule: when the JSONata predicate over the input is true, the rule's outcome applies. */
export const PolicyRule = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (at most 64)').meta({ title: 'Rule id' }),
    when: z.string().min(1).meta({ title: 'When', description: 'JSONata yielding true when the rule applies; `$` is the input' }),
    outcome: PolicyOutcome.meta({ title: 'Outcome' }),
    reason: z.string().min(1).max(500).meta({ title: 'Reason', description: 'Plain text (no expressions), recorded with the decision and shown to an approver' }),
  })
  .strict();
export type PolicyRule = z.infer<typeof PolicyRule>;

/** The switch and the outcome every detector has. */
const switches = (enabled: boolean, outcome: PolicyOutcome) => ({
  enabled: z.boolean().default(enabled).meta({ title: 'On' }),
  outcome: PolicyOutcome.default(outcome).meta({ title: 'Outcome when found' }),
});

/** The built-in detectors, each switched on or off with its own outcome. */
export const PolicyDetectors = z
  .object({
    secrets: z
      .object(switches(true, 'deny'))
      .strict()
      .prefault({})
      .meta({ title: 'Secrets', description: 'API-key shapes (sk-…, AKIA…, ghp_…, xox…), PEM private keys, JWTs' }),
    pii: z
      .object({
        ...switches(true, 'approval'),
        kinds: z
          .array(z.enum(['email', 'phone', 'card']))
          .min(1)
          .default(['email', 'phone', 'card'])
          .meta({ title: 'Kinds' }),
      })
      .strict()
      .prefault({})
      .meta({ title: 'Personal data', description: 'E-mail addresses, phone numbers, card numbers (Luhn-checked)' }),
    urls: z
      .object({
        ...switches(false, 'deny'),
        allowHosts: z
          .array(z.string().regex(/^(\*\.)?[A-Za-z0-9.-]+$/, 'a host name, or *.domain for its subdomains'))
          .default([])
          .meta({ title: 'Allowed hosts', description: '`example.com` allows that host only; `*.example.com` allows its subdomains' }),
      })
      .strict()
      .prefault({})
      .meta({ title: 'URL hosts', description: 'URLs in the input whose host is not on the allow-list' }),
    size: z
      .object({
        ...switches(false, 'deny'),
        maxBytes: z.number().int().min(1).max(1_073_741_824).default(1_048_576).meta({ title: 'Largest input (bytes of JSON)' }),
      })
      .strict()
      .prefault({})
      .meta({ title: 'Size', description: 'The input as JSON is larger than the limit' }),
  })
  .strict()
  .prefault({});
export type PolicyDetectors = z.infer<typeof PolicyDetectors>;

/** One thing the policy found. Never holds a matched secret, only a masked form. */
export const PolicyFinding = z.object({
  /** `rule:<id>`, or the detector: `secrets`, `pii`, `urls`, `size`. */
  source: z.string(),
  /** What was found, e.g. `github-token`, `email`, `card`; the rule id for rules. */
  kind: z.string(),
  outcome: PolicyOutcome,
  /** JSON path in the input, e.g. `$.messages[0].content`; absent for rules and size. */
  path: z.string().optional(),
  /** The match, masked, e.g. `sk-…abcd`. */
  masked: z.string().optional(),
  reason: z.string(),
});
export type PolicyFinding = z.infer<typeof PolicyFinding>;

/** The decision a policy node records and passes on. */
export const PolicyDecision = z.object({
  outcome: PolicyOutcome,
  reasons: z.array(z.string()),
  findings: z.array(PolicyFinding),
});
export type PolicyDecision = z.infer<typeof PolicyDecision>;

/** Checks the input against rules and detectors: allows it, denies it, or asks for an approval. */
export default defineNode({
  type: 'security.policy',
  kind: 'security',
  version: 1,
  title: 'Policy',
  description:
    'Checks the input against JSONata rules and built-in detectors (secrets, personal data, URL hosts, size). Allowed input goes out of `allow`; input that needs a person goes out of `approval` (connect it to an Approval node); denied input fails the node. Every decision is audited.',
  icon: 'shield',
  inputs: ['in'],
  outputs: ['allow', 'approval'],
  params: z
    .object({
      rules: z.array(PolicyRule).max(100).default([]).meta({ title: 'Rules', description: 'Evaluated in order; every rule that applies counts' }),
      detectors: PolicyDetectors.meta({ title: 'Detectors' }),
    })
    .strict(),
  output: z.object({
    input: z.unknown(),
    decision: PolicyDecision,
  }),
  // Retries only cover lost attempts (a worker died): the same input gets the same decision.
  policy: { timeout: '30s' },
  // `when` holds bare JSONata; the executor evaluates it against the input.
  expressionParams: ['rules'],
  routing: true,
  // Rules and detectors read the input only; the audit event it appends is a record, like the attempt's.
  light: true,
  check: (params) => {
    const issues: { path: PropertyKey[]; message: string; code?: string }[] = [];
    const seen = new Set<string>();
    params.rules.forEach((rule, i) => {
      const error = checkExpression(rule.when);
      if (error) issues.push({ path: ['rules', i, 'when'], code: 'expression_syntax', message: `expression "${rule.when}" does not parse: ${error.message}` });
      if (seen.has(rule.id)) issues.push({ path: ['rules', i, 'id'], message: `rule id "${rule.id}" is used twice` });
      seen.add(rule.id);
    });
    return issues;
  },
});
