import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Relative asset paths: the same dist/ works under /app/ or any other path.
  base: './',
  define: {
    // fhirclient's "pure" mode: rely on the browser's fetch/AbortController
    // instead of bundling cross-fetch and its polyfills.
    FHIRCLIENT_PURE: 'true',
  },
  build: {
    target: 'es2022',
    rollupOptions: {
      input: {
        launch: resolve(import.meta.dirname, 'launch.html'),
        index: resolve(import.meta.dirname, 'index.html'),
      },
      // Code shared by both pages goes to one chunk named "shared" rather than after a random module.
      output: { chunkFileNames: 'assets/shared-[hash].js', assetFileNames: 'assets/app-[hash][extname]' },
    },
  },
  // vitest also tests the sandbox EHR page's plain ES modules (served by Spring, not built here)
  // (and the display-units table shared with the backend's cards)
  server: { fs: { allow: ['.', '../src/main/resources/static/sandbox', '../src/main/resources/display-units.json'] } },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
  },
});
