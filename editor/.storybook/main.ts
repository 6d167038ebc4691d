import type { StorybookConfig } from '@storybook/react-vite';

// Stories sit beside their components. No addons: the build must not fetch anything, and the
// stories are a catalogue of states, not documentation pages.
const config: StorybookConfig = {
  stories: ['../src/**/*.stories.tsx'],
  framework: { name: '@storybook/react-vite', options: {} },
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
};

export default config;
