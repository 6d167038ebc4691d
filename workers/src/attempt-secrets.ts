import type { Context } from '@temporalio/activity';
import { describeDestination, NodeError, secretMasker, secretNotAllowed } from '@weft/nodes/executors';
import { errorMessage } from '@weft/schemas';
import type { NodeActivityDeps } from './activities.js';

/**
 * Replaces every secret value read during the attempt with `[secret:<name>]`, in every string of
 * `value`, as is and in the encodings a call or an echo gives it (URL, base64, hex, JSON-escaped;
 * see `secretForms`): nothing an executor returns, throws, notes or logs carries a secret into
 * history or storage in those forms. It cannot catch what code derives from a secret otherwise.
 */
export function scrub<T>(value: T, secrets: ReadonlyMap<string, string>): T {
  if (secrets.size === 0) return value;
  // Every encoding of every secret (URL, base64, hex, JSON-escaped), computed once per attempt's map.
  const mask = secretMasker(secrets);
  const clean = (v: unknown): unknown => {
    if (typeof v === 'string') return mask(v);
    if (Array.isArray(v)) return v.map(clean);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [clean(k) as string, clean(x)]));
    return v;
  };
  return clean(value) as T;
}

/**
 * How one attempt reads secrets (`ctx.secret`, LLM API keys): the secret must exist and be bound
 * to the destination; a refusal is audited as `secret.refused` by the run and fails the node for
 * good. Every value read lands in `read`, so the attempt's output, error, notes and logs are masked.
 */
export function secretReader(deps: NodeActivityDeps, activity: Context, who: { runId: string; nodeId: string }, read: Map<string, string>): (name: string, destination: URL) => Promise<string> {
  return async (name, destination) => {
    const stored = deps.secrets ? await deps.secrets.get(name) : undefined;
    if (stored === undefined) throw new NodeError('SecretNotFound', `there is no secret named "${name}"`, false);
    // Masked from here on, refused or not: a redirect may have put the value in the destination.
    if (stored.value !== '') read.set(name, stored.value);
    const refused = secretNotAllowed(name, stored.hosts, destination);
    if (refused) {
      await refusedSecret(deps, activity, { ...who, name, destination }, read);
      throw refused;
    }
    return stored.value;
  };
}

/**
 * Records that a node tried to send a secret where it is not bound, as `secret.refused` by the
 * run. The node fails with the refusal whether or not the record could be written.
 */
async function refusedSecret(deps: NodeActivityDeps, activity: Context, r: { runId: string; nodeId: string; name: string; destination: URL }, read: ReadonlyMap<string, string>): Promise<void> {
  const details = scrub({ runId: r.runId, nodeId: r.nodeId, host: r.destination.host, destination: describeDestination(r.destination) }, read);
  try {
    await deps.audit?.({ actor: `run:${r.runId}`, action: 'secret.refused', target: `secret:${r.name}`, details });
  } catch (e) {
    activity.log.error('could not audit a refused secret', { ...details, secret: r.name, error: errorMessage(e) });
  }
}
