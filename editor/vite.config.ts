import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { compression } from 'vite-plugin-compression2';

// The API server (npm start) listens on 7300; in dev, Vite forwards API calls to it so the
// editor and the API share an origin, as they do in production.
const api = 'http://127.0.0.1:7300';

export default defineConfig({
  // Brotli and gzip copies beside each built file; the server sends them as they are (serveStatic `precompressed`).
  plugins: [react(), compression({ algorithms: ['brotliCompress', 'gzip'] })],
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
