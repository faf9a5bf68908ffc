/**
 * Issue 10, found item 5: the browser host survives anything one client sends. Each case here stopped the whole host
 * process on main (an uncaught URIError, an 'error' event without a listener) or went unanswered; now each gets its
 * answer (400, close 1007/1009, { ok: false }) and the host keeps serving the other clients. Also: the token is needed
 * everywhere and compared in constant time, and the Host header must be ours (DNS rebinding).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodePath, sameToken, startHost, type Host } from '../../../src-main/host/server.js';

const TOKEN = 'a'.repeat(64);
const MAX = 64 * 1024;
let host: Host;
let base: string;
let origin: string;

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'epstudio-host-'));
  const renderer = join(base, 'renderer');
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(renderer, 'assets', 'a.js'), 'export {}');
  host = await startHost({ rendererDir: renderer, studiesRoot: join(base, 'data', 'studies'), exportsRoot: join(base, 'data', 'exports'), token: TOKEN, maxPayload: MAX, workers: 1 });
  origin = `http://127.0.0.1:${host.port}`;
});
afterAll(async () => {
  await host?.close();
  rmSync(base, { recursive: true, force: true });
});

/** A raw HTTP/1.1 request (fetch would normalise the path): status code, or 'closed'. */
function raw(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<number | 'closed'> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, method, headers: { host: `127.0.0.1:${host.port}`, ...headers }, setHost: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve('closed'));
    req.end();
  });
}

/** Bytes on a plain socket; resolves with the first response line (or 'closed'). */
function rawBytes(text: string | Buffer): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(host.port, '127.0.0.1');
    let got = '';
    s.on('data', (d) => (got += d.toString('latin1')));
    s.on('error', () => resolve(got.split('\r\n')[0] || 'closed'));
    s.on('close', () => resolve(got.split('\r\n')[0] || 'closed'));
    s.end(text);
  });
}

function openWs(query = `?token=${TOKEN}`, wsOrigin = origin): Promise<WebSocket> {
  return new Promise((ok, fail) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api${query}`, { origin: wsOrigin });
    ws.on('open', () => ok(ws));
    ws.on('error', fail);
  });
}

/** Send one frame; resolve with the next message (parsed) or the close code. */
function exchange(ws: WebSocket, data: string | Buffer, binary = false): Promise<{ msg?: { id: unknown; ok: boolean; error?: { message: string }; result?: unknown }; close?: number }> {
  return new Promise((ok) => {
    ws.once('message', (m) => ok({ msg: JSON.parse(String(m)) }));
    ws.once('close', (code) => ok({ close: code }));
    ws.send(data, { binary });
  });
}

/** The host still answers: page with the token, and an API call on a fresh socket. */
async function alive(): Promise<void> {
  expect(await raw(`/?token=${TOKEN}`)).toBe(200);
  const ws = await openWs();
  const r = await exchange(ws, JSON.stringify({ id: 7, method: 'app.info', params: {} }));
  expect(r.msg?.ok).toBe(true);
  expect(r.msg?.id).toBe(7);
  ws.close();
}

describe('HTTP', () => {
  it('a malformed % escape is a 400, not a crash; the host keeps serving', async () => {
    for (const p of ['/%E0%A4%A', '/%', '/%zz', '/assets/%c0%af', '/%00', '/a%00.js']) expect(await raw(`${p}?token=${TOKEN}`), p).toBe(400);
    expect(decodePath('/%E0%A4%A')).toBeNull();
    expect(decodePath('/a%20b')).toBe('/a b');
    await alive();
  });

  it('odd request targets and garbage bytes are answered (4xx) or dropped, never fatal', async () => {
    for (const p of ['//etc/passwd', '*', 'http://evil.example/', '/..%2f..%2fpackage.json', '/assets/../../../etc/passwd', '/' + 'x'.repeat(60_000)])
      expect([400, 403, 404, 414, 431, 'closed']).toContain(await raw(p.startsWith('/') && !p.startsWith('//') ? `${p}${p.includes('?') ? '&' : '?'}token=${TOKEN}` : p));
    for (const b of ['GARBAGE\r\n\r\n', 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n', Buffer.from([0xff, 0xfe, 0x00, 0x0d, 0x0a, 0x0d, 0x0a]), 'GET /api HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'])
      expect(await rawBytes(b)).toMatch(/^(HTTP\/1\.1 4\d\d|closed)/);
    await alive();
  });

  it('the token is required for every path and method; a foreign Host header is refused', async () => {
    for (const p of ['/', '/index.html', '/assets/a.js', '/nope']) {
      expect(await raw(p)).toBe(403);
      expect(await raw(`${p}?token=${'b'.repeat(64)}`)).toBe(403);
      expect(await raw(`${p}?token=${TOKEN.slice(1)}`)).toBe(403);
      expect(await raw(`${p}?token=${TOKEN}x`)).toBe(403);
      expect(await raw(p, { cookie: `epstudio_token=${'b'.repeat(64)}` })).toBe(403);
    }
    expect(await raw('/assets/a.js', { cookie: `other=1; epstudio_token=${TOKEN}` })).toBe(200);
    expect(await raw(`/?token=${TOKEN}`, {}, 'POST')).toBe(403);
    // DNS rebinding: a page on evil.example resolving to 127.0.0.1 sends its own Host.
    expect(await raw(`/?token=${TOKEN}`, { host: 'evil.example' })).toBe(403);
    expect(await raw(`/?token=${TOKEN}`, { host: `localhost:${host.port}` })).toBe(403);
  });

  it('sameToken: equal strings only, whatever the lengths (hashes compared with timingSafeEqual)', () => {
    expect(sameToken(TOKEN, TOKEN)).toBe(true);
    for (const t of [undefined, null, '', TOKEN.slice(0, 63), TOKEN + 'a', 'b'.repeat(64), 'x'.repeat(10_000)]) expect(sameToken(t, TOKEN)).toBe(false);
  });

  it('CSP: no unsafe-inline anywhere, styles from files only', async () => {
    const r = await fetch(`${origin}/?token=${TOKEN}`);
    const csp = r.headers.get('content-security-policy') ?? '';
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("script-src 'self'");
  });
});

describe('WebSocket /api', () => {
  it('needs the token and our origin (and our Host)', async () => {
    await expect(openWs('')).rejects.toThrow();
    await expect(openWs(`?token=${'b'.repeat(64)}`)).rejects.toThrow();
    await expect(openWs(`?token=${TOKEN}`, 'http://evil.example')).rejects.toThrow();
    await expect(
      new Promise((ok, fail) => {
        const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api?token=${TOKEN}`, { origin, headers: { host: 'evil.example' } });
        ws.on('open', ok);
        ws.on('error', fail);
      }),
    ).rejects.toThrow();
  });

  it('invalid UTF-8 in a text frame closes that socket with 1007; others keep working', async () => {
    const bystander = await openWs();
    const ws = await openWs();
    const r = await exchange(ws, Buffer.from([0x7b, 0xc3, 0x28, 0xff, 0x7d]));
    expect(r.close).toBe(1007);
    const b = await exchange(bystander, JSON.stringify({ id: 1, method: 'studies.presets', params: {} }));
    expect(b.msg?.ok).toBe(true);
    bystander.close();
    await alive();
  });

  it('a message above maxPayload closes that socket with 1009; the host keeps serving', async () => {
    const ws = await openWs();
    const r = await exchange(ws, 'x'.repeat(MAX + 1));
    expect(r.close).toBe(1009);
    await alive();
  });

  it('malformed JSON, non-objects, binary frames and bad envelopes get { ok: false } with a message', async () => {
    const ws = await openWs();
    for (const [frame, id, re] of [
      ['{not json', null, /not valid JSON/],
      ['', null, /not valid JSON/],
      ['null', null, /a JSON object/],
      ['[1,2]', null, /a JSON object/],
      ['"str"', null, /a JSON object/],
      ['{"id":3}', 3, /^method: got undefined/],
      ['{"id":4,"method":"__proto__"}', 4, /^method: got "__proto__"/],
      ['{"id":5,"method":"constructor","params":{}}', 5, /^method/],
      [JSON.stringify({ id: 6, method: 'x'.repeat(5000) }), 6, /^method: got "x{79}… \(5002 characters\)/],
      [JSON.stringify({ id: 'abc', method: 'app.info' }), null, null],
      [JSON.stringify({ id: 8, method: 'studies.status', params: 'nope' }), 8, /studies\.status/],
      [JSON.stringify({ id: 9, method: 'studies.run', params: { preset: '/etc/passwd' } }), 9, /^preset: got "\/etc\/passwd"/],
    ] as const) {
      const r = await exchange(ws, frame);
      expect(r.msg, frame.slice(0, 60)).toBeDefined();
      expect(r.msg!.id).toBe(id);
      if (re === null) expect(r.msg!.ok).toBe(true);
      else {
        expect(r.msg!.ok).toBe(false);
        expect(r.msg!.error!.message).toMatch(re);
        expect(r.msg!.error!.message.length).toBeLessThanOrEqual(600);
      }
    }
    const bin = await exchange(ws, Buffer.from(JSON.stringify({ id: 1, method: 'app.info', params: {} })), true);
    expect(bin.msg?.ok).toBe(false);
    expect(bin.msg?.error?.message).toContain('binary frames are refused');
    ws.close();
    await alive();
  });
});
