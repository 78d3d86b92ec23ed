// Every corpus pstats dump, lsprof pickle and hotshot log through the collapsed writer:
// each line is what flamegraph.pl and speedscope read alike, the lines ending in a
// function add up to its own time (each line within 1 ns of its exact weight), the total
// is the profile's total own time rounded to the nanosecond exactly, and every function
// with time has a frame name of its own. Each goes through core's `convert` with the
// default budgets, as the CLI converts it (the output budget once stopped the Breezy
// `commit` profile).
import {
  chunksToBytes,
  convert,
  createRegistry,
  type InputPlugin,
  type ProfileSet,
  totalSelfTime,
} from '@pyprof/core';
import { cprofile } from '@pyprof/input-cprofile';
import { hotshot } from '@pyprof/input-hotshot';
import { lsprof } from '@pyprof/input-lsprof';
import { collapsed, collapsedFrameNames } from '@pyprof/output-collapsed';
import { ownByLeaf, parseCollapsed } from '@pyprof/testkit';
import { describe, expect, it } from 'vitest';
import * as pstatsCorpus from '../../../packages/input-cprofile/test/corpus.js';
import * as hotshotCorpus from '../../../packages/input-hotshot/test/corpus.js';
import * as lsprofCorpus from '../../../packages/input-lsprof/test/corpus.js';

async function check(reader: InputPlugin, name: string, data: Uint8Array): Promise<void> {
  const result = await convert({
    registry: createRegistry([reader, collapsed]),
    inputs: [{ data, name }],
    to: 'collapsed',
  });
  const text = new TextDecoder().decode(await chunksToBytes(result.chunks));
  const set: ProfileSet = result.set;
  const lines = parseCollapsed(text);
  const whole = set.whole;
  const total = lines.reduce((sum, line) => sum + line.weight, 0);
  expect(total).toBe(Math.round(totalSelfTime(whole) * 1e9));
  const names = collapsedFrameNames(whole);
  expect(new Set(names).size).toBe(names.length);
  const leaves = ownByLeaf(lines);
  expect(leaves.has('(pruned)')).toBe(false);
  let covered = 0;
  for (let fn = 0; fn < whole.functions.length; fn++) {
    const own = (whole.functions.selfTime[fn] as number) * 1e9;
    const leaf = leaves.get(names[fn] as string) ?? { sum: 0, lines: 0 };
    expect(
      Math.abs(leaf.sum - own),
      `${names[fn]}: ${leaf.sum} ns on ${leaf.lines} lines, own ${own} ns`,
    ).toBeLessThanOrEqual(Math.max(1, leaf.lines) + 1e-6);
    covered += leaf.lines;
  }
  // Every line ends in a function of the profile.
  expect(covered).toBe(lines.length);
}

const corpora: Array<[string, InputPlugin, { file: string }[], (file: string) => Uint8Array]> = [
  ['pstats dump', cprofile, pstatsCorpus.pstatsFixtures(), pstatsCorpus.readFixture],
  ['lsprof pickle', lsprof, lsprofCorpus.lsprofFixtures(), lsprofCorpus.readFixture],
  ['hotshot log', hotshot, hotshotCorpus.hotshotFixtures(), hotshotCorpus.readFixture],
];

for (const [kind, reader, fixtures, read] of corpora) {
  describe(`collapsed output of every corpus ${kind}`, () => {
    it('has the corpus', () => {
      expect(fixtures.length).toBeGreaterThan(20);
    });
    for (const entry of fixtures) {
      // The medium programs' reconstruction takes seconds to minutes on a loaded machine.
      it(entry.file, { timeout: 300_000 }, async () => {
        await check(reader, entry.file, read(entry.file));
      });
    }
  });
}
