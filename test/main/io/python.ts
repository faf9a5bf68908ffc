// A python3 with numpy, pandas and h5py: the independent readers of our files. Tests that need it skip (and say why)
// where none is found.
import { spawnSync } from 'node:child_process';

const CANDIDATES = ['/usr/bin/python3', 'python3'];

function find(): { exe?: string; why: string } {
  const why: string[] = [];
  for (const exe of CANDIDATES) {
    const r = spawnSync(exe, ['-c', 'import numpy, pandas, h5py'], { encoding: 'utf8' });
    if (r.status === 0) return { exe, why: '' };
    why.push(`${exe}: ${r.error ? r.error.message : (r.stderr.trim().split('\n').pop() ?? 'failed')}`);
  }
  return { why: `no python3 with numpy, pandas and h5py (apt-get install python3-pandas python3-h5py): ${why.join('; ')}` };
}

export const PY = find();

/** Run a python script with arguments; returns its JSON output (stderr must be empty of errors). */
export function py(script: string, ...args: string[]): any {
  const r = spawnSync(PY.exe!, ['-c', script, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Read CSV files as documented (README): pandas with comment='#', numpy.genfromtxt with skip_header = the # lines. */
export const READ_CSVS = `
import sys, json, warnings
import numpy as np, pandas as pd
warnings.simplefilter('error')
out = {}
for f in sys.argv[1:]:
    lines = open(f, encoding='utf-8').read().split('\\n')
    n = 0
    while n < len(lines) and lines[n].startswith('#'):
        n += 1
    d = pd.read_csv(f, comment='#')
    a = np.genfromtxt(f, delimiter=',', names=True, comments='#', skip_header=n, encoding='utf-8')
    cols = list(d.columns)
    out[f] = {
        'n_comment': n,
        'pandas_columns': cols,
        'pandas_numeric': all(pd.api.types.is_float_dtype(t) or pd.api.types.is_integer_dtype(t) for t in d.dtypes),
        'numpy_names': list(a.dtype.names),
        # pandas' default C float parser is not correctly rounded (pandas 1.5.3: ~1e-12 relative seen on 17-digit
        # numbers such as -7.958673232...e-05); with float_precision='round_trip' it is exact, as numpy is
        'same': all(np.allclose(d[c].to_numpy(dtype=float), np.atleast_1d(a[c]), rtol=1e-9, atol=0, equal_nan=True) for c in cols),
        'same_exact': all(np.array_equal(pd.read_csv(f, comment='#', float_precision='round_trip')[c].to_numpy(dtype=float), np.atleast_1d(a[c]), equal_nan=True) for c in cols),
        'numpy_values': [[float(x) for x in np.atleast_1d(a[c])] for c in cols],
        'rows': int(len(d)),
        't': [float(x) for x in d['t']] if 't' in cols else None,
    }
print(json.dumps(out))
`;
