import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// The console is served by the search service at /console/ (docs/console.md); everything it loads is in this build.
export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  build: {
    outDir: resolve(import.meta.dirname, '../../dist/console'),
    emptyOutDir: true,
    rollupOptions: { input: { index: resolve(import.meta.dirname, 'index.html'), transparency: resolve(import.meta.dirname, 'transparency.html') } },
  },
});
