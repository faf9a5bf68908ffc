/**
 * Electron main: composes the small modules of this folder at start-up (scheme, guards, handlers, IPC, menu, window).
 * The study pool and all file access live here (src-main/api/handlers.ts); the renderer reaches them only through the
 * contract.
 */
import { app, BrowserWindow, ipcMain, Menu } from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHandlers } from '../api/handlers.js';
import type { MenuAction, PushEvent } from '../api/contract.js';
import { PROJECT_ROOT } from '../version.js';
import { PUSH_CHANNEL } from './channels.js';
import { nativeDialogs } from './dialogs.js';
import { registerIpc } from './ipc.js';
import { buildMenu } from './menu.js';
import { createWindow, hardenContents, registerScheme, serveRenderer } from './window.js';

const here = fileURLToPath(new URL('.', import.meta.url));
let win: BrowserWindow | undefined;

if (!app.requestSingleInstanceLock()) app.quit();
registerScheme();

app.on('second-instance', () => {
  if (win) {
    if (win.isMinimized()) win.restore();
    win.focus();
  }
});

void app.whenReady().then(() => {
  hardenContents();
  serveRenderer(join(PROJECT_ROOT, 'dist', 'renderer'));
  // EPSTUDIO_DATA lets tests (Playwright _electron) use a throw-away folder.
  const data = process.env.EPSTUDIO_DATA ?? join(app.getPath('documents'), 'EP Studio');
  const push = (e: PushEvent) => {
    if (win && !win.isDestroyed()) win.webContents.send(PUSH_CHANNEL, e);
  };
  const handlers = createHandlers({
    host: 'electron',
    studiesRoot: join(data, 'studies'),
    exportsRoot: join(data, 'exports'),
    emit: push,
    dialogs: process.env.EPSTUDIO_NO_DIALOGS ? undefined : nativeDialogs(() => win),
    versions: { electron: process.versions.electron, chrome: process.versions.chrome },
  });
  registerIpc(ipcMain, handlers, () => win);
  Menu.setApplicationMenu(buildMenu((action: MenuAction) => push({ channel: 'menu', action }), process.platform === 'darwin'));
  win = createWindow(join(here, 'preload.cjs'));
  win.on('closed', () => (win = undefined));
  app.on('window-all-closed', () => {
    void handlers.shutdown().finally(() => app.quit());
  });
});
