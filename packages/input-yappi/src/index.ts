/**
 * @pyprof/input-yappi — reads yappi's `.ystat` files (`get_func_stats().save(path)`) with
 * @pyprof/pickle's safe reader: one profile per thread (context), recovered from the
 * unmerged entries yappi keeps in the file, plus the merged whole exactly as yappi saved
 * it; callees as edges. Nothing in the file is ever imported, called or instantiated. See
 * README.md for what each number becomes and the warnings it can raise.
 */
import { defineInputPlugin } from '@pyprof/core';
import { detectYappi } from './detect.js';
import { readYappi } from './read.js';

export const yappi = defineInputPlugin({
  name: 'yappi',
  title: 'yappi .ystat (get_func_stats().save(path))',
  extensions: ['.ystat'],
  detect: (head) => detectYappi(head),
  read: (input, context) => readYappi(input, context),
});

export default yappi;
