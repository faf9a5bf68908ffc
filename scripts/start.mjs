// `npm start`: until the desktop window lands, run the CLI's paper demo (mean field + one exact NESS).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'bin', 'epstudio.mjs');
for (const args of [['meanfield'], ['steady', '--N', '20', '--eps', '1.1', '--method', 'exact']]) {
  const r = spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
