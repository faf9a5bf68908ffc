/**
 * Fuzzing through the real browser host (HTTP + WebSocket on 127.0.0.1), a smaller set than the in-process fuzz of
 * test/main/api/fuzz.test.ts: random request targets with % escapes, random text frames (valid and invalid UTF-8),
 * random JSON envelopes for every method. The host must answer each one (a status code, a { ok } message or a close
 * code), keep serving a bystander client throughout, and leave everything outside its data folder untouched.
 * EPSTUDIO_FUZZ_RUNS / 4 inputs per surface (default 500).
 */
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { METHOD_NAMES } from '../../../src-main/api/contract.js';
import { startHost, type Host } from '../../../src-main/host/server.js';
import { diffStates, treeState } from '../api/sandbox.js';

const RUNS = Math.max(1, Math.ceil((Number(process.env.EPSTUDIO_FUZZ_RUNS ?? 2000) || 2000) / 4));
const TOKEN = 'f'.repeat(64);
const MAX = 256 * 1024;
let host: Host;
let base: string;
let data: string;
let origin: string;
let before: Map<string, string>;

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'epstudio-hostfuzz-'));
  data = join(base, 'data');
  const renderer = join(base, 'renderer');
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(renderer, 'assets', 'a.js'), 'export {}');
  writeFileSync(join(base, 'secret.txt'), 'secret');
  host = await startHost({ rendererDir: renderer, studiesRoot: join(data, 'studies'), exportsRoot: join(data, 'exports'), token: TOKEN, maxPayload: MAX, workers: 1 });
  origin = `http://127.0.0.1:${host.port}`;
  before = treeState(base, data);
});
afterAll(async () => {
  await host?.close();
  rmSync(base, { recursive: true, force: true });
});

function get(path: string): Promise<number | 'closed'> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, headers: { host: `127.0.0.1:${host.port}` }, setHost: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve('closed'));
    req.end();
  });
}

function openWs(): Promise<WebSocket> {
  return new Promise((ok, fail) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api?token=${TOKEN}`, { origin });
    ws.on('open', () => ok(ws));
    ws.on('error', fail);
  });
}

function exchange(ws: WebSocket, data: string | Buffer): Promise<{ msg?: { id: unknown; ok: boolean; error?: { message: string } }; close?: number }> {
  return new Promise((ok) => {
    const onMsg = (m: WebSocket.RawData) => done({ msg: JSON.parse(String(m)) });
    const onClose = (code: number) => done({ close: code });
    const done = (r: { msg?: never; close?: number } | { msg: { id: unknown; ok: boolean } }) => {
      ws.off('message', onMsg);
      ws.off('close', onClose);
      ok(r as never);
    };
    ws.on('message', onMsg);
    ws.on('close', onClose);
    ws.send(data, { binary: false });
  });
}

async function bystanderOk(): Promise<void> {
  const ws = await openWs();
  const r = await exchange(ws, JSON.stringify({ id: 1, method: 'app.info', params: {} }));
  expect(r.msg?.ok).toBe(true);
  ws.close();
}

const pctGarbage = fc.array(fc.oneof(fc.constantFrom('%', '%0', '%zz', '%E0%A4%A', '%c0%af', '%00', '%2e%2e%2f', '..', '/', '//', '\\'), fc.webSegment()), { maxLength: 8 }).map((a) => '/' + a.join(''));

describe(`browser host, ${RUNS} generated inputs per surface`, () => {
  it('HTTP request targets (random paths, % escapes, traversal): answered, host alive', async () => {
    const seen = new Map<number | string, number>();
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.webPath(), pctGarbage), fc.boolean(), async (path, withToken) => {
        const p = (path.startsWith('/') ? path : '/' + path).replace(/[\s#?]/g, '') || '/';
        const status = await get(withToken ? `${p}?token=${TOKEN}` : p);
        seen.set(status, (seen.get(status) ?? 0) + 1);
        expect([200, 400, 403, 404]).toContain(status);
        if (!withToken) expect(status).toBe(403);
      }),
      { numRuns: RUNS },
    );
    console.log(`[fuzz] HTTP ${RUNS} targets: ${[...seen].map(([k, v]) => `${k}×${v}`).join(', ')}`);
    await bystanderOk();
  });

  it('WebSocket frames (random text, invalid UTF-8, random JSON envelopes for every method): answered or closed with a code', async () => {
    let ws = await openWs();
    const codes = new Map<string, number>();
    const envelope = fc.record({ id: fc.oneof(fc.integer(), fc.jsonValue()), method: fc.oneof(fc.constantFrom(...METHOD_NAMES), fc.string()), params: fc.jsonValue({ maxDepth: 4 }) }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { weight: 4, arbitrary: envelope.map((e) => JSON.stringify(e)) },
          { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
          { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)) },
          { weight: 1, arbitrary: fc.integer({ min: MAX - 10, max: MAX + 10 }).map((n) => JSON.stringify({ id: 1, method: 'files.save', params: { name: 'a.svg', encoding: 'utf8', data: 'x'.repeat(Math.max(0, n - 70)) } })) },
        ),
        async (frame) => {
          if (ws.readyState !== ws.OPEN) ws = await openWs();
          const r = await exchange(ws, frame);
          if (r.close !== undefined) {
            codes.set(`close ${r.close}`, (codes.get(`close ${r.close}`) ?? 0) + 1);
            expect([1007, 1009]).toContain(r.close);
          } else {
            codes.set(r.msg!.ok ? 'ok' : 'error', (codes.get(r.msg!.ok ? 'ok' : 'error') ?? 0) + 1);
            if (!r.msg!.ok) {
              expect(r.msg!.error!.message.length).toBeGreaterThan(0);
              expect(r.msg!.error!.message.length).toBeLessThanOrEqual(600);
            }
          }
        },
      ),
      { numRuns: RUNS },
    );
    ws.close();
    console.log(`[fuzz] WebSocket ${RUNS} frames: ${[...codes].map(([k, v]) => `${k}×${v}`).join(', ')}`);
    await bystanderOk();
    await host.handlers.idle();
    expect(diffStates(before, treeState(base, data))).toEqual([]);
  });
});
