/**
 * The one file writer of the project: readers (and a later resume after kill -9) see either the old or the new
 * content of a file, never a partial one, and a failed write leaves nothing behind and says why.
 *
 *   temporary file beside the target (created with O_EXCL, its name carries this process's pid, host and a random id)
 *   → write the whole buffer (write(2) may write less than asked: on a full disk it returns the part that fitted)
 *   → fsync the file → rename onto the target → fsync the folder (so the rename itself survives a power cut).
 *
 * On any error the temporary file is removed and a FileWriteError names the target and the cause (ENOSPC: "disk
 * full"). Temporary names let the one owner of a study folder recognise leftovers of dead processes
 * (see tempFileOwner) and never touch a live writer's file.
 */
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { QUOTE_MAX } from '../../src-core/validation.js';

/** What the causes mean to a user (errno codes of write, fsync, rename, mkdir). */
const CAUSES: Record<string, string> = {
  ENOSPC: 'disk full',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large for this file system',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'a folder is in the way',
  ENOTDIR: 'a file is in the way of a folder',
  ENOENT: 'folder does not exist',
  EIO: 'input/output error (disk or network file system)',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'name too long',
  EEXIST: 'a file of that name exists',
};

/** A path as error messages show it: whole when short, otherwise its end (the file name matters most). */
export function quotePath(p: string): string {
  return p.length <= QUOTE_MAX ? JSON.stringify(p) : JSON.stringify(`…${p.slice(p.length - QUOTE_MAX)}`);
}

/** A write that did not happen. The target keeps its previous content (or stays absent); no temporary file remains. */
export class FileWriteError extends Error {
  constructor(
    readonly path: string,
    /** errno code of the cause (ENOSPC, EISDIR, …) or 'EIO' for a write(2) that wrote nothing. */
    readonly code: string,
    cause: unknown,
  ) {
    const what = CAUSES[code];
    const detail = cause instanceof Error ? cause.message.replace(/, \w+ '.*'$/, '') : String(cause);
    super(`${what ?? 'cannot write'}: ${quotePath(path)} was not written (${what ? code : detail})`, { cause });
    this.name = 'FileWriteError';
  }
}

const errno = (e: unknown): string => ((e as NodeJS.ErrnoException)?.code as string | undefined) ?? 'EIO';

// node:crypto (with the stream modules it pulls in, ~5–10 ms) is loaded on the first write, not with this module: the
// CLI commands that print to stdout import the writer but never call it (cold start, issue 12).
const requireBuiltin = createRequire(import.meta.url);
let crypto: typeof import('node:crypto') | undefined;
const lazyCrypto = () => (crypto ??= requireBuiltin('node:crypto') as typeof import('node:crypto'));

/** Host names may hold any character; temporary names carry a short hex tag of it instead (sha256, first 8 digits). */
let hostTagMemo: string | undefined;
export function hostTag(): string {
  return (hostTagMemo ??= lazyCrypto().createHash('sha256').update(hostname()).digest('hex').slice(0, 8));
}

/** `.name.<pid>.<host tag>.<random>.tmp`, in the target's folder (rename is atomic only within one file system). */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${hostTag()}.${lazyCrypto().randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Who wrote a temporary file, from its name: pid and host tag (null for names that are not ours). Names of versions
 * before the host tag (`.name.<pid>.<ms>.tmp`) were only ever written locally: their host is this one.
 */
export function tempFileOwner(name: string): { pid: number; hostTag: string } | null {
  let m = /^\..+\.(\d+)\.([0-9a-f]{8})\.[0-9a-f]+\.tmp$/.exec(name);
  if (m) return { pid: Number(m[1]), hostTag: m[2] };
  m = /^\..+\.(\d+)\.\d{10,}\.tmp$/.exec(name);
  if (m) return { pid: Number(m[1]), hostTag: hostTag() };
  return null;
}

/** Folders cannot be fsynced on every platform or file system; these codes mean "not supported", not "failed". */
const DIR_FSYNC_UNSUPPORTED = new Set(['EINVAL', 'EISDIR', 'EPERM', 'EACCES', 'ENOTSUP', 'EOPNOTSUPP', 'EBADF']);

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  writeThenPublish(path, data, (tmp) => renameSync(tmp, path));
}

/**
 * Like writeFileAtomic, but never replaces an existing file: the complete temporary file is hard-linked to `path`
 * (link fails with EEXIST when the name is taken, atomically, on every POSIX file system and NTFS), then removed.
 * Throws a FileWriteError with code EEXIST when `path` exists; nothing is left behind either way.
 */
export function writeFileAtomicNoReplace(path: string, data: string | Uint8Array): void {
  writeThenPublish(path, data, (tmp) => {
    linkSync(tmp, path);
    try {
      unlinkSync(tmp);
    } catch {
      /* the file is in place; a leftover temporary name is its owner's to remove */
    }
  });
}

/** Temporary file, whole buffer, fsync, close; then `publish` moves it into place; then the folder is fsynced. */
function writeThenPublish(path: string, data: string | Uint8Array, publish: (tmp: string) => void): void {
  const dir = dirname(path);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new FileWriteError(path, errno(e), e);
  }
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const tmp = tempPathFor(path);
  let fd: number | undefined;
  let created = false;
  try {
    fd = openSync(tmp, 'wx'); // exclusive: never reuse (or clobber) another writer's temporary file
    created = true;
    for (let off = 0; off < buf.length; ) {
      const n = writeSync(fd, buf, off, buf.length - off);
      // write(2) returns 0 only when it cannot make progress; looping would spin forever
      if (!(n > 0)) throw Object.assign(new Error(`write returned ${n} at byte ${off} of ${buf.length}`), { code: 'EIO' });
      off += n;
    }
    fsyncSync(fd);
    const f = fd;
    fd = undefined; // closed once only: a second close could hit a descriptor another thread has opened meanwhile
    closeSync(f); // close can report a deferred write error (NFS): count it as a failed write
    publish(tmp);
    created = false;
  } catch (e) {
    if (fd !== undefined)
      try {
        closeSync(fd);
      } catch {
        /* the write error is the one to report */
      }
    if (created)
      try {
        unlinkSync(tmp);
      } catch {
        /* nothing more can be done; the name tells the folder's owner whose leftover it is */
      }
    throw new FileWriteError(path, errno(e), e);
  }
  let dfd: number | undefined;
  try {
    dfd = openSync(dir, 'r');
    fsyncSync(dfd);
  } catch (e) {
    // The new file is in place; an I/O error here means its rename may not survive a power cut: say so.
    if (!DIR_FSYNC_UNSUPPORTED.has(errno(e))) throw new FileWriteError(path, errno(e), e);
  } finally {
    if (dfd !== undefined)
      try {
        closeSync(dfd);
      } catch {
        /* read-only descriptor */
      }
  }
}
