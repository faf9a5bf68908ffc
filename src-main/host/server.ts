/**
 * Browser host: the same renderer and the same main-side handlers as the desktop window, for machines without
 * Electron's runtime. HTTP serves dist/renderer; a WebSocket at /api speaks the contract (src-main/api/contract.ts).
 *
 * Bound to 127.0.0.1 on a random port. A random token in the URL is required: the first page load carries it as
 * `?token=…` and receives it back as an HttpOnly SameSite=Strict cookie for the assets; the WebSocket must carry it
 * in its query and come from this origin. Anything else gets 403. Other local users and web pages therefore cannot
 * drive the study pool or write files.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { createHandlers, errorBody, type Handlers } from '../api/handlers.js';
import { ApiError, isMethod, type PushEvent, type WireResponse } from '../api/contract.js';
import { quoteValue } from '../../src-core/validation.js';

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
  /** Largest WebSocket message in bytes (default MAX_PAYLOAD; tests use a small one). */
  maxPayload?: number;
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
    // Styles come from stylesheet files only (Svelte's component CSS is emitted into the bundle's .css). uPlot and
    // Svelte set styles through the CSSOM (element.style), which style-src does not govern; no inline <style> or
    // style="" markup and no inline <script> is ever allowed.
    "style-src 'self'",
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

/**
 * Constant-time token check: both sides are hashed first, so neither the content nor the length of a wrong token
 * changes the time taken (timingSafeEqual alone needs equal lengths and would leak the length by refusing early).
 */
export function sameToken(a: string | null | undefined, b: string): boolean {
  if (typeof a !== 'string' || a.length === 0 || a.length > 1024) return false;
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

function cookieToken(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === COOKIE) return part.slice(i + 1).trim();
  }
  return undefined;
}

/** The request target as a URL on our origin; null when it is not a plain path (absolute-form, "*", garbage). */
function requestUrl(req: IncomingMessage, origin: string): URL | null {
  const raw = req.url ?? '/';
  if (!raw.startsWith('/') || raw.startsWith('//')) return null;
  try {
    return new URL(raw, origin);
  } catch {
    return null;
  }
}

/** A path segment list decoded, or null for a malformed % escape (decodeURIComponent throws URIError on those). */
export function decodePath(pathname: string): string | null {
  try {
    const p = decodeURIComponent(pathname);
    return p.includes('\0') ? null : p;
  } catch {
    return null;
  }
}

/** Largest WebSocket message (a PNG export as base64 fits; more closes the socket with 1009). */
export const MAX_PAYLOAD = 80 * 1024 * 1024;

/** One WebSocket message → one response. Never throws: anything a client sends ends as a result or an error value. */
export async function answer(raw: Buffer | ArrayBuffer | Buffer[], isBinary: boolean, handlers: Handlers): Promise<WireResponse> {
  if (isBinary) return { id: null, ok: false, error: { message: 'request: a text frame holding JSON { id, method, params } (binary frames are refused)' } };
  let req: unknown;
  try {
    req = JSON.parse(Buffer.isBuffer(raw) ? raw.toString('utf8') : Array.isArray(raw) ? Buffer.concat(raw).toString('utf8') : Buffer.from(raw).toString('utf8'));
  } catch {
    return { id: null, ok: false, error: { message: 'request: not valid JSON; send { "id": number, "method": string, "params": object }' } };
  }
  if (req === null || typeof req !== 'object' || Array.isArray(req))
    return { id: null, ok: false, error: { message: 'request: a JSON object { "id": number, "method": string, "params": object }' } };
  const r = req as Record<string, unknown>;
  // The id comes back so the client can match the answer; anything but a finite number is replaced by null.
  const id = typeof r.id === 'number' && Number.isFinite(r.id) ? r.id : null;
  try {
    if (!isMethod(r.method)) throw new ApiError({ message: `method: got ${quoteValue(r.method)}; allowed: one of the contract's methods`, field: 'method' });
    return { id, ok: true, result: await handlers.dispatch(r.method, r.params) };
  } catch (e) {
    return { id, ok: false, error: errorBody(e) };
  }
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
  let hostHeader = '';
  const baseHeaders = (): Record<string, string> => ({
    'Content-Security-Policy': contentSecurityPolicy(origin.replace(/^http/, 'ws')),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  });
  const plain = (res: ServerResponse, status: number, text: string) => {
    if (res.headersSent) return void res.destroy();
    res.writeHead(status, { ...baseHeaders(), 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(text);
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    // Nothing a request carries may throw out of this handler: an uncaught exception would stop the host for everyone.
    try {
      serve(req, res);
    } catch {
      plain(res, 500, '500: the host could not answer this request\n');
    }
  });

  function serve(req: IncomingMessage, res: ServerResponse) {
    const url = requestUrl(req, origin);
    // A Host other than ours is a DNS-rebinding page talking to 127.0.0.1: refused like a missing token.
    const ok = url !== null && req.headers.host === hostHeader && (sameToken(url.searchParams.get('token'), token) || sameToken(cookieToken(req), token));
    if (!ok || (req.method !== 'GET' && req.method !== 'HEAD')) {
      plain(res, 403, '403: EP Studio needs the token printed when the host started (open the full URL).\n');
      return;
    }
    const rel = decodePath(url.pathname === '/' ? '/index.html' : url.pathname);
    if (rel === null) {
      plain(res, 400, '400: malformed path (bad % escape)\n');
      return;
    }
    const headers = baseHeaders();
    if (url.searchParams.has('token')) headers['Set-Cookie'] = `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    const file = normalize(join(root, rel));
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
      plain(res, 404, 'not found\n');
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' });
    if (req.method === 'HEAD') return void res.end();
    const stream = createReadStream(file);
    // A file removed between the check and the read must not throw an unhandled 'error'.
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxPayload ?? MAX_PAYLOAD });
  // Errors of a connection are answered by ws itself (close 1007 for invalid UTF-8, 1009 for an oversized message);
  // without a listener Node would throw them and stop the host.
  wss.on('error', () => undefined);
  server.on('clientError', (_e, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    try {
      const url = requestUrl(req, origin);
      const fromUs = req.headers.origin === origin && req.headers.host === hostHeader;
      if (!url || url.pathname !== '/api' || !fromUs || !sameToken(url.searchParams.get('token'), token)) {
        socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    } catch {
      socket.destroy();
    }
  });
  wss.on('connection', (ws: WebSocket) => {
    clients.add(ws);
    ws.on('error', () => undefined);
    ws.on('close', () => clients.delete(ws));
    ws.on('message', (raw, isBinary) => {
      void answer(raw, isBinary, handlers).then((out) => {
        if (ws.readyState !== ws.OPEN) return;
        try {
          ws.send(JSON.stringify(out));
        } catch {
          ws.send(JSON.stringify({ id: out.id, ok: false, error: { message: 'the result could not be sent' } }));
        }
      });
    });
  });

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, '127.0.0.1', () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  hostHeader = `127.0.0.1:${port}`;
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
