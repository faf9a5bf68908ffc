#!/usr/bin/env node
'use strict';
// The command line (package.json "bin"). CommonJS on purpose (issue 12, cold start): require() loads the CommonJS
// chunks of dist/cli (scripts/build-cli.mjs, one per command plus shared ones) synchronously, without starting Node's
// ESM loader, which costs ~10 ms more per process (bin/epstudio.mjs, kept for `node bin/epstudio.mjs …`, forwards
// here). When only tsc has run (no dist/cli), the tsc tree dist/src-main/cli.js (ESM) is the fallback.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const bundle = join(root, 'dist', 'cli', 'cli.cjs');
if (existsSync(bundle)) {
  require(bundle).main(process.argv);
} else {
  const entry = join(root, 'dist', 'src-main', 'cli.js');
  if (!existsSync(entry)) {
    process.stderr.write(`epstudio: not built yet (${entry} missing). Run \`npm run build\` in ${root}.\n`);
    process.exit(1);
  }
  import(require('node:url').pathToFileURL(entry).href).then((m) => m.main(process.argv));
}
