import type { RunView, WorkflowView } from '@weft/schemas';

/** One approval a person may decide: a waiting approval node of a waiting run. */
export interface PendingApproval {
  readonly runId: string;
  readonly workflowId: string;
  readonly workflowName: string;
  readonly nodeId: string;
  readonly title: string;
  readonly description: string | null;
  readonly waitingSince: string | null;
}

/**
 * The approvals of a run still waiting for a decision, oldest first; titles come from the
 * node's params in the workflow (the run view carries only ids and types).
 */
export function pendingApprovals(run: RunView, workflow: Pick<WorkflowView, 'document'> | undefined): PendingApproval[] {
  if (run.status !== 'waiting') return [];
  const byId = new Map((workflow?.document.nodes ?? []).map((n) => [n.id, n]));
  return run.nodes
    .filter((n) => n.status === 'waiting' && n.type === 'security.approval')
    .map((n) => {
      const params = byId.get(n.id)?.params ?? {};
      const title = typeof params['title'] === 'string' && params['title'] ? params['title'] : 'Approval needed';
      const description = typeof params['description'] === 'string' && params['description'] ? params['description'] : null;
      return {
        runId: run.id,
        workflowId: run.workflowId,
        workflowName: workflow?.document.name ?? run.workflowId,
        nodeId: n.id,
        title,
        description,
        waitingSince: n.startedAt,
      };
    })
    .sort((a, b) => (a.waitingSince ?? '').localeCompare(b.waitingSince ?? ''));
}
