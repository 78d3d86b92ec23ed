// Reads one hostile pickle with the built @pyprof/pickle (made in-process by the generator
// the tests use) and prints its outcome, for pickle.mjs to run under /usr/bin/time:
// `node read-pickle.mjs <case> <size> [unbounded]`. Exits 0 whether the pickle was
// refused or not; anything but a ProfileError is a crash and exits 1.
import { isProfileError } from '../../packages/core/dist/index.js';
import { loadPickle, pickleDialect } from '../../packages/pickle/dist/index.js';
import {
  emptyListFlood,
  longString,
  nestedListOnStack,
  nestedListThroughMemo,
  stackFlood,
} from '../../packages/pickle/test/fixtures/hostile.mjs';

const cases = { emptyListFlood, longString, nestedListOnStack, nestedListThroughMemo, stackFlood };

const [name, size, unbounded] = process.argv.slice(2);
const bytes = cases[name](Number(size));
const dialect = pickleDialect({
  format: 'bench',
  noun: 'a pickle',
  classes: 'nothing',
  globals: [],
});
const limits = unbounded
  ? {
      bytesPerInputByte: Infinity,
      maxDepth: Infinity,
      maxStack: Infinity,
      maxStringBytes: Infinity,
    }
  : {};
let built = 0;
const start = performance.now();
try {
  const loaded = loadPickle(bytes, dialect, { limits, onBuild: () => built++ });
  process.stdout.write(`accepted\t${built}\t${loaded.budgetSpent}\t`);
} catch (error) {
  if (!isProfileError(error)) throw error;
  process.stdout.write(`refused: ${error.message.slice(0, 60)}…\t${built}\t\t`);
}
process.stdout.write(`${(performance.now() - start).toFixed(0)}\t${bytes.length}\n`);
