// Prints the plain closing line CI reads: `tests: N passed, N failed, N skipped`. A test
// file that fails to load counts as one failure, and so does a run that leaves anything in
// its temporary folder (scripts/test-temp.ts): the leaked entries are named above the line.
// Vitest's own folders there (each project's module cache, removed when vitest closes,
// after this reporter has run) are not the tests' and are left alone.
import { basename } from 'node:path';
import type { Reporter, TestModule, Vitest } from 'vitest/node';
import { leftBehind } from './test-temp.ts';

export default class SummaryReporter implements Reporter {
  readonly #tempFolder: string | undefined;
  #vitest: Vitest | undefined;

  /** `tempFolder`: the run's TMPDIR, checked for leftovers at the end. */
  constructor(options: { tempFolder?: string } = {}) {
    this.#tempFolder = options.tempFolder;
  }

  onInit(vitest: Vitest): void {
    this.#vitest = vitest;
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, errors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = errors.length;
    let skipped = 0;
    for (const m of modules) {
      const tests = [...m.children.allTests()];
      if (m.state() === 'failed' && tests.length === 0) failed++;
      for (const t of tests) {
        const state = t.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
    }
    const vitests = new Set(this.#vitest?.projects.map((project) => basename(project.tmpDir)));
    const leaked = this.#tempFolder === undefined ? [] : leftBehind(this.#tempFolder, vitests);
    if (leaked.length > 0) {
      failed++;
      const shown = leaked.slice(0, 20).join(', ');
      const more = leaked.length > 20 ? `, and ${leaked.length - 20} more` : '';
      process.stdout.write(
        `\nFAIL temporary files: the tests left ${leaked.length} entr${leaked.length === 1 ? 'y' : 'ies'} in the temporary folder: ${shown}${more}\n`,
      );
    }
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
