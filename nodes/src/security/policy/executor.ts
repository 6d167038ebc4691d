import { ExpressionError } from '@weft/schemas';
import { NodeError, type Execute } from '../../context.js';
import { routed } from '../../define-node.js';
import type definition from './definition.js';
import type { PolicyDecision, PolicyDetectors, PolicyFinding, PolicyOutcome } from './definition.js';
import { findPii, findSecrets, findUrlHosts, hostAllowed, jsonBytes, walkStrings, type Located } from './detectors.js';

const SEVERITY: Record<PolicyOutcome, number> = { allow: 0, approval: 1, deny: 2 };
/** Findings kept in a decision; the rest are counted in one more reason. */
const MAX_FINDINGS = 50;

/**
 * Evaluates the rules and detectors. Deny fails the node for good; approval goes out of
 * `approval`; allow out of `allow`, with the input and the decision. Every decision is audited.
 */
export const execute: Execute<typeof definition> = async (ctx, params, input) => {
  const findings: PolicyFinding[] = [];
  for (const rule of params.rules) {
    let value: unknown;
    try {
      value = await ctx.sandbox.evaluate(rule.when, ctx.scope);
    } catch (e) {
      if (e instanceof ExpressionError) throw new NodeError(e.type, `rule "${rule.id}": ${e.message}`, false);
      throw e;
    }
    if (value === true) findings.push({ source: `rule:${rule.id}`, kind: rule.id, outcome: rule.outcome, reason: `rule "${rule.id}": ${rule.reason}` });
  }
  findings.push(...detect(input, params.detectors));

  const decision = decide(findings);
  await ctx.audit('policy.decision', `${ctx.runId}:${ctx.nodeId}`, { outcome: decision.outcome, reasons: decision.reasons });
  if (decision.outcome === 'deny') {
    const why = decision.findings.filter((f) => f.outcome === 'deny').map((f) => f.reason);
    throw new NodeError('PolicyDenied', `denied by policy: ${why.join('; ')}`, false, decision);
  }
  return routed(decision.outcome, { input, decision });
};

/** Runs the switched-on detectors over the input. */
export function detect(input: unknown, detectors: PolicyDetectors): PolicyFinding[] {
  const found: PolicyFinding[] = [];
  const { secrets, pii, urls, size } = detectors;
  const scanned = (source: string, outcome: PolicyOutcome, hits: readonly Located[]) => {
    for (const h of hits) found.push({ source, kind: h.kind, outcome, path: h.path, masked: h.masked, reason: `${h.label} ${h.masked} at ${h.path}` });
  };
  if (secrets.enabled || pii.enabled || urls.enabled) {
    const secretHits: Located[] = [];
    const piiHits: Located[] = [];
    const urlHits: Located[] = [];
    walkStrings(input, (text, path) => {
      if (secrets.enabled) for (const d of findSecrets(text)) secretHits.push({ ...d, path });
      if (pii.enabled) for (const d of findPii(text, pii.kinds)) piiHits.push({ ...d, path });
      if (urls.enabled) {
        for (const u of findUrlHosts(text)) {
          if (!hostAllowed(u.host, urls.allowHosts)) urlHits.push({ kind: 'url-host', label: `URL host "${u.host}" is not allowed:`, masked: u.origin, path });
        }
      }
    });
    scanned('secrets', secrets.outcome, secretHits);
    scanned('pii', pii.outcome, piiHits);
    scanned('urls', urls.outcome, urlHits);
  }
  if (size.enabled) {
    const bytes = jsonBytes(input);
    if (bytes > size.maxBytes) {
      found.push({ source: 'size', kind: 'size', outcome: size.outcome, reason: `the input is ${bytes} bytes of JSON, more than the limit of ${size.maxBytes}` });
    }
  }
  return found;
}

/** The most severe outcome of the findings (allow when there are none), with their reasons. */
export function decide(findings: readonly PolicyFinding[]): PolicyDecision {
  const outcome = findings.reduce<PolicyOutcome>((worst, f) => (SEVERITY[f.outcome] > SEVERITY[worst] ? f.outcome : worst), 'allow');
  // The findings that decided come first, so a long list never hides them.
  const ordered = [...findings].sort((a, b) => SEVERITY[b.outcome] - SEVERITY[a.outcome]);
  const kept = ordered.slice(0, MAX_FINDINGS);
  const reasons = [...new Set(kept.map((f) => f.reason))];
  if (ordered.length > kept.length) reasons.push(`and ${ordered.length - kept.length} more findings`);
  return { outcome, reasons, findings: kept };
}
