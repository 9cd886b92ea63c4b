import { defineConfig } from 'vite';

export default defineConfig({
  base: '/workbench/',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2020', sourcemap: false },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
});
