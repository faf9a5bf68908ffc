/**
 * electron-builder configuration (`npm run dist`; needs Electron's zip, so it runs where that can be downloaded, not in
 * CI here). Linux AppImage + deb, macOS dmg, Windows nsis. The app is the compiled dist/ tree; worker threads are
 * started from files on disk, which a packed asar cannot provide, so dist/workers (and the engine they import) are
 * unpacked next to the archive (asarUnpack): Electron redirects those paths to app.asar.unpacked.
 */
import type { Configuration } from 'electron-builder';

const config: Configuration = {
  appId: 'org.epstudio.app',
  productName: 'EP Studio',
  copyright: 'MIT licensed',
  directories: { output: 'out', buildResources: 'build' },
  // Only what runs: the compiled main side, workers, engine, renderer bundle, the CLI launcher and package.json.
  files: [
    'package.json',
    'bin/**',
    'dist/src-main/**/*.js',
    'dist/src-main/**/*.cjs',
    'dist/src-core/**/*.js',
    'dist/workers/**/*.js',
    'dist/workers/**/*.cjs',
    'dist/renderer/**',
    '!dist/**/*.map',
    '!**/*.ts',
  ],
  asar: true,
  // Workers (node-worker-threads-pool → worker_threads) need real files; they import the engine and its three
  // pure-JS packages, so those are unpacked too (the pool must start dist/workers from app.asar.unpacked).
  // Worker threads load from disk, not from the archive: the worker, the engine it imports, their npm dependencies
  // (ml-matrix pulls in is-any-array and the ml-array-* helpers) and package.json ("type": "module" for dist/*.js).
  asarUnpack: [
    'package.json',
    'dist/workers/**',
    'dist/src-core/**',
    'node_modules/fft.js/**',
    'node_modules/ml-*/**',
    'node_modules/is-any-array/**',
  ],
  extraMetadata: { main: 'dist/src-main/electron/main.js' },
  // Electron fuses, flipped in the packaged binary (Electron's security checklist, item "Use fuses"). The app needs
  // none of what they switch off: workers are worker_threads (no process.fork, so no ELECTRON_RUN_AS_NODE), the window
  // is served from app:// (no file:// page), and nobody should attach an inspector or inject NODE_OPTIONS into a
  // shipped build. Asar integrity + only-load-from-asar: the app's code comes from the validated archive alone (the
  // unpacked worker files are read by worker_threads, which these fuses do not cover).
  electronFuses: {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    loadBrowserProcessSpecificV8Snapshot: false,
    grantFileProtocolExtraPrivileges: false,
  },
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Science',
    synopsis: 'Entropy production of driven-dissipative bosonic systems',
  },
  deb: { depends: ['libnss3', 'libgtk-3-0'] },
  mac: { target: ['dmg'], category: 'public.app-category.education' },
  dmg: { title: 'EP Studio ${version}' },
  win: { target: ['nsis'] },
  nsis: { oneClick: false, allowToChangeInstallationDirectory: true, perMachine: false },
};

export default config;
