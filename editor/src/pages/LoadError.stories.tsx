import type { Meta, StoryObj } from '@storybook/react-vite';
import { fn } from 'storybook/test';
import { LoadError } from './LoadError';

const meta = {
  title: 'Pages/LoadError',
  component: LoadError,
  args: { what: 'the workflows', error: new Error('the server answered 503'), onRetry: fn() },
} satisfies Meta<typeof LoadError>;

export default meta;
type Story = StoryObj<typeof meta>;

export const ServerDown: Story = {};
export const LongMessage: Story = {
  args: {
    what: 'run 01JD8X4Q2ZP',
    error: new Error('network error: the connection was reset while reading the response body after 30 s; check that `npm start` is still running'),
  },
};
