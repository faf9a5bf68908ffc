/**
 * The IPC adapter: one ipcMain.handle per contract method. Before a handler runs, the sender is checked (our window's
 * main frame, loaded from our app:// origin: the VS Code ipcMain pattern), then `dispatch` validates the request
 * against the contract's zod schema. Errors travel as values ({ ok: false, error }) so the field and allowed range
 * survive the trip.
 */
// Types only: ipcMain is passed in, so this adapter loads (and is tested) without Electron.
import type { IpcMain } from 'electron';
import { METHOD_NAMES } from '../api/contract.js';
import { errorBody, type Handlers } from '../api/handlers.js';
import { CHANNEL_PREFIX } from './channels.js';
import { senderAllowed, type SenderEventLike, type WindowLike } from './guards.js';

export function registerIpc(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, handlers: Handlers, window: () => WindowLike | undefined): () => void {
  for (const m of METHOD_NAMES) {
    ipcMain.handle(CHANNEL_PREFIX + m, async (e: SenderEventLike, params: unknown) => {
      if (!senderAllowed(e, window())) return { ok: false, error: { message: 'refused: IPC from an unknown sender' } };
      try {
        return { ok: true, result: await handlers.dispatch(m, params) };
      } catch (err) {
        return { ok: false, error: errorBody(err) };
      }
    });
  }
  return () => {
    for (const m of METHOD_NAMES) ipcMain.removeHandler(CHANNEL_PREFIX + m);
  };
}
