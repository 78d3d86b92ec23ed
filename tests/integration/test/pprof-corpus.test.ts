// Issue 20: every corpus pstats, hotshot and lsprof file through the pprof writer, read
// back with Go's rules (test/read-pprof.ts of the package): valid for Go, one function per
// function with own time and names unique under Go's name-only identity, flat = own time
// and the total = the profile's within 1 ns; cum = the weight of the stacks holding the
// function, and = pstats' ct wherever issue 16's measure holds for it.
import { describe, expect, it } from 'vitest';
import { checkCumulative, checkFlat, convertCorpusFile, pprofCorpus } from './pprof-support.js';

describe('pprof output of every corpus pstats, hotshot and lsprof file', () => {
  const corpus = pprofCorpus();

  it('covers the corpus', () => {
    expect(corpus.length).toBe(84 + 28 + 23);
  });

  for (const { entry, kind } of corpus) {
    it(entry.file, () => {
      const c = convertCorpusFile(entry, kind);
      checkFlat(c, c.reading.flat, c.reading.total);
      checkCumulative(c, c.reading.cum);
    }, 120_000);
  }
});
