/**
 * The worker-thread pool: the only module that imports node-worker-threads-pool.
 *
 * That library resolves a task with the worker's *first* message, so a worker posts exactly one reply per job and
 * sends progress over a MessageChannel port given with the job. Its task-timeout option has a published advisory:
 * it is never used here. A worker that throws (or dies) rejects only its own job with a JobError.
 */
import { availableParallelism } from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import { StaticPool } from 'node-worker-threads-pool';
import type { Job, JobEnvelope, JobReply, WorkerInit } from '../../workers/protocol.js';
import { synchronousWorkerCompilation, workerScript } from './workerFiles.js';

export { synchronousWorkerCompilation, unpackedPath, workerScript } from './workerFiles.js';

export const WORKER_SCRIPT = workerScript('studyWorker');

export class JobError extends Error {
  constructor(message: string, readonly cancelled = false) {
    super(message);
    this.name = cancelled ? 'CancelledError' : 'JobError';
  }
}

export interface RunOptions {
  /** Buffers moved to the worker (their owners here become detached). */
  transfer?: ArrayBuffer[];
  onProgress?: (p: { done: number; total: number }) => void;
}

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

export class WorkerPool {
  readonly size: number;
  private readonly pool: StaticPool<(e: JobEnvelope) => JobReply>;
  private readonly cancelFlag: Int32Array;
  private destroyed = false;

  constructor(size = defaultWorkers(), script = WORKER_SCRIPT) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`pool size must be an integer ≥ 1 (got ${size})`);
    this.size = size;
    const sab = new SharedArrayBuffer(4);
    this.cancelFlag = new Int32Array(sab);
    const init: WorkerInit = { cancel: sab };
    synchronousWorkerCompilation();
    this.pool = new StaticPool({ size, task: script, workerData: init });
  }

  /** Run one job on an idle worker (the library queues it otherwise). Rejects with JobError on a worker error. */
  async run<T>(job: Job, opts: RunOptions = {}): Promise<T> {
    if (this.destroyed) throw new JobError('pool destroyed', true);
    let channel: MessageChannel | undefined;
    const envelope: JobEnvelope = { job };
    const transfer: (ArrayBuffer | import('node:worker_threads').MessagePort)[] = [...(opts.transfer ?? [])];
    if (opts.onProgress) {
      channel = new MessageChannel();
      const cb = opts.onProgress;
      channel.port1.on('message', (m: { done: number; total: number }) => cb(m));
      // The worker closes its end after its last progress message (before replying), which closes ours: closing it
      // here on the reply could drop progress still in flight (the two channels are not ordered). unref: an
      // orphaned port (worker crashed) must not keep the process alive.
      channel.port1.unref();
      envelope.port = channel.port2;
      transfer.push(channel.port2);
    }
    try {
      const exec = this.pool.createExecutor().setTransferList(transfer as never);
      const reply = (await exec.exec(envelope)) as JobReply<T>;
      if (!reply.ok) throw new JobError(reply.error, reply.cancelled === true);
      return reply.value;
    } catch (e) {
      if (e instanceof JobError) throw e;
      throw new JobError(`worker crashed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Ask running jobs to stop at their next sample (they reply with a cancelled error). */
  cancel(): void {
    Atomics.store(this.cancelFlag, 0, 1);
  }

  get cancelled(): boolean {
    return Atomics.load(this.cancelFlag, 0) !== 0;
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    await this.pool.destroy();
  }
}
