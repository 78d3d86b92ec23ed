// Issue #15 item 8's benchmark: the hostile pickles of packages/pickle/test/fixtures
// (made at their full size by the tests' generator), each read in its own process under
// /usr/bin/time — wall time and peak RSS — with the default budgets, and at a tenth of the
// size with the budgets off (what the reader used to cost). `node scripts/bench/pickle.mjs`.
import { join } from 'node:path';
import { ensureBuilt, measure, root, table } from './lib.mjs';

ensureBuilt();
const cases = [
  ['emptyListFlood', 20_000_000, 'a 20 MB flood of empty lists'],
  ['nestedListOnStack', 2_000_000, 'a list nested 2 million deep (4 MB)'],
  ['nestedListThroughMemo', 600_000, 'a list nested 600,000 deep through the memo (4 MB)'],
  ['stackFlood', 20_000_000, '20 million values left on the stack (20 MB)'],
  ['longString', 100_000_000, 'one 100 MB string'],
];
const rows = [];
for (const [name, size, title] of cases) {
  for (const unbounded of [false, true]) {
    const n = unbounded ? Math.round(size / 10) : size;
    const args = [join(root, 'scripts', 'bench', 'read-pickle.mjs'), name, String(n)];
    if (unbounded) args.push('unbounded');
    const r = measure('node', args);
    const [outcome, built, , ms, bytes] = r.stdout.trim().split('\t');
    rows.push([
      unbounded ? `${title}, a tenth, no budgets` : title,
      `${(Number(bytes) / 1e6).toFixed(1)} MB`,
      outcome,
      built,
      `${(Number(ms) / 1000).toFixed(2)} s`,
      `${r.peakMb.toFixed(0)} MB`,
    ]);
  }
}
console.log('\n### pickle budgets: hostile pickles, one process each\n');
console.log(table(['case', 'input', 'outcome', 'values built', 'read', 'peak RSS'], rows));
