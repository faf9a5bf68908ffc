#!/usr/bin/env node
'use strict';
// The command line (package.json "bin"). CommonJS on purpose (issue 12, cold start): require() loads the CommonJS
// chunks of dist/cli (scripts/build-cli.mjs, one per command plus shared ones) synchronously, without starting Node's
// ESM loader, which costs ~10 ms more per process (bin/epstudio.mjs, kept for `node bin/epstudio.mjs …`, forwards
// here). When only tsc has run (no dist/cli), the tsc tree dist/src-main/cli.js (ESM) is the fallback.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const Module = require('node:module');

/**
 * Once the command is done, exit at once if nothing is left to run: an ordinary exit first waits for V8's background
 * tasks (optimising compiles queued by the last computation) and tears the heap down, ~5–15 ms of wall time and up to
 * ~30 ms of CPU after a long computation (issue 12). Anything still pending (a timer, a worker, a child process, output
 * not yet written) keeps the ordinary exit. 'exit' listeners run either way; the status is process.exitCode.
 */
function exitWhenIdle() {
  // A stdout/stderr pipe or terminal is a PipeWrap/TTYWrap handle; a write still in flight on it is a WriteWrap
  // request, so it keeps the ordinary exit (process.stdout is not touched here: that would create the stream).
  if (process.getActiveResourcesInfo().every((r) => r === 'PipeWrap' || r === 'TTYWrap')) process.exit();
}

const root = join(__dirname, '..');
const bundle = join(root, 'dist', 'cli', 'cli.cjs');
if (existsSync(bundle)) {
  // The chunks require one another as "./<name>.cjs", all in the folder of the entry: resolve those at once. Node's
  // resolution stats and realpaths each file and reads package scopes, ~0.2 ms a file before the JIT warms up, 20–35
  // files per command. Anything else (packages, builtins) goes to Node's resolver.
  const entry = require.resolve(bundle);
  const dir = entry.slice(0, entry.length - 'cli.cjs'.length);
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function (request, parent, ...rest) {
    if (parent?.filename?.startsWith(dir) && request.startsWith('./') && request.endsWith('.cjs') && !request.includes('/', 2)) return dir + request.slice(2);
    return resolveFilename.call(this, request, parent, ...rest);
  };
  const cli = require(entry);
  cli.directStdio(); // results and progress by write(2), without creating process.stdout/stderr (src-main/cli/stdio.ts)
  // setImmediate: errors the streams report on the next tick (EPIPE, ENOSPC on stdout) surface first, as before
  cli.main(process.argv).then(() => setImmediate(exitWhenIdle));
} else {
  const entry = join(root, 'dist', 'src-main', 'cli.js');
  if (!existsSync(entry)) {
    process.stderr.write(`epstudio: not built yet (${entry} missing). Run \`npm run build\` in ${root}.\n`);
    process.exit(1);
  }
  import(require('node:url').pathToFileURL(entry).href).then((m) => m.main(process.argv));
}
