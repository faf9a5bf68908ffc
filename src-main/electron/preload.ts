/**
 * Sandboxed preload (bundled to CommonJS by scripts/build-extra.mjs): exposes exactly the API contract as
 * `window.epstudio` through contextBridge: `invoke(method, params)` for the contract's methods only, and `onPush` for
 * pushed events. No Node or Electron object reaches the page; the main side validates every request again.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ApiErrorBody, EpStudioApi, PushEvent } from '../api/contract.js';
import { CHANNEL_PREFIX, PUSH_CHANNEL } from './channels.js';

/**
 * The contract's method names, injected at bundle time from METHOD_NAMES (scripts/build-extra.mjs): the preload stays
 * small (no zod in it) and cannot drift from the contract.
 */
declare const __EPSTUDIO_METHODS__: string[];
const allowed = new Set<string>(__EPSTUDIO_METHODS__);

const api: EpStudioApi = {
  host: 'electron',
  async invoke(method, params) {
    if (!allowed.has(method)) throw new Error(`unknown method ${String(method)}`);
    const r = (await ipcRenderer.invoke(CHANNEL_PREFIX + method, params)) as { ok: true; result: unknown } | { ok: false; error: ApiErrorBody };
    if (r.ok) return r.result as never;
    throw new Error(r.error.message);
  },
  onPush(listener: (e: PushEvent) => void) {
    const h = (_e: IpcRendererEvent, msg: PushEvent) => listener(msg);
    ipcRenderer.on(PUSH_CHANNEL, h);
    return () => {
      ipcRenderer.removeListener(PUSH_CHANNEL, h);
    };
  },
};

contextBridge.exposeInMainWorld('epstudio', api);
