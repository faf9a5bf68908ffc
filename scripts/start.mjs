// `npm start`: the desktop window (Electron) where its runtime exists; otherwise the browser host on 127.0.0.1, printing
// the URL (with its token) and why Electron was not used. `npm start -- --browser` forces the browser host;
// other arguments (--data DIR, --port N, --workers n) go to the host.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const forceBrowser = args.includes('--browser');
const hostArgs = args.filter((a) => a !== '--browser');

const built = ['dist/src-main/electron/main.js', 'dist/src-main/host/main.js', 'dist/renderer/index.html'].every((f) => existsSync(join(root, f)));
if (!built) {
  console.error('[start] not built yet: running npm run build');
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/** The Electron binary, found on disk: require('electron') would try to download it (Electron ≥ 42). */
function electronBinary() {
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const exe = process.platform === 'win32' ? 'electron.exe' : 'electron';
  if (override) return existsSync(join(override, exe)) ? join(override, exe) : undefined;
  const dir = join(root, 'node_modules', 'electron');
  if (!existsSync(join(dir, 'path.txt'))) return undefined;
  const p = join(dir, 'dist', readFileSync(join(dir, 'path.txt'), 'utf8').trim());
  return existsSync(p) ? p : undefined;
}

function whyNotElectron() {
  if (forceBrowser) return '--browser was given';
  if (!electronBinary()) return "Electron's runtime is not installed (node_modules/electron/dist missing; it could not be downloaded)";
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'no display (neither DISPLAY nor WAYLAND_DISPLAY is set)';
  return undefined;
}

const why = whyNotElectron();
if (!why) {
  const child = spawn(electronBinary(), [join(root, 'dist', 'src-main', 'electron', 'main.js')], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.error(`[start] opening the browser host instead of the desktop window: ${why}.`);
  const child = spawn(process.execPath, [join(root, 'dist', 'src-main', 'host', 'main.js'), ...hostArgs], { stdio: ['inherit', 'pipe', 'inherit'] });
  child.stdout.on('data', (b) => {
    for (const line of String(b).split('\n')) {
      if (line.startsWith('EPSTUDIO_URL ')) console.log(`\n  Open EP Studio in a browser:  ${line.slice(13)}\n`);
      else if (line) console.log(line);
    }
  });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code) => process.exit(code ?? 0));
}
