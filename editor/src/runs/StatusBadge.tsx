import type { NodeStatus, RunStatus } from '@weft/schemas';
import type { NodeDisplayStatus } from '../store/node-statuses';
import { nodeStatusLook, runStatusLook, type StatusLook } from './status';

interface BadgeProps {
  readonly status: string;
  readonly look: StatusLook;
  readonly testId?: string;
  readonly size?: 'small' | 'normal';
}

// The icon is drawn by CSS from data-icon (with empty alt text), so the badge's text, and what a
// screen reader says, is the status word alone.
function Badge({ status, look, testId, size = 'normal' }: BadgeProps) {
  return (
    <span
      className={`badge badge--${look.tone}${size === 'small' ? ' badge--small' : ''}${look.spin ? ' badge--spin' : ''}`}
      data-icon={look.icon}
      data-status={status}
      data-testid={testId}
    >
      {look.label}
    </span>
  );
}

/** A run's status as icon and word. */
export function RunStatusBadge({ status, testId }: { readonly status: RunStatus; readonly testId?: string }) {
  return <Badge status={status} look={runStatusLook(status)} testId={testId} />;
}

/** A node's status as icon and word. */
export function NodeStatusBadge({ status, size }: { readonly status: NodeDisplayStatus | NodeStatus; readonly size?: 'small' | 'normal' }) {
  return <Badge status={status} look={nodeStatusLook(status)} size={size} />;
}
