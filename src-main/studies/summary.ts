/**
 * What a study computes, in a line per kind of task, for the list of past runs (API studies.list): the swept or
 * quenched parameter with its range and count, the model when it is not the Kerr model of seed 000, t_max of the
 * quenches and whether they run until the NESS. Built from the planned tasks' parameters only (no result file read).
 */

/** A planned task as studies.status lists it: its kind and its parameters (JSON). */
export interface TaskParams {
  kind: string;
  params: Record<string, unknown>;
}

const num = (v: unknown): number[] => (typeof v === 'number' ? [v] : Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number') : []);
const fmt = (x: number) => (x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e6) ? (+x.toPrecision(6)).toExponential() : String(+x.toPrecision(6)));
/** Sorted distinct values of a parameter over the tasks (a number or an array of numbers per task). */
function values(tasks: TaskParams[], key: string): number[] {
  return [...new Set(tasks.flatMap((t) => num(t.params[key])))].sort((a, b) => a - b);
}
/** "0.8, 1.1" for up to four values, else "0–1.5 (31 values)". */
function range(xs: number[]): string {
  if (xs.length <= 4) return xs.map(fmt).join(', ');
  return `${fmt(xs[0])}–${fmt(xs[xs.length - 1])} (${xs.length} values)`;
}

const KIND_LABEL: Record<string, string> = { quench: 'quench', 'ness-sweep': 'NESS sweep', 'gap-sweep': 'gap sweep', 'gaussian-sweep': 'Gaussian sweep' };

/** One line per (model, kind) group (per preset for Gaussian sweeps), in the order the groups first appear. */
export function describeTasks(tasks: TaskParams[]): string[] {
  const groups = new Map<string, TaskParams[]>();
  for (const t of tasks) {
    const model = t.params.model === 'two-photon-kerr' ? 'two-photon-kerr' : t.kind === 'gaussian-sweep' ? 'gaussian' : 'kerr';
    // Gaussian sweeps per preset: their x ranges differ (cavity-om vs cavity-bec), a union would mislead
    const key = `${model}|${t.kind}|${t.kind === 'gaussian-sweep' ? String(t.params.preset ?? '') : ''}`;
    const g = groups.get(key);
    if (g) g.push(t);
    else groups.set(key, [t]);
  }
  return [...groups].map(([key, ts]) => {
    const [model, kind] = key.split('|');
    const twoPhoton = model === 'two-photon-kerr';
    const head = `${twoPhoton ? 'two-photon ' : ''}${KIND_LABEL[kind] ?? kind}`;
    if (kind === 'quench') {
      const from = twoPhoton ? ['g', 'gInitial', 'gFinal'] : ['ε', 'epsInitial', 'epsFinal'];
      const ness = values(ts, 'untilNess');
      const t = ness.length ? `until the NESS (${ness.map(fmt).join(', ')}), t ≤ ${range(values(ts, 'tMax'))}` : `t ≤ ${range(values(ts, 'tMax'))}`;
      return `${head} ${from[0]}_i = ${range(values(ts, from[1]))} → ${from[0]}_f = ${range(values(ts, from[2]))}, ${t}`;
    }
    if (kind === 'gaussian-sweep') {
      const presets = [...new Set(ts.map((x) => String(x.params.preset ?? '')))].filter(Boolean).join(', ');
      return `${head} ${presets}: x = ${range(values(ts, 'x'))}`;
    }
    const method = kind === 'ness-sweep' ? [...new Set(ts.map((x) => x.params.method).filter((m): m is string => typeof m === 'string'))] : [];
    const swept = twoPhoton ? `g = ${range(values(ts, 'g'))}` : `ε = ${range(values(ts, 'eps'))}`;
    return `${head}${method.length ? ` (${method.join(', ')})` : ''} ${swept}`;
  });
}

/** Distinct N over every task that has one (all but the Gaussian sweeps). */
export function modeNumbers(tasks: TaskParams[]): number[] {
  return values(tasks, 'N');
}
