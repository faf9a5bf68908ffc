/**
 * A real single-node Slurm cluster for the integration test (issue 13): munged, slurmctld and slurmd started as root
 * with every state, spool, log, pid and socket path inside one temporary folder, and stopped by pid at the end.
 * Where that cannot work (not root, packages missing, daemons do not come up) `startSlurm` returns the reason and the
 * test skips saying it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, cpus } from 'node:os';
import { join } from 'node:path';

export interface SlurmCluster {
  dir: string;
  /** Environment for sbatch/squeue/epstudio slurm: SLURM_CONF pointing at this cluster's configuration. */
  env: NodeJS.ProcessEnv;
  stop(): void;
}

const BINARIES = ['munged', 'mungekey', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'sinfo'];

function which(cmd: string): string | null {
  for (const d of ['/usr/sbin', '/usr/bin', '/sbin', '/bin', '/usr/local/sbin', '/usr/local/bin']) if (existsSync(join(d, cmd))) return join(d, cmd);
  return null;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8')); // a zombie has exited
  } catch {
    return false;
  }
}

/** SIGTERM the daemon named in a pid file and wait (≤ 10 s) until it has exited, so its folder can be removed. */
function killPidFile(file: string): void {
  let pid = 0;
  try {
    pid = Number(readFileSync(file, 'utf8').trim());
    if (pid > 1) process.kill(pid, 'SIGTERM');
  } catch {
    return; /* not running */
  }
  for (let i = 0; i < 100 && alive(pid); i++) sleep(100);
}

export function startSlurm(dir: string): SlurmCluster | { skip: string } {
  if (process.getuid?.() !== 0) return { skip: 'not root: a test cluster needs munged and slurmd as root' };
  const missing = BINARIES.filter((b) => !which(b));
  if (missing.length) return { skip: `Slurm/munge not installed (missing ${missing.join(', ')}; Debian: apt-get install slurmctld slurmd slurm-client munge)` };
  for (const d of ['state', 'spool', 'log', 'munge']) mkdirSync(join(dir, d), { recursive: true });
  const host = hostname().split('.')[0];
  const sock = join(dir, 'munge', 'munge.socket');
  const key = join(dir, 'munge', 'munge.key');
  // Ports away from Slurm's defaults, so a system cluster (or a stale test one) does not answer for us.
  const base = 20000 + Math.floor(Math.random() * 20000);
  const conf = join(dir, 'slurm.conf');
  writeFileSync(
    conf,
    [
      'ClusterName=epstest',
      `SlurmctldHost=${host}`,
      'SlurmUser=root',
      'SlurmdUser=root',
      'AuthType=auth/munge',
      `AuthInfo=socket=${sock}`,
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'JobAcctGatherType=jobacct_gather/none',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_Core',
      'ReturnToService=2',
      `SlurmctldPort=${base}`,
      `SlurmdPort=${base + 1}`,
      `StateSaveLocation=${join(dir, 'state')}`,
      `SlurmdSpoolDir=${join(dir, 'spool')}`,
      `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
      `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
      `SlurmctldLogFile=${join(dir, 'log', 'slurmctld.log')}`,
      `SlurmdLogFile=${join(dir, 'log', 'slurmd.log')}`,
      `NodeName=${host} CPUs=${cpus().length} State=UNKNOWN`,
      `PartitionName=test Nodes=${host} Default=YES MaxTime=INFINITE State=UP`,
      '',
    ].join('\n'),
  );
  const env = { ...process.env, SLURM_CONF: conf };
  const pidFiles = [join(dir, 'slurmd.pid'), join(dir, 'slurmctld.pid'), join(dir, 'munge', 'munged.pid')];
  const stop = () => pidFiles.forEach(killPidFile);
  const fail = (what: string): { skip: string } => {
    const logs = ['slurmctld.log', 'slurmd.log'].map((f) => join(dir, 'log', f)).filter(existsSync);
    const tail = logs.map((f) => readFileSync(f, 'utf8').trim().split('\n').slice(-3).join(' | ')).join(' || ');
    stop();
    return { skip: `${what}${tail ? ` (log: ${tail.slice(0, 400)})` : ''}` };
  };
  try {
    execFileSync(which('mungekey')!, ['--create', '--keyfile', key, '--force'], { stdio: 'pipe' });
    execFileSync(which('munged')!, ['--force', `--socket=${sock}`, `--key-file=${key}`, `--pid-file=${pidFiles[2]}`, `--log-file=${join(dir, 'munge', 'munged.log')}`, `--seed-file=${join(dir, 'munge', 'seed')}`], { stdio: 'pipe' });
    execFileSync(which('slurmctld')!, ['-f', conf], { stdio: 'pipe', env });
    execFileSync(which('slurmd')!, ['-f', conf], { stdio: 'pipe', env });
  } catch (e) {
    return fail(`Slurm daemons did not start: ${(e as Error).message.split('\n')[0]}`);
  }
  for (let i = 0; i < 60; i++) {
    const r = spawnSync(which('sinfo')!, ['-h', '-o', '%T'], { env, encoding: 'utf8' });
    if (r.status === 0 && /idle|mixed|alloc/.test(r.stdout)) return { dir, env, stop };
    sleep(500);
  }
  return fail('the Slurm node did not become idle within 30 s');
}

/** Wait until the queue holds none of `jobIds` (or the timeout passes); returns whether it emptied. */
export function waitForJobs(env: NodeJS.ProcessEnv, jobIds: string[], timeoutMs: number): boolean {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    const r = spawnSync(which('squeue')!, ['-h', '-j', jobIds.join(','), '-o', '%i %T'], { env, encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim() === '') return true;
    // squeue exits non-zero for job ids it no longer knows about: also gone.
    if (r.status !== 0 && /Invalid job id/i.test(r.stderr)) return true;
    sleep(500);
  }
  return false;
}
