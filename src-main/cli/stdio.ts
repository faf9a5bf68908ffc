/**
 * stdout and stderr for the CLI's results and progress lines. In the process the launcher starts (bin/epstudio.cjs
 * calls directStdio()), each text is written with write(2) (fs.writeSync) instead of through process.stdout or
 * process.stderr: creating those streams loads Node's stream modules (and net for a pipe or a terminal), ~5 ms of CPU
 * and ~10 ms of wall time per process that bare node does not pay (cold start, issue 12). Elsewhere (tests that run
 * commands in-process and capture process.stdout.write, the Electron main) the streams are used, as before.
 *
 * The bytes are the same UTF-8 the streams write. Whatever the synchronous write cannot do (EAGAIN on a descriptor
 * left non-blocking by another process, EPIPE, any error) goes to the stream with the rest of the text, which then
 * behaves exactly as before; from then on that stream is used for the whole process, so the order stays. Never on
 * Windows (a console needs the stream's UTF-16 conversion).
 */
import { writeSync } from 'node:fs';

/** Per descriptor (index 1, 2): write directly. */
const direct = [false, false, false];

/** Called by the launcher, before main(). */
export function directStdio(): void {
  if (process.platform === 'win32') return;
  direct[1] = direct[2] = true;
}

function write(fd: 1 | 2, text: string): void {
  const stream = () => (fd === 1 ? process.stdout : process.stderr);
  if (!direct[fd]) {
    stream().write(text);
    return;
  }
  const buf = Buffer.from(text, 'utf8');
  let off = 0;
  try {
    while (off < buf.length) {
      const n = writeSync(fd, buf, off, buf.length - off);
      if (!(n > 0)) throw new Error('no progress');
      off += n;
    }
  } catch {
    direct[fd] = false;
    stream().write(buf.subarray(off));
  }
}

/** Text on stdout. */
export const writeOut = (text: string): void => write(1, text);
/** Text on stderr. */
export const writeErr = (text: string): void => write(2, text);
