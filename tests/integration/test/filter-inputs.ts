// The real profiles the filters are checked on (issue 24), shared by the Node test against
// a transcription of pprof's filter.go (filters-corpus.test.ts) and the viewer suite's
// test against the real `go tool pprof` (tests/viewer/test/go-pprof-filters.test.ts): the
// diff fixtures, two stacks fixtures and three corpus pstats dumps.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as pstatsCorpus from '../../../packages/input-cprofile/test/corpus.js';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** Each input's name and a reader of its bytes. */
export function filterInputs(): Array<[string, () => Uint8Array]> {
  const fixture = (run: string): [string, () => Uint8Array] => [
    `${run}.prof`,
    () => new Uint8Array(readFileSync(join(fixtures, `${run}.prof`))),
  ];
  return [
    ...['diff/run1.py312', 'diff/changed.py312', 'diff/run1.py311'].map(fixture),
    ...['stacks/genexpr.py312', 'stacks/parser.py313'].map(fixture),
    ...pstatsCorpus
      .pstatsFixtures()
      .filter((entry) => /py312\/(medium|recursion|decorators)\.cprofile/.test(entry.file))
      .map(
        (entry) =>
          [entry.file, () => pstatsCorpus.readFixture(entry.file)] as [string, () => Uint8Array],
      ),
  ];
}
