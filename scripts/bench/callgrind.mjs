// Issue 3's benchmark: the 100k-function, ~1M-edge pstats dump (inputs.mjs, shared
// with pstats.mjs and text.mjs) converted to callgrind end to end by the CLI
// (`pyprof convert X --to callgrind -o Y`) and by Debian's pyprof2calltree
// (`pyprof2calltree -i X -o Y`): whole processes, alternating runs, median of BENCH_RUNS
// (default 5), wall time, peak RSS (/usr/bin/time) and output size.
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  cli,
  compare,
  ensureBuilt,
  measure,
  outDir,
  pstats100k,
  requireTool,
  table,
} from './lib.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 5);
const file = await pstats100k();
ensureBuilt();
requireTool(
  '/usr/bin/pyprof2calltree',
  'Debian pyprof2calltree (apt-get install -y pyprof2calltree)',
);

const outputs = {
  pyprof: join(outDir, 'callgrind.out.pyprof-100k'),
  pyprof2calltree: join(outDir, 'callgrind.out.pyprof2calltree-100k'),
};
const sizes = {};
const run = (name, command, args) => () => {
  rmSync(outputs[name], { force: true });
  const result = measure(command, args);
  sizes[name] = statSync(outputs[name]).size;
  return result;
};
const results = compare(
  {
    pyprof: run('pyprof', process.execPath, [
      cli,
      'convert',
      file,
      '--to',
      'callgrind',
      '-o',
      outputs.pyprof,
    ]),
    pyprof2calltree: run('pyprof2calltree', '/usr/bin/pyprof2calltree', [
      '-i',
      file,
      '-o',
      outputs.pyprof2calltree,
    ]),
  },
  runs,
);

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
console.log(
  `\n### callgrind: ${file} (${mb(statSync(file).size)}), whole processes, median of ${runs}\n`,
);
console.log(
  table(
    ['tool', 'wall time', 'peak RSS', 'output size'],
    Object.entries(results).map(([name, r]) => [
      name === 'pyprof' ? 'pyprof convert --to callgrind' : 'pyprof2calltree -i -o',
      `${r.seconds.toFixed(2)} s`,
      `${r.peakMb.toFixed(0)} MB`,
      mb(sizes[name]),
    ]),
  ),
);
const ours = results.pyprof;
const theirs = results.pyprof2calltree;
console.log(
  `\npyprof is ${(theirs.seconds / ours.seconds).toFixed(1)}× faster, output ${(sizes.pyprof2calltree / sizes.pyprof).toFixed(1)}× smaller, peak memory ${(theirs.peakMb / ours.peakMb).toFixed(1)}× lower.`,
);
