/**
 * @pyprof/output-pstats — writes any profile pyprof reads as a pstats dump: the marshal
 * file `pstats.Stats`, snakeviz, tuna, gprof2dot and pyprof2calltree load, for Python 2.7
 * or 3.6–3.13. See README.md for the options and what is lossy.
 */
import { defineOutputPlugin } from '@pyprof/core';
import { pstatsOptionSpecs, pstatsOptions } from './options.js';
import { writePstats } from './write.js';

export const pstats = defineOutputPlugin({
  name: 'pstats',
  title: 'pstats dump for pstats.Stats, snakeviz, tuna, gprof2dot',
  extension: '.prof',
  options: pstatsOptionSpecs,
  // The timeline is only for hotshot logs (replayed as hotshot.stats does); other
  // inputs have none to keep.
  needs: { timeline: true },
  needsFor: (options) => ({ timeline: true, timelineLimit: pstatsOptions(options).replayLimit }),
  defaultOutputName: (inputName) => defaultOutputName(inputName),
  write: (set, options, context) => writePstats(set, options, context),
});

/**
 * `<input without its extension>.prof` (folders and a trailing `.gz` dropped; stdin →
 * `stdin.prof`), or `<input>.pyprof.prof` when the input is itself a `.prof` file.
 */
function defaultOutputName(inputName: string): string {
  let base = inputName.slice(Math.max(inputName.lastIndexOf('/'), inputName.lastIndexOf('\\')) + 1);
  base = base.replace(/\.gz$/i, '');
  if (base === '' || base === '-') base = 'stdin';
  if (/\.prof$/i.test(base)) return `${base.slice(0, -5)}.pyprof.prof`;
  const dot = base.lastIndexOf('.');
  return `${dot > 0 ? base.slice(0, dot) : base}.prof`;
}

export default pstats;
export { codeObjectText } from './code-object.js';
