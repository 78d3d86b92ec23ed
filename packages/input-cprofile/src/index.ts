/**
 * @pyprof/input-cprofile — reads pstats dumps written by cProfile, profile, pstats and
 * yappi on any Python from 2.7 to 3.14, without Python. See README.md for what is read and
 * the warnings it can raise.
 */
import { defineInputPlugin } from '@pyprof/core';
import { detectPstats } from './detect.js';
import { readPstats } from './read.js';

export const cprofile = defineInputPlugin({
  name: 'cprofile',
  title: 'cProfile / profile / yappi pstats dump',
  extensions: ['.prof', '.pstats', '.cprofile'],
  options: {
    producer: {
      type: 'choice',
      choices: ['auto', 'cprofile', 'profile', 'yappi'],
      default: 'auto',
      description:
        'what wrote the dump; `yappi` swaps the first two counts of each entry back (yappi writes them swapped)',
    },
  },
  detect: (head) => detectPstats(head),
  read: (input, context) => readPstats(input, context),
});

export default cprofile;
