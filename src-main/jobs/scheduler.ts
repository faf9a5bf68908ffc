/**
 * Priority scheduler over the pool: at most `pool.size` jobs are handed to the library at a time, so the choice of
 * the next job stays here (propagation, the critical path of a trajectory, goes before the observables of finished
 * samples; earlier tasks before later ones) and cancel can drop everything still queued.
 */
import type { Job } from '../../workers/protocol.js';
import { JobError, WorkerPool, type RunOptions } from './pool.js';

/** Lower runs first. */
export const PRIORITY = Object.freeze({ plan: 0, propagate: 1, observables: 2, points: 3 });

interface Queued {
  job: Job;
  priority: number;
  /** Secondary key: the task's start order (earlier tasks first), then submission order. */
  order: number;
  seq: number;
  tag?: string;
  opts: RunOptions;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export class Scheduler {
  private readonly queue: Queued[] = [];
  private running = 0;
  private seq = 0;
  private isCancelled = false;
  /** Wall time the workers spent on jobs (s), in total and per tag (the task id), for the summary and the bench. */
  busySeconds = 0;
  readonly busyByTag = new Map<string, number>();

  constructor(readonly pool: WorkerPool) {}

  get cancelled(): boolean {
    return this.isCancelled;
  }

  submit<T>(job: Job, priority: number, order: number, opts: RunOptions = {}, tag?: string): Promise<T> {
    if (this.isCancelled) return Promise.reject(new JobError('cancelled', true));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ job, priority, order, seq: this.seq++, opts, tag, resolve: resolve as (v: unknown) => void, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.pool.size && this.queue.length > 0) {
      let best = 0;
      for (let i = 1; i < this.queue.length; i++) {
        const a = this.queue[i], b = this.queue[best];
        if (a.priority < b.priority || (a.priority === b.priority && (a.order < b.order || (a.order === b.order && a.seq < b.seq)))) best = i;
      }
      const q = this.queue.splice(best, 1)[0];
      this.running++;
      const t0 = performance.now();
      this.pool
        .run(q.job, q.opts)
        .then(q.resolve, q.reject)
        .finally(() => {
          const dt = (performance.now() - t0) / 1000;
          this.busySeconds += dt;
          if (q.tag !== undefined) this.busyByTag.set(q.tag, (this.busyByTag.get(q.tag) ?? 0) + dt);
          this.running--;
          this.pump();
        });
    }
  }

  /** Drop queued jobs (they reject as cancelled) and ask running ones to stop. */
  cancel(): void {
    if (this.isCancelled) return;
    this.isCancelled = true;
    this.pool.cancel();
    for (const q of this.queue.splice(0)) q.reject(new JobError('cancelled', true));
  }
}
