// A small tmpfs for disk-full tests, where this process may mount one (root on Linux); otherwise the reason why not.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Tmpfs {
  dir: string;
  unmount(): void;
}

export function mountTmpfs(size: string): Tmpfs | { skip: string } {
  if (process.platform !== 'linux') return { skip: `tmpfs needs Linux (this is ${process.platform})` };
  if (process.getuid?.() !== 0) return { skip: 'mounting a tmpfs needs root (this test runs as another user)' };
  const dir = mkdtempSync(join(tmpdir(), 'epstudio-tmpfs-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return { skip: `mount -t tmpfs not permitted here: ${(r.stderr || r.error?.message || '').trim()}` };
  }
  return {
    dir,
    unmount() {
      spawnSync('umount', ['-l', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
