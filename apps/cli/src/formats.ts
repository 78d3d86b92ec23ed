/**
 * The one list of first-party formats the CLI bundles. Adding a format touches this file
 * and nothing else in the CLI: `--help`, `pyprof formats` and the README table are built
 * from it.
 */
import type { Plugin } from '@pyprof/core';
import { collapsed } from '@pyprof/input-collapsed';
import { cprofile } from '@pyprof/input-cprofile';
import { hotshot } from '@pyprof/input-hotshot';
import { lineProfiler } from '@pyprof/input-line-profiler';
import { lsprof } from '@pyprof/input-lsprof';
import { yappi } from '@pyprof/input-yappi';
import { callgrind } from '@pyprof/output-callgrind';
import { chromeTrace } from '@pyprof/output-chrome-trace';
import { collapsed as collapsedOutput } from '@pyprof/output-collapsed';
import { pprof } from '@pyprof/output-pprof';
import { pstats } from '@pyprof/output-pstats';
import { speedscope } from '@pyprof/output-speedscope';
import { text } from '@pyprof/output-text';
import { irOutput } from './ir-output.js';

export const builtinFormats: readonly Plugin[] = [
  cprofile,
  hotshot,
  lsprof,
  collapsed,
  lineProfiler,
  yappi,
  callgrind,
  speedscope,
  text,
  pstats,
  chromeTrace,
  collapsedOutput,
  pprof,
  irOutput,
];
