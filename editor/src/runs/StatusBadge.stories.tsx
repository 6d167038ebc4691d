import type { Meta, StoryObj } from '@storybook/react-vite';
import { NODE_STATUSES, RUN_STATUSES } from '@weft/schemas/run';
import { NodeStatusBadge, RunStatusBadge } from './StatusBadge';

const meta = {
  title: 'Runs/StatusBadge',
  component: RunStatusBadge,
  args: { status: 'running' },
  argTypes: { status: { control: 'select', options: RUN_STATUSES } },
} satisfies Meta<typeof RunStatusBadge>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Run: Story = {};

/** Every run status side by side, to compare colours in light and dark themes. */
export const AllRunStatuses: Story = {
  render: () => (
    <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8 }}>
      {RUN_STATUSES.map((status) => (
        <RunStatusBadge key={status} status={status} />
      ))}
    </div>
  ),
};

/** Every node status, normal and small (the size the node card uses). */
export const AllNodeStatuses: Story = {
  render: () => (
    <div style={{ display: 'grid', gap: 8 }}>
      {(['normal', 'small'] as const).map((size) => (
        <div key={size} style={{ display: 'flex', flexWrap: 'wrap', gap: 8 }}>
          {(['none', ...NODE_STATUSES] as const).map((status) => (
            <NodeStatusBadge key={status} status={status} size={size} />
          ))}
        </div>
      ))}
    </div>
  ),
};
