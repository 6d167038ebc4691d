import '@xyflow/react/dist/style.css';
import '../src/theme/theme.css';
import '../src/styles.css';
import type { Preview } from '@storybook/react-vite';

const preview: Preview = {
  parameters: {
    layout: 'padded',
  },
};

export default preview;
