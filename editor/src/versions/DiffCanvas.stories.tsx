import type { Meta, StoryObj } from '@storybook/react-vite';
import type { Workflow } from '@weft/schemas';
import type { CatalogEntry } from '../canvas/to-flow';
import { DiffCanvas } from './DiffCanvas';
import { diffView } from './diff-model';

const catalog: ReadonlyMap<string, CatalogEntry> = new Map<string, CatalogEntry>([
  ['control.trigger', { type: 'control.trigger', kind: 'control', title: 'Trigger', inputs: [], outputs: ['out'] }],
  ['execution.http', { type: 'execution.http', kind: 'execution', title: 'HTTP request', inputs: ['in'], outputs: ['out', 'error'] }],
  ['analysis.transform', { type: 'analysis.transform', kind: 'analysis', title: 'Transform', inputs: ['in'], outputs: ['out'] }],
]);

type Graph = Pick<Workflow, 'nodes' | 'edges'>;
const edge = (id: string, source: string, target: string) => ({ id, source, sourcePort: 'out', target, targetPort: 'in' });

const from: Graph = {
  nodes: [
    { id: 'start', type: 'control.trigger', params: {}, position: { x: 0, y: 0 } },
    { id: 'fetch', type: 'execution.http', params: { url: 'https://example.org/a' }, position: { x: 280, y: 0 } },
    { id: 'old', type: 'analysis.transform', params: { expression: '$input' }, position: { x: 560, y: 120 } },
  ],
  edges: [edge('e1', 'start', 'fetch'), edge('e2', 'fetch', 'old')],
};
const to: Graph = {
  nodes: [
    { id: 'start', type: 'control.trigger', params: {}, position: { x: 0, y: 0 } },
    { id: 'fetch', type: 'execution.http', params: { url: 'https://example.org/b' }, position: { x: 280, y: 0 } },
    { id: 'shape', type: 'analysis.transform', params: { expression: '$input.body' }, position: { x: 560, y: 0 } },
  ],
  edges: [edge('e1', 'start', 'fetch'), edge('e3', 'fetch', 'shape')],
};

const view = diffView(from, to, {
  nodes: { added: ['shape'], removed: ['old'], changed: [{ id: 'fetch', params: [{ path: '$.url', kind: 'changed', from: 'https://example.org/a', to: 'https://example.org/b' }], policy: [] }], moved: [] },
  edges: { added: [to.edges[1]!], removed: [from.edges[1]!] },
});

function DiffOnPage() {
  return (
    <div style={{ height: 420 }}>
      <DiffCanvas view={view} catalog={catalog} />
    </div>
  );
}

/** The legend (every change kind with its symbol and count) above both versions on one canvas. */
const meta = {
  title: 'Versions/DiffCanvas',
  component: DiffOnPage,
} satisfies Meta<typeof DiffOnPage>;

export default meta;
type Story = StoryObj<typeof meta>;

export const AddedRemovedChanged: Story = {};
