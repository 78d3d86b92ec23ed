/**
 * @pyprof/input-lsprof — reads the pickles `bzr`/`brz --lsprof-file` write (and other
 * pickles of lsprof `Stats` objects, protocols 0–5, Python 2 and 3) with @pyprof/pickle's
 * safe reader: globals outside a short allow-list are refused before anything is built,
 * and nothing is ever imported, called or instantiated. One profile per thread plus their
 * merged whole. See README.md for the identity rules and the warnings it can raise.
 */
import { defineInputPlugin } from '@pyprof/core';
import { detectLsprof } from './detect.js';
import { readLsprof } from './read.js';

export const lsprof = defineInputPlugin({
  name: 'lsprof',
  title: 'Bazaar / Breezy lsprof pickle (--lsprof-file)',
  extensions: ['.lsprof', '.pickle'],
  detect: (head) => detectLsprof(head),
  read: (input, context) => readLsprof(input, context),
});

export default lsprof;
export { parsePythonLabel } from './label.js';
export { scanPickle } from './pickle.js';
