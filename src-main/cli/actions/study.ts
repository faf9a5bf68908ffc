/**
 * Study command bodies, loaded when `presets`, `run`, `resume`, `status` or `export` runs (flags and help in
 * ../commands/study.ts; h5wasm is loaded by `export` alone). All of them go through src-main/studies/service.ts (the desktop uses the same service).
 * Progress on stderr: a live bar (cli-progress) on a TTY, plain periodic lines otherwise; a summary at the end.
 * Ctrl-C cancels cleanly (finished tasks kept, running ones checkpointed; `resume DIR` finishes the study);
 * a second Ctrl-C exits at once (the folder stays consistent: every write is atomic).
 */
import cliProgress from 'cli-progress';
import type { StudyEvent } from '../../api/events.js';
import * as service from '../../studies/service.js';
import { parseShard } from '../../studies/shard.js';
import { printJson } from '../output.js';

interface RunFlags {
  out: string;
  workers?: number;
  checkpointSeconds?: number;
  json?: boolean;
}

/**
 * The progress of a study run on stderr. The total is the sum of each task's expected rows: the spec's count at the
 * start, then each task's own `total` from its progress events (an untilNess quench predicts its arrival from the
 * Liouvillian gap and the observed decay, NessEta in src-core/kerr/quench.ts, so its total is that prediction rather
 * than the t_max cap), and a finished task counts the rows it wrote (a run to the NESS stops at arrival).
 */
export function progressRenderer(label: string) {
  const tty = process.stderr.isTTY === true && !process.env.CI;
  let total = 0, samples = 0, tasksTotal = 0, tasksDone = 0, tasksFailed = 0;
  const t0 = Date.now();
  let lastLine = 0;
  const rowsDone = new Map<string, number>();
  const taskTotal = new Map<string, number>();
  const setTaskTotal = (id: string, n: number) => {
    total += n - (taskTotal.get(id) ?? 0);
    taskTotal.set(id, n);
  };
  const bar = tty
    ? new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format: `${label} [{bar}] {percentage}% | {value}/{total} rows | tasks {tasks} | {rate}/s | ETA {eta_formatted}`,
          etaBuffer: 200,
          hideCursor: true,
          clearOnComplete: false,
        },
        cliProgress.Presets.shades_classic,
      )
    : null;
  const payload = () => ({ tasks: `${tasksDone}/${tasksTotal}${tasksFailed ? ` (${tasksFailed} failed)` : ''}`, rate: (samples / Math.max(1e-3, (Date.now() - t0) / 1000)).toFixed(1) });
  const line = (force = false) => {
    const now = Date.now();
    if (!force && now - lastLine < 2000) return;
    lastLine = now;
    const el = (now - t0) / 1000;
    const rate = samples / Math.max(el, 1e-3);
    const eta = rate > 0 ? (total - samples) / rate : NaN;
    process.stderr.write(
      `${label}: ${samples}/${total} rows (${total ? ((100 * samples) / total).toFixed(1) : '0.0'}%), tasks ${tasksDone}/${tasksTotal}${tasksFailed ? ` (${tasksFailed} failed)` : ''}, ${rate.toFixed(1)} rows/s, ETA ${Number.isFinite(eta) ? eta.toFixed(0) + ' s' : '?'}\n`,
    );
  };
  return {
    onEvent(e: StudyEvent): void {
      switch (e.type) {
        case 'study-started':
          tasksTotal = e.tasks.length;
          for (const t of e.tasks) {
            setTaskTotal(t.id, t.samples ?? 0);
            if (t.state === 'done') {
              tasksDone++;
              samples += t.samples ?? 0;
              rowsDone.set(t.id, t.samples ?? 0);
            }
          }
          if (bar) bar.start(total, samples, payload());
          else line(true);
          break;
        case 'task-progress': {
          const prev = rowsDone.get(e.taskId) ?? 0;
          samples += e.done - prev;
          rowsDone.set(e.taskId, e.done);
          if (e.total > 0 && e.total !== taskTotal.get(e.taskId)) {
            setTaskTotal(e.taskId, Math.max(e.total, e.done));
            bar?.setTotal(total);
          }
          break;
        }
        case 'task-done':
          tasksDone++;
          if (rowsDone.has(e.taskId) && rowsDone.get(e.taskId) !== taskTotal.get(e.taskId)) {
            setTaskTotal(e.taskId, rowsDone.get(e.taskId)!);
            bar?.setTotal(total);
          }
          break;
        case 'task-failed':
          tasksFailed++;
          if (bar) bar.stop();
          process.stderr.write(`task ${e.taskId} failed: ${e.error}\n`);
          if (bar) bar.start(total, samples, payload());
          break;
        case 'study-done':
          if (bar) {
            bar.update(samples, payload());
            bar.stop();
          } else line(true);
          return;
        default:
          break;
      }
      if (bar) bar.update(samples, payload());
      else line();
    },
  };
}

/**
 * Finished tasks whose rows carry converged = 0 (e.g. a gap the engine could not certify): said after the summary,
 * so that a completed study never hides a number its engine flagged.
 */
function unconvergedRows(dir: string): string[] {
  const out: string[] = [];
  for (const t of service.status(dir).tasks) {
    if (t.state !== 'done') continue;
    const tab = service.readTaskTable(dir, t.id);
    const c = tab.columns.indexOf('converged');
    if (c < 0) continue;
    const bad = tab.rows.filter((r) => r[c] === 0).length;
    if (bad > 0) out.push(`${t.id}: ${bad} of ${tab.rows.length} rows not converged (column converged = 0 in tasks/${t.id}.csv)`);
  }
  return out;
}

async function drive(start: (onEvent: (e: StudyEvent) => void) => service.StudyHandle, label: string, json: boolean): Promise<void> {
  const r = progressRenderer(label);
  const handle = start((e) => r.onEvent(e));
  for (const n of handle.notes) process.stderr.write(`note: ${n}\n`);
  for (const d of handle.repairs)
    process.stderr.write(`${d.file} is damaged (${d.reason}): ${d.file.startsWith('tasks/') ? 'recomputing its task' : 'rewriting it from the task files'}\n`);
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      process.stderr.write('\ncancelling: finishing the current samples and saving checkpoints (Ctrl-C again to quit now)\n');
      handle.cancel();
    } else process.exit(130);
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    const s = await handle.done;
    const line = `${s.status}: ${s.done}/${s.total} tasks done, ${s.failed} failed, ${s.cancelled} not finished; ${s.seconds.toFixed(1)} s with ${s.workers} worker(s); peak memory ${(s.peakRss / 2 ** 20).toFixed(0)} MiB; folder ${s.dir}`;
    process.stderr.write(line + '\n');
    for (const [id, err] of Object.entries(s.errors)) process.stderr.write(`  failed ${id}: ${err}\n`);
    for (const w of unconvergedRows(s.dir)) process.stderr.write(`  warning: ${w}\n`);
    if (s.status === 'cancelled') process.stderr.write(`resume with: epstudio resume ${s.dir}\n`);
    if (json) printJson(s);
    process.exitCode = s.status === 'completed' ? 0 : s.status === 'cancelled' ? 130 : 1;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}

export function presets(): void {
  for (const p of service.listPresets()) process.stdout.write(`${p.name.padEnd(20)} ${p.summary}\n`);
}

export async function run(spec: string, o: RunFlags & { shard?: string }): Promise<void> {
  const shard = o.shard === undefined ? undefined : parseShard(o.shard);
  const label = shard ? `shard ${shard.index}/${shard.count}` : 'run';
  await drive((cb) => service.run(spec, o.out, { workers: o.workers, checkpointSeconds: o.checkpointSeconds, shard }, cb), label, o.json === true);
}

/** `finalize DIR`: the figure tables of a sharded study, once every task is done (else exit 1 naming those not done). */
export function finalize(dir: string): void {
  const r = service.finalize(dir);
  if (r.status === 'completed') process.stderr.write(`completed: figure tables written in ${dir}\n`);
  else {
    process.stderr.write(`incomplete: ${r.notDone.length} task(s) not done (${r.notDone.slice(0, 10).join(', ')}${r.notDone.length > 10 ? ', …' : ''}): run their shards again, or \`epstudio resume\` the folder\n`);
    process.exitCode = 1;
  }
}

export async function resume(dir: string, o: Omit<RunFlags, 'out'>): Promise<void> {
  await drive((cb) => service.resume(dir, { workers: o.workers, checkpointSeconds: o.checkpointSeconds }, cb), 'resume', o.json === true);
}

export function status(dir: string, o: { json?: boolean }): void {
  const s = service.status(dir);
  if (o.json) {
    printJson(s);
    return;
  }
  const c = s.counts;
  const who = s.owner ? ` by process ${s.owner.pid}${s.owner.otherHost ? ` on host ${JSON.stringify(s.owner.host.slice(0, 64))}` : ''} since ${s.owner.started}` : '';
  const dmg = s.damaged.length ? `, ${s.damaged.length} damaged` : '';
  process.stdout.write(`${s.name} (${s.studyId}): ${s.status}${who}; ${c.done} done, ${c.failed} failed, ${c.running + c.pending + c.cancelled} to do${dmg}, of ${s.tasks.length}\n`);
  for (const t of s.tasks) {
    const state = t.damaged ? 'damaged' : t.unverified ? 'done?' : t.state;
    const note = t.damaged ? `  damaged: ${t.damaged}` : t.error ? `  error: ${t.error}` : '';
    process.stdout.write(`  ${state.padEnd(9)} ${t.id.padEnd(28)} ${String(t.rows).padStart(6)}/${t.samples ?? '?'}  ${t.label}${note}\n`);
  }
  for (const d of s.damaged.filter((x) => !x.task)) process.stdout.write(`  damaged   ${d.file}: ${d.reason}\n`);
  const byShard = new Map<string, string[]>(); // a sharded run: who holds which task right now
  for (const c of s.claims) {
    const who = `${c.purpose ?? 'shard'} (process ${c.pid} on ${c.host.slice(0, 64)})`;
    byShard.set(who, [...(byShard.get(who) ?? []), c.task]);
  }
  for (const [who, tasks] of byShard) process.stdout.write(`  running   ${who}: ${tasks.join(', ')}\n`);
  if (s.damaged.length) process.stdout.write(`${s.damaged.length} damaged file(s): \`epstudio resume ${dir}\` recomputes them (byte-identical to an undisturbed run)\n`);
  if (s.unverified.length)
    process.stdout.write(
      `${s.unverified.length} file(s) have no recorded hash (a folder of an older version, or figures of an interrupted run; "done?" above): only their structure was checked; \`epstudio resume ${dir}\` records their hashes\n`,
    );
}

export async function exportH5(dir: string, o: { h5: string }): Promise<void> {
  // a damaged result is never exported: StudyDamagedError names each file (exit 1)
  let unverified: string[];
  try {
    ({ unverified } = service.checkExportable(dir));
  } catch (e) {
    throw e instanceof service.StudyDamagedError ? new Error(`export refused: ${e.message}`) : e;
  }
  if (unverified.length) process.stderr.write(`warning: ${unverified.length} file(s) have no recorded hash (${unverified.slice(0, 3).join(', ')}${unverified.length > 3 ? ', …' : ''}): exported as found\n`);
  // h5wasm compiles its WebAssembly on import (~1 s): loaded only by this command, so run/resume/status start fast
  const { exportStudyH5 } = await import('../../io/h5export.js');
  const r = await exportStudyH5(dir, o.h5);
  process.stderr.write(`wrote ${o.h5}: ${r.tasks} task group(s), ${r.datasets} dataset(s)\n`);
}
