#!/usr/bin/env node
// `node bin/epstudio.mjs …` (tests, scripts, older docs) runs the launcher bin/epstudio.cjs, the package's "bin"
// (CommonJS: no ESM loader at start, cold start, issue 12). This file itself costs the ESM loader once (~10 ms).
import { createRequire } from 'node:module';

createRequire(import.meta.url)('./epstudio.cjs');
