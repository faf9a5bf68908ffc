import { closeSync, fsyncSync, linkSync, openSync, renameSync, writeSync, unlinkSync, mkdirSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';

/**
 * Write a file so that readers (and a later resume after kill -9) see either the old or the new content,
 * never a partial one: temporary file in the same folder, fsync, rename, fsync the folder.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
  try {
    const dfd = openSync(dir, 'r');
    fsyncSync(dfd);
    closeSync(dfd);
  } catch {
    /* directories cannot be fsynced on every platform */
  }
}

/**
 * Like writeFileAtomic, but never replaces an existing file: the complete temporary file is hard-linked to `path`
 * (link fails with EEXIST when the name is taken, atomically, on every POSIX file system and NTFS), then removed.
 * Throws the EEXIST error when `path` exists; nothing is left behind either way.
 */
export function writeFileAtomicNoReplace(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const fd = openSync(tmp, 'wx');
  let open = true;
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fsyncSync(fd);
    closeSync(fd);
    open = false;
    linkSync(tmp, path);
  } finally {
    // Close once only: a second close could hit a descriptor another thread has opened meanwhile.
    if (open) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
  }
  try {
    const dfd = openSync(dir, 'r');
    fsyncSync(dfd);
    closeSync(dfd);
  } catch {
    /* directories cannot be fsynced on every platform */
  }
}
