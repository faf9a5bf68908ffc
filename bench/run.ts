/**
 * `npm run bench`: runs every bench section, prints a table and writes bench/report.json.
 * Sections are listed in SECTIONS; `npm run bench -- kerr spectrum` runs only the named ones (in this process);
 * with none named, each section runs in its own child process (see main).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROJECT_ROOT, VERSION } from '../src-main/version.js';
import type { BenchSection } from './types.js';
import { run as phaseSpace } from './phaseSpace.js';
import { run as kerr } from './kerr.js';
import { run as studies } from './studies.js';
import { run as gaussian } from './gaussian.js';
import { run as spectrum } from './spectrum.js';
import { run as desktop } from './desktop.js';
import { run as coldStart } from './coldStart.js';
import { run as cluster } from './cluster.js';
import { run as quenchSpeed } from './quenchSpeed.js';
import { run as quenchExtended } from './quenchExtended.js';
import { run as model } from './model.js';
import { run as lab } from './lab.js';
import { run as kernels } from './kernels.js';

type Section = { name: string; run: () => Promise<BenchSection> };
const SECTIONS: Section[] = [
  { name: 'phaseSpace', run: phaseSpace },
  { name: 'kerr', run: kerr },
  { name: 'gaussian', run: gaussian },
  { name: 'spectrum', run: spectrum },
  { name: 'studies', run: studies },
  { name: 'desktop', run: desktop },
  { name: 'coldStart', run: coldStart },
  { name: 'cluster', run: cluster },
  { name: 'quench-speed', run: quenchSpeed },
  { name: 'quench-extended', run: quenchExtended },
  { name: 'model', run: () => model() },
  { name: 'lab', run: lab },
  { name: 'kernels', run: kernels },
];

function printSection(sec: BenchSection): void {
  console.log(`\n## ${sec.title}`);
  console.table(
    sec.rows.map((r) => ({
      name: r.name,
      value: +r.value.toPrecision(4),
      unit: r.unit,
      baseline: r.baseline === undefined ? '' : +r.baseline.toPrecision(4),
      ratio: r.ratio === undefined ? '' : +r.ratio.toPrecision(3),
      target: r.target ?? '',
      note: r.note ?? '',
    })),
  );
}

/**
 * With no section named, every section runs in a fresh child process (the same script with its name), so that none
 * is measured in a process that an earlier one has loaded: in one process, the spectrum section after `studies` ran
 * ~1.5× slower and the pool sweep after `spectrum` ~15 % slower. A child writes its section to EPSTUDIO_BENCH_OUT.
 */
async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const report: BenchSection[] = [];
  if (only.length === 0) {
    const dir = mkdtempSync(join(tmpdir(), 'epstudio-bench-'));
    try {
      for (const s of SECTIONS) {
        const out = join(dir, `${s.name}.json`);
        const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), s.name], {
          stdio: 'inherit',
          env: { ...process.env, EPSTUDIO_BENCH_OUT: out },
        });
        if (r.status !== 0) {
          report.push({ title: `${s.name} (FAILED: exit ${r.status})`, rows: [] });
          continue;
        }
        report.push(JSON.parse(readFileSync(out, 'utf8')) as BenchSection);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else {
    for (const s of SECTIONS.filter((x) => only.includes(x.name))) {
      process.stderr.write(`[bench] ${s.name} …\n`);
      const sec = await s.run();
      report.push(sec);
      printSection(sec);
    }
    if (process.env.EPSTUDIO_BENCH_OUT) {
      writeFileSync(process.env.EPSTUDIO_BENCH_OUT, JSON.stringify(report[0]));
      return;
    }
  }
  const out = join(PROJECT_ROOT, 'bench', 'report.json');
  writeFileSync(out, JSON.stringify({ version: VERSION, date: new Date().toISOString(), sections: report }, null, 2));
  console.log(`\nreport written to ${out}`);
}

await main();
