#!/usr/bin/env node
// Thin launcher: the CLI is compiled TypeScript (workers must be JS anyway), built by `npm install` (prepare).
// dist/cli/cli.js is the same program bundled into per-command chunks (scripts/build-cli.mjs; cold start, issue 12);
// the tsc tree dist/src-main/cli.js is the fallback when only tsc has run.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'dist', 'cli', 'cli.js');
const entry = existsSync(bundle) ? bundle : join(root, 'dist', 'src-main', 'cli.js');
if (!existsSync(entry)) {
  process.stderr.write(`epstudio: not built yet (${entry} missing). Run \`npm run build\` in ${root}.\n`);
  process.exit(1);
}
const { main } = await import(pathToFileURL(entry).href);
await main(process.argv);
