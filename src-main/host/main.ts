/**
 * `node dist/src-main/host/main.js [--data DIR] [--port N] [--workers n]`: start the browser host and print its URL.
 * The first stdout line is `EPSTUDIO_URL <url>` so that scripts and tests can pick it up.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../version.js';
import { startHost } from './server.js';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const data = flag('data') ?? process.env.EPSTUDIO_DATA ?? join(homedir(), 'EPStudio');
const port = flag('port') ? Number(flag('port')) : 0;
const workers = flag('workers') ? Number(flag('workers')) : undefined;

const host = await startHost({
  rendererDir: join(PROJECT_ROOT, 'dist', 'renderer'),
  studiesRoot: join(data, 'studies'),
  exportsRoot: join(data, 'exports'),
  port,
  workers,
});
process.stdout.write(`EPSTUDIO_URL ${host.url}\n`);
process.stderr.write(`EP Studio browser host on ${host.url}\n  studies: ${join(data, 'studies')}\n  exports: ${join(data, 'exports')}\n  Ctrl-C stops it.\n`);

let closing = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (closing) process.exit(1);
    closing = true;
    void host.close().then(() => process.exit(0));
  });
}
