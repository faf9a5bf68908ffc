/**
 * The window's security decisions as plain functions (no 'electron' import, so tests can load them): which IPC sender
 * may call the contract, and which URLs the window may navigate to.
 */
import { join, normalize, sep } from 'node:path';
import { APP_ORIGIN } from './channels.js';

export interface FrameLike {
  url: string;
}
export interface SenderEventLike {
  sender: unknown;
  senderFrame: FrameLike | null | undefined;
}
export interface WindowLike {
  isDestroyed(): boolean;
  webContents: { mainFrame: FrameLike };
}

/**
 * Is this URL on app://epstudio? Compared by protocol and host: Node's URL gives custom schemes the origin "null", so
 * `origin === APP_ORIGIN` would refuse everything.
 */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    const app = new URL(APP_ORIGIN);
    return u.protocol === app.protocol && u.host === app.host && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

/** Only our window's main frame, showing our app:// page, may call the contract (VS Code's ipcMain validation). */
export function senderAllowed(e: SenderEventLike, win: WindowLike | undefined): boolean {
  if (!win || win.isDestroyed() || e.sender !== win.webContents) return false;
  const frame = e.senderFrame;
  if (!frame || frame !== win.webContents.mainFrame) return false;
  return isAppUrl(frame.url);
}

/**
 * The file of dist/renderer an app:// request names: null when it is not ours or leaves the folder, 400 when its path
 * has a malformed % escape (decodeURIComponent throws URIError there) or a NUL.
 */
export function rendererFile(root: string, url: string): string | null | 400 {
  if (!isAppUrl(url)) return null;
  let path: string;
  try {
    path = decodeURIComponent(new URL(url).pathname);
  } catch {
    return 400;
  }
  if (path.includes('\0')) return 400;
  const file = normalize(join(root, path === '/' ? '/index.html' : path));
  return file.startsWith(normalize(root) + sep) ? file : null;
}

/**
 * URLs the window may hand to the system browser (shell.openExternal). Empty on purpose: EP Studio shows no external
 * links, and each entry would be a door out of the sandbox for whatever page the window shows. To add one (a
 * documentation page), list its exact https URL here.
 */
export const EXTERNAL_URLS: readonly string[] = Object.freeze([]);

export function externalAllowed(url: string): boolean {
  return EXTERNAL_URLS.includes(url);
}
