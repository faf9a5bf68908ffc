/**
 * Issue 13: a study run as shards (`run --shard i/n`, separate processes on one folder) gives result files
 * byte-identical to a local run; per-task claims keep two processes off the same task; a dead process's claim is
 * taken over; a real single-node Slurm cluster runs the demo as a 3-task array (skipped, saying why, where Slurm
 * cannot start).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../src-main/version.js';
import { startSlurm, waitForJobs, type SlurmCluster } from '../../support/slurmCluster.js';
import { expectSameFiles, FAST_SPEC, resultFiles } from './helpers.js';

const BIN = join(PROJECT_ROOT, 'bin', 'epstudio.mjs');
const cli = (args: string[], env: NodeJS.ProcessEnv = process.env) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env, timeout: 240_000 });
const cliAsync = (args: string[]) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((res) => {
    const p = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (status) => res({ status, stdout, stderr }));
  });

let root: string;
let spec: string;
let local: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'epstudio-shard-'));
  spec = join(root, 'fast.json');
  writeFileSync(spec, JSON.stringify(FAST_SPEC));
  local = join(root, 'local');
  const r = cli(['run', spec, '--out', local, '--workers', '1']);
  expect(r.status, r.stderr).toBe(0);
}, 300_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('sharded runs', () => {
  it('two shards started together, on one folder, equal the local run byte for byte; the last one finalizes', async () => {
    const dir = join(root, 'two');
    const [a, b] = await Promise.all([cliAsync(['run', spec, '--out', dir, '--shard', '0/2', '--workers', '1', '--json']), cliAsync(['run', spec, '--out', dir, '--shard', '1/2', '--workers', '1', '--json'])]);
    expect(a.status, a.stderr).toBe(0);
    expect(b.status, b.stderr).toBe(0);
    const sa = JSON.parse(a.stdout), sb = JSON.parse(b.stdout);
    expect(sa.shard.tasks + sb.shard.tasks).toBe(4); // FAST_SPEC: 2 quenches, 1 NESS sweep, 1 Gaussian sweep
    expect([sa.shard.finalized, sb.shard.finalized].filter(Boolean).length).toBeGreaterThanOrEqual(1);
    expect(expectSameFiles(resultFiles(local), resultFiles(dir))).toEqual([]);
    const st = JSON.parse(cli(['status', dir, '--json']).stdout);
    expect(st.status).toBe('completed');
    expect(st.claims).toEqual([]);
  }, 300_000);

  it('the same shard run twice at once: each task runs once (the other process finds it claimed), files identical', async () => {
    const dir = join(root, 'twice');
    const [a, b] = await Promise.all([cliAsync(['run', spec, '--out', dir, '--shard', '0/1', '--workers', '1', '--json']), cliAsync(['run', spec, '--out', dir, '--shard', '0/1', '--workers', '1', '--json'])]);
    expect(a.status, a.stderr).toBe(0);
    expect(b.status, b.stderr).toBe(0);
    // Each task was run by exactly one of them: the one that did not run it either found it claimed or already done.
    const ran = (s: { taskSeconds: Record<string, number> }) => Object.keys(s.taskSeconds);
    const ra = ran(JSON.parse(a.stdout)), rb = ran(JSON.parse(b.stdout));
    expect(ra.filter((id) => rb.includes(id))).toEqual([]);
    expect(expectSameFiles(resultFiles(local), resultFiles(dir))).toEqual([]);
  }, 300_000);

  it('a claim left by a dead process is taken over; a live claim keeps the task from an unsharded resume', () => {
    const dir = join(root, 'dead');
    let r = cli(['run', spec, '--out', dir, '--shard', '0/2', '--workers', '1']);
    expect(r.status, r.stderr).toBe(0);
    // a claim of a process that is gone (pid far above pid_max on this host): stale, taken over by shard 1
    const ids = JSON.parse(cli(['status', dir, '--json']).stdout).tasks.filter((t: { state: string }) => t.state !== 'done').map((t: { id: string }) => t.id);
    expect(ids.length).toBeGreaterThan(0);
    writeFileSync(join(dir, 'claims', `${ids[0]}.lock`), JSON.stringify({ pid: 4_194_999, host: hostname(), started: new Date().toISOString(), token: 'dead', purpose: 'shard 1/2' }));
    // a live claim (this test process) on another task blocks an unsharded resume, naming the holder
    const live = join(dir, 'claims', 'other-task.lock');
    writeFileSync(live, JSON.stringify({ pid: process.pid, host: hostname(), started: new Date().toISOString(), token: 'live', purpose: 'shard 9/9' }));
    r = cli(['resume', dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/shard 9\/9/);
    rmSync(live);
    r = cli(['run', spec, '--out', dir, '--shard', '1/2', '--workers', '1', '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).shard.claimedElsewhere).toBe(0);
    expect(expectSameFiles(resultFiles(local), resultFiles(dir))).toEqual([]);
  }, 300_000);

  it('refuses a folder holding another study, and a bad --shard, naming the flag', () => {
    const other = join(root, 'other.json');
    writeFileSync(other, JSON.stringify({ ...FAST_SPEC, name: 'other' }));
    let r = cli(['run', other, '--out', local, '--shard', '0/2']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--out: .*same study/);
    r = cli(['run', spec, '--out', join(root, 'x'), '--shard', '2/2']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--shard/);
    expect(existsSync(join(root, 'x'))).toBe(false);
  });
});

describe('Slurm (a real single-node cluster)', () => {
  let cluster: SlurmCluster | { skip: string };
  beforeAll(() => {
    cluster = startSlurm(mkdtempSync(join(tmpdir(), 'epstudio-slurm-')));
    if ('skip' in cluster) console.log(`[slurm] skipped: ${cluster.skip}`);
  }, 60_000);
  afterAll(() => {
    if (!('skip' in cluster)) {
      cluster.stop();
      rmSync(cluster.dir, { recursive: true, force: true });
    }
  });

  it('the demo study as a 3-task array (epstudio slurm --submit) equals the local run byte for byte', (ctx) => {
    if ('skip' in cluster) return ctx.skip();
    const demoLocal = join(root, 'demo-local');
    const l = cli(['run', 'kerr-quench-demo', '--out', demoLocal, '--workers', '1']);
    expect(l.status, l.stderr).toBe(0);
    const dir = join(root, 'slurm-demo');
    const r = cli(['slurm', 'kerr-quench-demo', '--out', dir, '--array', '3', '--submit', '--json'], cluster.env);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.jobs.array).toMatch(/^\d+$/);
    expect(readFileSync(join(dir, 'slurm', 'run.sbatch'), 'utf8')).toMatch(/--shard "\$SLURM_ARRAY_TASK_ID\/\$SLURM_ARRAY_TASK_COUNT"/);
    expect(waitForJobs(cluster.env, [out.jobs.array, out.jobs.finalize], 240_000)).toBe(true);
    const st = JSON.parse(cli(['status', dir, '--json']).stdout);
    expect(st.status, readLogs(dir)).toBe('completed');
    expect(expectSameFiles(resultFiles(demoLocal), resultFiles(dir))).toEqual([]);
  }, 300_000);
});

function readLogs(dir: string): string {
  const d = join(dir, 'slurm', 'logs');
  if (!existsSync(d)) return 'no logs';
  return spawnSync('sh', ['-c', `tail -n 5 ${JSON.stringify(d)}/*`], { encoding: 'utf8' }).stdout;
}
