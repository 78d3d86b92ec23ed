/**
 * `--to ir`: the canonical IR dump (`printProfileSet`), for debugging a reader and for
 * bug reports — it shows exactly what pyprof read, before any writer's choices.
 */
import { defineOutputPlugin, printProfileSet } from '@pyprof/core';

export const irOutput = defineOutputPlugin({
  name: 'ir',
  title: 'pyprof IR dump (debugging)',
  extension: '.ir.txt',
  options: {
    'max-events': {
      type: 'integer',
      description: 'print at most this many timeline events',
    },
  },
  needs: { timeline: true, lines: true },
  *write(set, options) {
    const max = options['max-events'];
    yield printProfileSet(set, max === undefined ? {} : { maxTimelineEvents: max });
  },
});
