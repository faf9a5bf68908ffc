/**
 * The window's security decisions as plain functions (no 'electron' import, so tests can load them): which IPC sender
 * may call the contract, and which URLs the window may navigate to.
 */
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
