#!/usr/bin/env node
// Thin launcher: the CLI is compiled TypeScript (workers must be JS anyway), built by `npm install` (prepare).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist', 'src-main', 'cli.js');
if (!existsSync(entry)) {
  process.stderr.write(`epstudio: not built yet (${entry} missing). Run \`npm run build\` in ${root}.\n`);
  process.exit(1);
}
const { main } = await import(pathToFileURL(entry).href);
await main(process.argv);
