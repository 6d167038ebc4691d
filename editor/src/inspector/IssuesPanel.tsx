import type { NodeTypeView, Problem } from '@weft/schemas';
import { useDocumentStore } from '../store/document-store';
import { problemNodeId, splitNodePath } from '../validation/problems';
import { useProblems } from '../validation/useProblems';
import './inspector.css';

const SEVERITY = { error: { icon: '✖', text: 'Error' }, warning: { icon: '▲', text: 'Warning' } } as const;

/** Every problem of the document; a row focuses its node and field. */
export function IssuesPanel({ catalog }: { readonly catalog: ReadonlyMap<string, NodeTypeView> }) {
  const problems = useProblems(catalog);
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;

  return (
    <section className="issues" aria-labelledby="issues-heading">
      <h2 id="issues-heading" className="issues__head">
        Issues{' '}
        <span className="issues__count" data-testid="issue-count">
          {problems.length === 0 ? 'none' : [errors ? `${errors} ${errors === 1 ? 'error' : 'errors'}` : '', warnings ? `${warnings} ${warnings === 1 ? 'warning' : 'warnings'}` : ''].filter(Boolean).join(', ')}
        </span>
      </h2>
      {problems.length === 0 ? (
        <p className="muted issues__none">The workflow has no problems.</p>
      ) : (
        <ul className="issues__list">
          {problems.map((p, i) => (
            <IssueRow key={`${p.path}:${p.code}:${i}`} problem={p} />
          ))}
        </ul>
      )}
    </section>
  );
}

function IssueRow({ problem }: { readonly problem: Problem }) {
  const nodeId = useDocumentStore((s) => problemNodeId(problem, s.doc));
  const nodeLabel = useDocumentStore((s) => (nodeId ? s.nodeById.get(nodeId)?.label : undefined));
  const severity = SEVERITY[problem.severity];
  const content = (
    <>
      <span className="issue__icon" aria-hidden="true">
        {severity.icon}
      </span>
      <span className="visually-hidden">{severity.text}: </span>
      <span className="issue__message">{problem.message}</span>
      <span className="issue__where">
        {nodeId && <span className="issue__node">{nodeLabel && nodeLabel !== nodeId ? `${nodeLabel} (${nodeId})` : nodeId}</span>}
        <code className="issue__path">{problem.path}</code>
      </span>
    </>
  );
  return (
    <li className="issue" data-severity={problem.severity}>
      {nodeId ? (
        <button
          type="button"
          className="issue__button"
          onClick={() => {
            const split = splitNodePath(problem.path);
            useDocumentStore.getState().focusField(nodeId, split?.path);
          }}
        >
          {content}
        </button>
      ) : (
        <div className="issue__button">{content}</div>
      )}
    </li>
  );
}
