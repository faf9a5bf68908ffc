/**
 * The window and its security settings (Electron's security checklist): the renderer is served from the privileged
 * app:// scheme with a strict Content-Security-Policy header; contextIsolation and the sandbox on, nodeIntegration
 * off, no webviews, no permissions, navigation and new windows blocked.
 */
import { app, BrowserWindow, net, protocol, session, shell } from 'electron';
import { existsSync } from 'node:fs';
import { extname, normalize } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CONTENT_TYPES, contentSecurityPolicy } from '../host/server.js';
import { APP_ORIGIN, APP_SCHEME } from './channels.js';
import { externalAllowed, isAppUrl, rendererFile } from './guards.js';

/** Must run before app 'ready'. */
export function registerScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } }]);
}

/** Serve dist/renderer on app://epstudio/ with the CSP header; nothing outside that folder. */
export function serveRenderer(rendererDir: string): void {
  const root = normalize(rendererDir);
  protocol.handle(APP_SCHEME, async (req) => {
    // Whatever the page asks for, the handler answers: a malformed % escape is a 400, never an exception.
    try {
      const file = rendererFile(root, req.url);
      if (file === 400) return new Response('malformed path', { status: 400 });
      if (file === null || !existsSync(file)) return new Response('not found', { status: 404 });
      const r = await net.fetch(pathToFileURL(file).toString());
      const headers = new Headers(r.headers);
      headers.set('Content-Security-Policy', contentSecurityPolicy());
      headers.set('X-Content-Type-Options', 'nosniff');
      headers.set('Content-Type', CONTENT_TYPES[extname(file)] ?? 'application/octet-stream');
      return new Response(r.body, { status: r.status, headers });
    } catch {
      return new Response('not found', { status: 404 });
    }
  });
}

/** Global guards for every web contents: no navigation away, no new windows, no webviews, no permissions. */
export function hardenContents(): void {
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (ev, url) => {
      if (!isAppUrl(url)) ev.preventDefault();
    });
    contents.on('will-redirect', (ev, url) => {
      if (!isAppUrl(url)) ev.preventDefault();
    });
    contents.on('will-attach-webview', (ev) => ev.preventDefault());
    // No window opens inside the app, and nothing opens outside it either: the renderer has no external links, and
    // shell.openExternal with a page-chosen URL would hand any URL (file:, custom schemes) to the system. The
    // allow-list (guards.ts EXTERNAL_URLS) is empty; a documentation link added later goes there, exactly.
    contents.setWindowOpenHandler(({ url }) => {
      if (externalAllowed(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}

export function createWindow(preload: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 1024,
    minHeight: 640,
    title: 'EP Studio',
    show: false,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}
