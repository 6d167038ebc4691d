import type { NodeStatus, RunEvent } from '@weft/schemas';

/** The node status a run event implies, or null when the event does not settle one. */
export function nodeStatusOfEvent(event: Pick<RunEvent, 'type' | 'nodeId'>): NodeStatus | null {
  if (!event.nodeId) return null;
  switch (event.type) {
    case 'started':
      return 'running';
    case 'waiting':
    case 'retrying':
    case 'succeeded':
    case 'failed':
    case 'skipped':
    case 'compensated':
      return event.type;
    default:
      // `compensating` and `compensation_failed` leave the node's own result as it was; `lost`
      // comes just before the next attempt's `started`, which sets it.
      return null;
  }
}

/** A run event from an SSE data line, or null when the line is not one. */
export function parseRunEvent(data: string): RunEvent | null {
  try {
    const value = JSON.parse(data) as unknown;
    if (typeof value !== 'object' || value === null) return null;
    const e = value as Partial<RunEvent>;
    return typeof e.id === 'number' && typeof e.type === 'string' ? (value as RunEvent) : null;
  } catch {
    return null;
  }
}
