import { defineConfig } from 'vite';

export default defineConfig({
  base: '/console/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    sourcemap: false,
    // sdk-test.html: the SDK test page the API Explorer opens after CreateSDKLoginToken (served at /console/sdk-test).
    rolldownOptions: { input: { main: 'index.html', 'sdk-test': 'sdk-test.html' } },
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  // `npx vite` in this folder: the console with hot reload against a local `openccc start`.
  server: { proxy: { '/console/api': { target: 'http://127.0.0.1:8080', ws: true } } },
});
