// Builds the playground into playground/dist: one static page, everything bundled (the wasm too).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  resolve: {
    // The package's web entry point, built into ../pkg by scripts/build.sh.
    alias: { composeguard: path.resolve(here, '../js/web.js') },
  },
  build: {
    outDir: path.join(here, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: false,
  },
  server: { fs: { allow: [path.resolve(here, '..')] } },
});
