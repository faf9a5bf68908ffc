/**
 * The IPC adapter: one ipcMain.handle per contract method. Before a handler runs, the sender is checked (our window's
 * main frame, loaded from our app:// origin: the VS Code ipcMain pattern), then `dispatch` validates the request
 * against the contract's zod schema. Errors travel as values ({ ok: false, error }) so the field and allowed range
 * survive the trip.
 */
import { ipcMain, type BrowserWindow } from 'electron';
import { METHOD_NAMES } from '../api/contract.js';
import { errorBody, type Handlers } from '../api/handlers.js';
import { CHANNEL_PREFIX } from './channels.js';
import { senderAllowed } from './guards.js';

export function registerIpc(handlers: Handlers, window: () => BrowserWindow | undefined): () => void {
  for (const m of METHOD_NAMES) {
    ipcMain.handle(CHANNEL_PREFIX + m, async (e, params: unknown) => {
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
