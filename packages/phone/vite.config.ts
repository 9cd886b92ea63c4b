import { defineConfig } from 'vite';

export default defineConfig({
  base: '/phone/',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2020', sourcemap: false },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  // `npx vite` in this folder: the page with hot reload, its socket passed to a local `openccc start`.
  server: { proxy: { '/phone/v1': { target: 'ws://127.0.0.1:8080', ws: true } } },
});
