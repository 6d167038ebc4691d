import type { Meta, StoryObj } from '@storybook/react-vite';
import type { NodeTypeView, WorkflowInput } from '@weft/schemas';
import { useDocumentStore } from '../store/document-store';
import { IssuesPanel } from './IssuesPanel';

// An empty catalog: every node's type is unknown to it, which the validator reports, next to the
// document's own structural problems. No node-type descriptions need loading in a story.
const catalog: ReadonlyMap<string, NodeTypeView> = new Map();

const broken: WorkflowInput = {
  schemaVersion: 1,
  name: 'Broken on purpose',
  nodes: [
    { id: 'start', type: 'control.trigger', label: 'Start', position: { x: 0, y: 0 } },
    { id: 'fetch', type: 'execution.http', label: 'Fetch invoice', params: { url: '{{ $nodes.missing.output }}' }, position: { x: 280, y: 0 } },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'fetch' },
    { id: 'e2', source: 'fetch', target: 'nowhere' },
  ],
};

const empty: WorkflowInput = { schemaVersion: 1, name: 'Empty', nodes: [], edges: [] };

const meta = {
  title: 'Inspector/IssuesPanel',
  component: IssuesPanel,
  args: { catalog },
  parameters: { document: broken },
  // The panel reads the document store, as on the workflow page.
  beforeEach: ({ parameters }) => {
    useDocumentStore.getState().load((parameters['document'] as WorkflowInput | undefined) ?? broken);
  },
} satisfies Meta<typeof IssuesPanel>;

export default meta;
type Story = StoryObj<typeof meta>;

export const WithProblems: Story = {};
/** A document with no nodes: the only problem is the missing trigger. */
export const EmptyWorkflow: Story = { parameters: { document: empty } };
