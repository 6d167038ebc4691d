import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The API server (npm start) listens on 7300; in dev, Vite forwards API calls to it so the
// editor and the API share an origin, as they do in production.
const api = 'http://127.0.0.1:7300';

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      '/api': api,
      '/healthz': api,
      '/readyz': api,
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
});
