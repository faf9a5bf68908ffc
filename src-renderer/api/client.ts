/**
 * The renderer's only way to the main side: the contract of src-main/api/contract.ts, either as `window.epstudio`
 * (Electron preload, contextBridge) or over the browser host's WebSocket. Types only are imported from the contract.
 */
import type { ApiErrorBody, EpStudioApi, Method, PushEvent, Req, Res, WirePush, WireResponse } from '../../src-main/api/contract.js';

declare global {
  interface Window {
    epstudio?: EpStudioApi;
  }
}

/** An error from the main side, with the field and allowed range when the user can act on it. */
export class RemoteError extends Error {
  constructor(readonly body: ApiErrorBody) {
    super(body.message);
    this.name = 'RemoteError';
  }
}

function socketApi(): EpStudioApi {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api?token=${encodeURIComponent(token)}`;
  const listeners = new Set<(e: PushEvent) => void>();
  const pending = new Map<number, { ok: (v: unknown) => void; fail: (e: unknown) => void }>();
  let next = 1;
  let ws: WebSocket | undefined;
  let opened: Promise<WebSocket> | undefined;

  function connect(): Promise<WebSocket> {
    if (opened) return opened;
    opened = new Promise((ok, fail) => {
      const s = new WebSocket(url);
      s.onopen = () => {
        ws = s;
        ok(s);
      };
      s.onerror = () => fail(new RemoteError({ message: 'cannot reach the EP Studio host (is it still running? is the token in the URL?)' }));
      s.onclose = () => {
        opened = undefined;
        ws = undefined;
        for (const p of pending.values()) p.fail(new RemoteError({ message: 'connection to the host closed' }));
        pending.clear();
      };
      s.onmessage = (m) => {
        const msg = JSON.parse(String(m.data)) as WireResponse | WirePush;
        if ('push' in msg) {
          for (const l of listeners) l(msg.push);
          return;
        }
        // id null: the host could not read a request at all (never one of ours); nothing to settle.
        if (msg.id === null) return;
        const p = pending.get(msg.id);
        if (!p) return;
        pending.delete(msg.id);
        if (msg.ok) p.ok(msg.result);
        else p.fail(new RemoteError(msg.error));
      };
    });
    return opened;
  }

  return {
    host: 'browser',
    async invoke<M extends Method>(method: M, params: Req<M>): Promise<Res<M>> {
      const s = ws ?? (await connect());
      const id = next++;
      return new Promise<Res<M>>((ok, fail) => {
        pending.set(id, { ok: ok as (v: unknown) => void, fail });
        s.send(JSON.stringify({ id, method, params }));
      });
    },
    onPush(l) {
      listeners.add(l);
      void connect().catch(() => undefined);
      return () => listeners.delete(l);
    },
  };
}

/** Electron's preload rejects with plain Errors; keep the message and any field it carries. */
function electronApi(api: EpStudioApi): EpStudioApi {
  return {
    host: 'electron',
    async invoke(method, params) {
      try {
        return await api.invoke(method, params);
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        // ipcRenderer.invoke wraps errors as "Error invoking remote method 'x': Error: …".
        throw new RemoteError({ message: msg.replace(/^Error invoking remote method '[^']+': (\w*Error: )?/, '') });
      }
    },
    onPush: (l) => api.onPush(l),
  };
}

export const api: EpStudioApi = typeof window !== 'undefined' && window.epstudio ? electronApi(window.epstudio) : socketApi();
