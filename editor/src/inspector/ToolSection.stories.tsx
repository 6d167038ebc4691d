import type { Meta, StoryObj } from '@storybook/react-vite';
import type { Problem, WorkflowNode } from '@weft/schemas';
import { useMemo, useState } from 'react';
import { Form, type FormContext } from './fields';
import { setIn } from './schema-form';
import { ToolSection } from './ToolSection';

/** The "As a tool" section of one node, editable: every change is kept in story state. */
function ToolForm({ initial, problems, serverTools }: { readonly initial: WorkflowNode; readonly problems: readonly Problem[]; readonly serverTools?: boolean }) {
  const [node, setNode] = useState<WorkflowNode>(initial);
  const form = useMemo<FormContext>(
    () => ({
      nodeId: initial.id,
      nodeType: initial.type,
      set: (path, value) => setNode((n) => setIn(n, path, value) as WorkflowNode),
      // Keyed by the path relative to the node, as the inspector does.
      problems: new Map(problems.map((p) => [p.path, [p]])),
      upstream: () => [],
    }),
    [initial, problems],
  );
  return (
    <Form.Provider value={form}>
      <div className="inspector" style={{ maxWidth: 360 }}>
        <ToolSection node={node} agentId="planner" {...(serverTools ? { serverTools } : {})} />
      </div>
    </Form.Provider>
  );
}

const book: WorkflowNode = {
  id: 'book',
  type: 'execution.http',
  params: {},
  position: { x: 0, y: 0 },
  tool: {
    name: 'book_venue',
    description: 'Books a venue for the offsite. Costs money: a person approves each booking.',
    arguments: [
      { name: 'venue', type: 'string', description: 'Which venue', required: true },
      { name: 'guests', type: 'integer', description: 'How many people', required: true },
    ],
    approval: { require: 'always', timeout: '24h' },
  },
};

const meta = {
  title: 'Inspector/ToolSection',
  component: ToolForm,
  args: { initial: book, problems: [] },
} satisfies Meta<typeof ToolForm>;

export default meta;
type Story = StoryObj<typeof meta>;

/** A tool with two arguments that needs approval for every call. */
export const NeedsApproval: Story = {};

/** A node just wired to an agent: nothing declared yet. */
export const New: Story = { args: { initial: { id: 'lookup', type: 'analysis.transform', params: {}, position: { x: 0, y: 0 } } } };

/** Approval when a rule holds or personal data is passed, and a name the validator refuses. */
export const ByRule: Story = {
  args: {
    initial: { ...book, tool: { ...book.tool!, name: 'book venue', approval: { require: 'when', when: 'guests > 20', detectors: ['email', 'card'], timeout: '2h' } } },
    problems: [{ path: '$.tool.name', code: 'invalid_format', message: 'Letters, digits, _ and - (at most 64)', severity: 'error', nodeId: 'book' }],
  },
};

/** An MCP server's node: its tools describe themselves; only approval is set here. */
export const ServerTools: Story = { args: { initial: { id: 'mcp', type: 'execution.mcp', params: {}, position: { x: 0, y: 0 } }, serverTools: true } };
