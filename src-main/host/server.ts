/**
 * Browser host: the same renderer and the same main-side handlers as the desktop window, for machines without
 * Electron's runtime. HTTP serves dist/renderer; a WebSocket at /api speaks the contract (src-main/api/contract.ts).
 *
 * Bound to 127.0.0.1 on a random port. A random token in the URL is required: the first page load carries it as
 * `?token=…` and receives it back as an HttpOnly SameSite=Strict cookie for the assets; the WebSocket must carry it
 * in its query and come from this origin. Anything else gets 403. Other local users and web pages therefore cannot
 * drive the study pool or write files.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { createHandlers, errorBody, type Handlers } from '../api/handlers.js';
import { isMethod, type PushEvent, type WireRequest, type WireResponse } from '../api/contract.js';

export interface HostOptions {
  /** Built renderer (index.html + assets). */
  rendererDir: string;
  studiesRoot: string;
  exportsRoot: string;
  /** 0 (default) = a random free port. */
  port?: number;
  workers?: number;
  /** Fixed token (tests); default 32 random bytes. */
  token?: string;
}

export interface Host {
  url: string;
  port: number;
  token: string;
  handlers: Handlers;
  close(): Promise<void>;
}

/** Content types of the renderer's files (module scripts need a JavaScript type); shared with the Electron app:// handler. */
export const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

const COOKIE = 'epstudio_token';

/** Same policy as the Electron window (src-main/electron/window.ts), plus the WebSocket of this origin. */
export function contentSecurityPolicy(wsOrigin?: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    // uPlot and Svelte set element style attributes; no inline <script> is ever allowed.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${wsOrigin ? ' ' + wsOrigin : ''}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function sameToken(a: string | null | undefined, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieToken(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, v] = part.trim().split('=');
    if (k === COOKIE) return v;
  }
  return undefined;
}

export async function startHost(opts: HostOptions): Promise<Host> {
  const token = opts.token ?? randomBytes(32).toString('hex');
  const root = resolve(opts.rendererDir);
  if (!existsSync(join(root, 'index.html'))) throw new Error(`renderer not built: ${join(root, 'index.html')} missing (run npm run build)`);
  const clients = new Set<WebSocket>();
  const broadcast = (e: PushEvent) => {
    const msg = JSON.stringify({ push: e });
    for (const c of clients) if (c.readyState === c.OPEN) c.send(msg);
  };
  const handlers = createHandlers({
    host: 'browser',
    studiesRoot: opts.studiesRoot,
    exportsRoot: opts.exportsRoot,
    emit: broadcast,
    workers: opts.workers,
  });

  let origin = '';
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', origin);
    const ok = sameToken(url.searchParams.get('token'), token) || sameToken(cookieToken(req), token);
    const headers: Record<string, string> = {
      'Content-Security-Policy': contentSecurityPolicy(origin.replace(/^http/, 'ws')),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    };
    if (!ok || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(403, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('403: EP Studio needs the token printed when the host started (open the full URL).\n');
      return;
    }
    if (url.searchParams.has('token')) headers['Set-Cookie'] = `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    const rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
    const file = normalize(join(root, rel));
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' });
      res.end('not found\n');
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 80 * 1024 * 1024,
  });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin);
    const fromUs = req.headers.origin === origin;
    if (url.pathname !== '/api' || !fromUs || !sameToken(url.searchParams.get('token'), token)) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  wss.on('connection', (ws: WebSocket) => {
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
    ws.on('message', async (raw) => {
      let req: WireRequest;
      try {
        req = JSON.parse(String(raw));
      } catch {
        return;
      }
      let out: WireResponse;
      try {
        if (!isMethod(req.method)) throw new Error(`unknown method ${JSON.stringify(req.method)}`);
        out = { id: req.id, ok: true, result: await handlers.dispatch(req.method, req.params) };
      } catch (e) {
        out = { id: req.id, ok: false, error: errorBody(e) };
      }
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(out));
    });
  });

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, '127.0.0.1', () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    port,
    token,
    handlers,
    async close() {
      await handlers.shutdown();
      for (const c of clients) c.terminate();
      await new Promise<void>((ok) => wss.close(() => ok()));
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
