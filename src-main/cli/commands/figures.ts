/**
 * `epstudio figures STUDY --out DIR [--format svg,pdf,png] [--figures fig4,fig5] [--force]`: the seed's figures of a
 * finished (or partly finished) study as paper-ready files, rendered headless by the same engine as the window's
 * "Export figure set" (src-main/figures/). The figure code is imported when the command runs, so `--help` stays fast.
 */
import type { Command } from 'commander';
import { ParameterError } from '../../../src-core/validation.js';

const FIGURES = ['fig2', 'fig3', 'fig4', 'fig5', 'fig6', 'fig7', 'fig8', 'g-fig3', 'tp-ness', 'tp-gap', 'tp-quench'];
const FORMATS = ['svg', 'pdf', 'png'];

/** A comma-separated list of words from `allowed` (no empties, no duplicates). */
function wordList(flag: string, allowed: readonly string[]) {
  return (raw: string): string[] => {
    const parts = raw.split(',').map((s) => s.trim());
    for (const p of parts) if (!allowed.includes(p)) throw new ParameterError(flag, `a comma-separated list from ${allowed.join(', ')}`, p === '' ? raw : p);
    return [...new Set(parts)];
  };
}

interface FigureFlags {
  out: string;
  format?: string[];
  figures?: string[];
  force?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('figures')
    .description('render the seed figures of a study folder as SVG, PDF and PNG (300 dpi), with provenance in every file')
    .argument('<STUDY>', 'study folder (made by `epstudio run`)')
    .requiredOption('--out <DIR>', 'folder for the figure files (created if missing)')
    .option('--format <list>', `formats, comma-separated (${FORMATS.join(', ')}; default all)`, wordList('--format', FORMATS))
    .option('--figures <list>', `figures, comma-separated (${FIGURES.join(', ')}; default all the study has data for)`, wordList('--figures', FIGURES))
    .option('--force', 'replace figure files that already exist in --out (default: refuse, naming the file)')
    .option('--json', 'print the written files and timings as JSON on stdout')
    .action(async (study: string, o: FigureFlags) => {
      const t0 = performance.now();
      const { writeFigureSet, FORMATS: engineFormats, FIGURE_NAMES } = await import('../../figures/index.js');
      // The lists above must name what the engine knows (kept literal so that --help needs no import).
      if (FIGURE_NAMES.join() !== FIGURES.join() || engineFormats.join() !== FORMATS.join()) throw new Error('figures: CLI lists out of date with the engine');
      const r = await writeFigureSet(study, o.out, { formats: (o.format ?? FORMATS) as ('svg' | 'pdf' | 'png')[], figures: o.figures, force: o.force === true });
      const seconds = (performance.now() - t0) / 1000;
      for (const m of r.missing) process.stderr.write(`warning: ${m}: no finished data in this study (not written)\n`);
      for (const p of r.paths) process.stderr.write(`wrote ${p}\n`);
      process.stderr.write(`${r.paths.length} file(s) of ${new Set(r.files.map((f) => f.figure)).size} figure(s) from ${r.studyId} in ${seconds.toFixed(1)} s\n`);
      if (o.json) process.stdout.write(JSON.stringify({ studyId: r.studyId, files: r.paths, missing: r.missing, seconds, timings: r.timings }) + '\n');
    });
}
