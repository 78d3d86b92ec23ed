/**
 * The filter flags (`--focus`, `--ignore`, `--hide`, `--show-from`, `--hide-stdlib`,
 * `--hide-profiler`, `--prune-below`) shared by `convert`, `view` and `diff`: parsed into
 * one core `filterTransform` (pprof's semantics; see core's filters.ts), which the pipeline
 * runs between reading and writing, so every output format is filtered the same way.
 */
import {
  type FunctionPredicate,
  filterTransform,
  invalidOption,
  isProfilerFunction,
  isStdlibFunction,
  patternPredicate,
  type Transform,
} from '@pyprof/core';

export const FILTER_OPTIONS = {
  focus: { type: 'string' },
  ignore: { type: 'string' },
  hide: { type: 'string' },
  'show-from': { type: 'string' },
  'hide-stdlib': { type: 'boolean' },
  'hide-profiler': { type: 'boolean' },
  'prune-below': { type: 'string' },
} as const;

export const FILTER_HELP = `
Filters (pprof's semantics; a pattern is tested on a function's name and on its file path):
  --focus <regex>      keep only the stacks holding a matching function
  --ignore <regex>     drop the stacks holding a matching function
  --hide <regex>       remove matching frames (their time goes to the nearest visible caller)
  --show-from <regex>  start each stack at its match nearest the root; drop the others
  --hide-stdlib        hide functions of the interpreter's library directories
  --hide-profiler      hide exec, runpy and the profiler's own frames
  --prune-below <fraction>  hide functions below that share of the total (e.g. 0.005)
`;

type Flags = Record<string, string | boolean | string[] | undefined>;

/** The filter transform the flags ask for, or none. */
export function filterTransforms(flags: Flags): Transform[] {
  const text = (name: keyof typeof FILTER_OPTIONS): string | undefined => {
    const value = flags[name];
    return typeof value === 'string' ? value : undefined;
  };
  const given = Object.keys(FILTER_OPTIONS).filter((name) => flags[name] !== undefined);
  if (given.length === 0) return [];
  const hide: FunctionPredicate[] = [];
  const hidePattern = text('hide');
  if (hidePattern !== undefined) hide.push(patternPredicate(hidePattern, 'hide'));
  if (flags['hide-stdlib'] === true) hide.push(isStdlibFunction);
  if (flags['hide-profiler'] === true) hide.push(isProfilerFunction);
  const prune = text('prune-below');
  let pruneBelow: number | undefined;
  if (prune !== undefined) {
    pruneBelow = Number(prune);
    if (!/^\d*\.?\d+$/.test(prune.trim()) || !(pruneBelow >= 0 && pruneBelow <= 1)) {
      throw invalidOption(
        'prune-below',
        `a fraction from 0 to 1 (e.g. 0.005 for 0.5%), got ${JSON.stringify(prune)}`,
      );
    }
  }
  const focus = text('focus');
  const ignore = text('ignore');
  const showFrom = text('show-from');
  const description = given
    .map((name) => (typeof flags[name] === 'string' ? `--${name} ${flags[name]}` : `--${name}`))
    .join(' ');
  return [
    filterTransform({
      ...(focus !== undefined ? { focus: patternPredicate(focus, 'focus') } : {}),
      ...(ignore !== undefined ? { ignore: patternPredicate(ignore, 'ignore') } : {}),
      ...(hide.length > 0 ? { hide } : {}),
      ...(showFrom !== undefined ? { showFrom: patternPredicate(showFrom, 'show-from') } : {}),
      ...(pruneBelow !== undefined ? { pruneBelow } : {}),
      description,
    }),
  ];
}
