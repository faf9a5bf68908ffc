/**
 * The Electron window's decisions as plain functions (no Electron needed): the app:// handler's file lookup survives a
 * malformed % escape (found item 5 had the same decodeURIComponent call as the browser host), never leaves
 * dist/renderer, and no URL is handed to the system browser (the external-link allow-list is empty on purpose).
 * The fuses are checked in electron.config.ts itself.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EXTERNAL_URLS, externalAllowed, rendererFile } from '../../../src-main/electron/guards.js';
import config from '../../../electron.config.js';
import { contentSecurityPolicy } from '../../../src-main/host/server.js';

const ROOT = '/opt/epstudio/dist/renderer';

describe('app:// file lookup', () => {
  it('malformed escapes are 400, traversal and foreign hosts are not found, our files resolve', () => {
    for (const u of ['app://epstudio/%E0%A4%A', 'app://epstudio/%', 'app://epstudio/%zz.js', 'app://epstudio/a%00.js']) expect(rendererFile(ROOT, u), u).toBe(400);
    expect(rendererFile(ROOT, 'app://epstudio/')).toBe(join(ROOT, 'index.html'));
    expect(rendererFile(ROOT, 'app://epstudio/assets/a%20b.js')).toBe(join(ROOT, 'assets', 'a b.js'));
    // The URL parser folds %2e%2e segments at the root (stays inside); encoded slashes are decoded after: refused.
    expect(rendererFile(ROOT, 'app://epstudio/%2e%2e/%2e%2e/x')).toBe(join(ROOT, 'x'));
    for (const u of ['app://epstudio/..%2f..%2fetc%2fpasswd', 'app://epstudio/a/..%2f..%2f..%2fx', 'app://other/index.html', 'file:///etc/passwd', 'https://epstudio/'])
      expect(rendererFile(ROOT, u), u).toBeNull();
  });

  it(`never throws and never leaves the folder (fast-check, 2000 URLs)`, () => {
    fc.assert(
      fc.property(fc.oneof(fc.webUrl(), fc.webPath().map((p) => `app://epstudio${p.startsWith('/') ? '' : '/'}${p}`), fc.string().map((s) => `app://epstudio/${s}`)), (u) => {
        const f = rendererFile(ROOT, u);
        expect(f === null || f === 400 || f.startsWith(ROOT + '/')).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('external links and packaging', () => {
  it('shell.openExternal gets nothing: the allow-list is empty', () => {
    expect(EXTERNAL_URLS).toEqual([]);
    for (const u of ['https://example.com/', 'http://127.0.0.1/', 'file:///etc/passwd', 'smb://host/share', 'javascript:alert(1)']) expect(externalAllowed(u)).toBe(false);
    // The window's open handler calls openExternal only through externalAllowed.
    const src = readFileSync(join(process.cwd(), 'src-main', 'electron', 'window.ts'), 'utf8');
    expect(src.match(/shell\.openExternal\(/g)).toHaveLength(1);
    expect(src).toMatch(/if \(externalAllowed\(url\)\) void shell\.openExternal\(url\)/);
  });

  it('fuses: RunAsNode off, cookie encryption on, asar integrity on, only load from asar, no inspector / NODE_OPTIONS', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('the window and the browser host send the same CSP, without unsafe-inline or unsafe-eval', () => {
    const csp = contentSecurityPolicy();
    expect(csp).not.toMatch(/unsafe-(inline|eval)/);
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
  });
});
