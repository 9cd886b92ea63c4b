import { copyFileSync } from 'node:fs';
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    lib: { entry: 'src/index.ts', name: 'OpenCCCTccc', formats: ['iife'], fileName: () => 'tccc.js' },
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2019',
    minify: true,
    sourcemap: false,
  },
  plugins: [
    {
      name: 'copy-declarations',
      closeBundle() {
        copyFileSync('types/tccc.d.ts', 'dist/tccc.d.ts');
      },
    },
  ],
});
