/**
 * @pyprof/output-chrome-trace — writes exact Python timelines (hotshot logs) as Chrome
 * Trace Event JSON for Perfetto, chrome://tracing, speedscope and Firefox Profiler: every
 * call a `B`/`E` pair in recorded order, streamed while the log is read. See README.md for
 * what is written, what is refused and the warnings.
 */
import { defineOutputPlugin } from '@pyprof/core';
import { ChromeTrace, writeChromeTrace } from './write.js';

export const chromeTrace = defineOutputPlugin({
  name: 'chrome-trace',
  title: 'Chrome Trace Event JSON (Perfetto, chrome://tracing, speedscope)',
  extension: '.trace.json',
  needs: { timeline: true },
  defaultOutputName: (inputName) => `${inputName}.trace.json`,
  write: (set, _options, context) => writeChromeTrace(set, context),
  streamTimeline: (_options, context) => new ChromeTrace(context),
});

export default chromeTrace;
