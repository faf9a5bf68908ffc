// Called by scripts/build.mjs after tsc: the renderer bundle (vite → dist/renderer) and the Electron preload, which
// must be one CommonJS file for a sandboxed renderer (esbuild → dist/src-main/electron/preload.cjs).
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// The contract's method list from tsc's output (this script runs after tsc): the preload gets it as a constant.
const { METHOD_NAMES } = await import(pathToFileURL(join(root, 'dist/src-main/api/contract.js')).href);

await esbuild({
  entryPoints: [join(root, 'src-main/electron/preload.ts')],
  outfile: join(root, 'dist/src-main/electron/preload.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // Sandboxed preloads may require only 'electron' (and a few polyfilled modules): bundle everything else.
  external: ['electron'],
  define: { __EPSTUDIO_METHODS__: JSON.stringify(METHOD_NAMES) },
  sourcemap: true,
  logLevel: 'warning',
});
console.error('[build-extra] preload ok');

await viteBuild({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });
console.error('[build-extra] renderer ok');
