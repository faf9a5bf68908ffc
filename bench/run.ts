/**
 * `npm run bench`: runs every bench section, prints a table and writes bench/report.json.
 * Sections are listed in SECTIONS; `npm run bench -- kerr spectrum` runs only the named ones.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT, VERSION } from '../src-main/version.js';
import type { BenchSection } from './types.js';
import { run as phaseSpace } from './phaseSpace.js';
import { run as kerr } from './kerr.js';
import { run as studies } from './studies.js';
import { run as gaussian } from './gaussian.js';
import { run as spectrum } from './spectrum.js';
import { run as desktop } from './desktop.js';

type Section = { name: string; run: () => Promise<BenchSection> };
const SECTIONS: Section[] = [
  { name: 'phaseSpace', run: phaseSpace },
  { name: 'kerr', run: kerr },
  { name: 'studies', run: studies },
  { name: 'gaussian', run: gaussian },
  { name: 'spectrum', run: spectrum },
  { name: 'desktop', run: desktop },
];

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const chosen = only.length ? SECTIONS.filter((s) => only.includes(s.name)) : SECTIONS;
  const report: BenchSection[] = [];
  for (const s of chosen) {
    process.stderr.write(`[bench] ${s.name} …\n`);
    const sec = await s.run();
    report.push(sec);
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
  const out = join(PROJECT_ROOT, 'bench', 'report.json');
  writeFileSync(out, JSON.stringify({ version: VERSION, date: new Date().toISOString(), sections: report }, null, 2));
  console.log(`\nreport written to ${out}`);
}

await main();
