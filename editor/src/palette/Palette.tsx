import type { NodeTypeView } from '@weft/schemas';
import { useReactFlow } from '@xyflow/react';
import { useDeferredValue, useMemo, useState, type DragEvent, type KeyboardEvent } from 'react';
import { addTypeAt } from '../canvas/WorkflowCanvas';
import { useDocumentStore } from '../store/document-store';
import { NODE_TYPE_MIME, paletteSections } from './palette';
import './palette.css';

/**
 * Node types by category, with a search box. Drag a type onto the canvas, or click it (or focus it
 * and press Enter) to add it in the middle of the view. Use inside the canvas's ReactFlowProvider.
 */
export function Palette({ types }: { readonly types: readonly NodeTypeView[] }) {
  const [query, setQuery] = useState('');
  const deferred = useDeferredValue(query);
  const sections = useMemo(() => paletteSections(types, deferred), [types, deferred]);
  const flow = useReactFlow();

  const addAtCentre = (type: NodeTypeView) => {
    const pane = document.querySelector('.canvas .react-flow');
    const rect = pane?.getBoundingClientRect();
    const centre = rect ? flow.screenToFlowPosition({ x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 }) : { x: 0, y: 0 };
    addTypeAt(type, freeSpot({ x: centre.x - 110, y: centre.y - 40 }));
  };

  const onDragStart = (event: DragEvent<HTMLLIElement>, type: NodeTypeView) => {
    event.dataTransfer.setData(NODE_TYPE_MIME, type.type);
    event.dataTransfer.effectAllowed = 'copy';
  };

  const onKeyDown = (event: KeyboardEvent<HTMLLIElement>, type: NodeTypeView) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      addAtCentre(type);
    }
  };

  return (
    <aside className="palette" aria-label="Node palette">
      <input type="search" className="palette__search" placeholder="Search nodes" aria-label="Search nodes" value={query} onChange={(e) => setQuery(e.target.value)} />
      {sections.length === 0 && <p className="muted palette__none">{types.length === 0 ? 'The node catalog could not be loaded.' : 'No node type matches.'}</p>}
      {sections.map((section) => (
        <section key={section.category} className="palette__section" aria-label={section.category}>
          <h2 className="palette__heading">{section.category}</h2>
          <ul className="palette__list">
            {section.types.map((t) => (
              <li
                key={t.type}
                className="palette__item"
                data-kind={t.kind}
                data-testid={`palette-${t.type}`}
                tabIndex={0}
                draggable
                title={t.description}
                aria-label={`${t.title}: click or press Enter to add, or drag onto the canvas`}
                onDragStart={(e) => onDragStart(e, t)}
                onKeyDown={(e) => onKeyDown(e, t)}
                onClick={() => addAtCentre(t)}
              >
                <span className="palette__dot" aria-hidden="true" />
                <span className="palette__title">{t.title}</span>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </aside>
  );
}

/** How far each node added at the same spot is set off from the one before, so none hides another. */
const CASCADE = 32;

/** `at`, or the first point down and to the right of it where no node already sits. */
function freeSpot(at: { x: number; y: number }): { x: number; y: number } {
  const taken = useDocumentStore.getState().doc.nodes.map((n) => n.position);
  let spot = at;
  while (taken.some((p) => Math.abs(p.x - spot.x) < CASCADE / 2 && Math.abs(p.y - spot.y) < CASCADE / 2)) spot = { x: spot.x + CASCADE, y: spot.y + CASCADE };
  return spot;
}
