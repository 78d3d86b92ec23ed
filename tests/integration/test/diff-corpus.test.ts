// `pyprof diff` on real pairs of runs (issue 24; fixtures/diff/README.md): two runs of one
// program, two Python versions of one program, and a changed copy with moved lines. Every
// number of the text comparison is checked against pstats' own numbers of the two inputs
// (the oracles): each row's BASE and NEW columns are the inputs' tt/ct and its changes
// are their differences. The speedscope comparison holds both runs, named, on one frame
// table, and each run adds up to its own total. The pprof comparison is NEW's samples and
// BASE's negated and labelled, exactly the samples of the two runs' own pprof files (what
// `go tool pprof -diff_base` combines; the viewer suite runs Go on it), and the collapsed
// comparison is what a transcription of `difffolded.pl` makes of the two runs' own
// collapsed files.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type CompareResult,
  chunksToBytes,
  compareProfiles,
  convert,
  createRegistry,
  defineOutputPlugin,
} from '@pyprof/core';
import { cprofile } from '@pyprof/input-cprofile';
import { callgrind } from '@pyprof/output-callgrind';
import { collapsed } from '@pyprof/output-collapsed';
import { pprof } from '@pyprof/output-pprof';
import { speedscope } from '@pyprof/output-speedscope';
import { formatFixed, text } from '@pyprof/output-text';
import {
  conservationProblems,
  inclusiveCost,
  parseCallgrind,
  readPprof,
  type SpeedscopeFile,
  type SpeedscopeSampledProfile,
  speedscopeProblems,
} from '@pyprof/testkit';
import { describe, expect, it } from 'vitest';

const folder = fileURLToPath(new URL('../fixtures/diff/', import.meta.url));
const registry = createRegistry([cprofile, text, speedscope, callgrind, pprof, collapsed]);

interface OracleRow {
  file: string;
  line: number;
  name: string;
  nc: number;
  tt: string;
  ct: string;
}

function oracle(run: string): Map<string, OracleRow> {
  const rows = (
    JSON.parse(readFileSync(join(folder, `${run}.oracle.json`), 'utf8')) as {
      functions: OracleRow[];
    }
  ).functions;
  return new Map(rows.map((r) => [`${r.file}:${r.line}:${r.name}`, r]));
}

/** One run converted on its own, as `pyprof convert RUN.prof --to <to>` writes it. */
async function single(run: string, to: string): Promise<Uint8Array> {
  const result = await convert({
    registry,
    inputs: [
      { data: new Uint8Array(readFileSync(join(folder, `${run}.prof`))), name: `${run}.prof` },
    ],
    to,
  });
  return chunksToBytes(result.chunks);
}

async function compare(
  base: string,
  next: string,
  to: string,
  options: { normalize?: boolean; sort?: string[] } = {},
): Promise<{ result: CompareResult; output: string; bytes: Uint8Array }> {
  const input = (run: string) => ({
    data: new Uint8Array(readFileSync(join(folder, `${run}.prof`))),
    name: `${run}.prof`,
  });
  const result = await compareProfiles({
    registry,
    base: [input(base)],
    next: [input(next)],
    to,
    ...(options.normalize ? { normalize: true } : {}),
    options: options.sort ? { sort: options.sort } : {},
  });
  const bytes = chunksToBytes(result.chunks);
  return { result, output: new TextDecoder().decode(bytes), bytes };
}

interface TextRow {
  section: string;
  numbers: string[];
  name: string;
  location: string;
}

/** The rows of the text comparison's tables. */
function tableRows(output: string): TextRow[] {
  const rows: TextRow[] = [];
  let section = '';
  for (const line of output.split('\n')) {
    const title = /^(Regressed|Improved|New|Removed)/.exec(line);
    if (title) section = title[1] as string;
    const match =
      /^\s*([+-]?[\d.]+|-)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s{2}(.*?)\s{2}(\(built-in\)|\S+:\d+(?: \(line \d+ in BASE\))?)$/.exec(
        line,
      );
    if (!match || line.includes('own Δ')) continue;
    rows.push({
      section,
      numbers: match.slice(1, 9),
      name: match[9] as string,
      location: match[10] as string,
    });
  }
  return rows;
}

const ms = (seconds: number) => formatFixed(seconds * 1000, 3);
const signed = (value: number) => `${value > 0 ? '+' : value < 0 ? '-' : ''}${ms(Math.abs(value))}`;
const relative = (before: number, after: number) => {
  if (before === 0) return after === 0 ? '0.0%' : 'new';
  const change = (100 * (after - before)) / before;
  return `${change > 0 ? '+' : ''}${formatFixed(change, 1)}%`;
};

/**
 * Checks every row against the oracles: BASE's numbers come from the BASE function (at the
 * line the row says it had in BASE), NEW's from the NEW function; a missing side is 0.
 */
function checkAgainstOracles(output: string, base: string, next: string, factor = 1): TextRow[] {
  const before = oracle(base);
  const after = oracle(next);
  const rows = tableRows(output);
  const seen = new Set<string>();
  for (const row of rows) {
    const builtin = row.location === '(built-in)';
    const where = /^(.*):(\d+)(?: \(line (\d+) in BASE\))?$/.exec(row.location);
    const name = builtin ? row.name : row.name.replace(/:\d+$/, '');
    const file = builtin ? '~' : (where?.[1] as string);
    const line = builtin ? 0 : Number(where?.[2]);
    const baseLine = builtin ? 0 : Number(where?.[3] ?? where?.[2]);
    const b = row.section === 'New' ? undefined : before.get(`${file}:${baseLine}:${name}`);
    const n = row.section === 'Removed' ? undefined : after.get(`${file}:${line}:${name}`);
    if (row.section !== 'New') expect(b, `${row.name} in BASE`).toBeDefined();
    if (row.section !== 'Removed') expect(n, `${row.name} in NEW`).toBeDefined();
    seen.add(`${row.section}:${name}:${line}`);
    const ownBase = b ? Number(b.tt) * factor : 0;
    const ownNew = n ? Number(n.tt) : 0;
    const cumBase = b ? Number(b.ct) * factor : 0;
    const cumNew = n ? Number(n.ct) : 0;
    expect(row.numbers, row.name).toEqual([
      signed(ownNew - ownBase),
      relative(ownBase, ownNew),
      ms(ownBase),
      ms(ownNew),
      signed(cumNew - cumBase),
      relative(cumBase, cumNew),
      ms(cumBase),
      ms(cumNew),
    ]);
    // The table a row is in agrees with its own change.
    if (row.section === 'Regressed') expect(ownNew - ownBase).toBeGreaterThan(0);
    if (row.section === 'Improved') expect(ownNew - ownBase).toBeLessThan(0);
  }
  // Every function of either run is listed once (or counted as unchanged).
  const unchanged = Number(/Unchanged: (\d+)/.exec(output)?.[1]);
  const matched = rows.filter((r) => r.section === 'Regressed' || r.section === 'Improved').length;
  expect(rows.length + unchanged).toBe(after.size + before.size - matched - unchanged);
  return rows;
}

describe('pyprof diff --to text on real pairs', () => {
  it('two runs of one program: every function matched by its full identity', async () => {
    const { result, output } = await compare('run1.py312', 'run2.py312', 'text');
    const rows = checkAgainstOracles(output, 'run1.py312', 'run2.py312');
    expect(rows.filter((r) => r.section === 'New' || r.section === 'Removed')).toEqual([]);
    expect(result.diff.matching.moved).toEqual([]);
    expect(result.diagnostics.list).toEqual([]);
  });

  it('two Python versions of one program: functions only one interpreter calls are new or removed', async () => {
    const { output } = await compare('run1.py311', 'run1.py312', 'text');
    const rows = checkAgainstOracles(output, 'run1.py311', 'run1.py312');
    // 3.12 inlines list comprehensions (PEP 709): 3.11's two <listcomp> functions are gone.
    const shop = rows.filter((r) => r.location.startsWith('shop.py'));
    expect(
      shop
        .filter((r) => r.section === 'New' || r.section === 'Removed')
        .map((r) => [r.section, r.name]),
    ).toEqual([
      ['Removed', '<listcomp>:3'],
      ['Removed', '<listcomp>:42'],
    ]);
  });

  it('a changed copy with moved lines: matched by file and name with a note, lambdas not guessed', async () => {
    const { result, output } = await compare('run1.py312', 'changed.py312', 'text');
    const rows = checkAgainstOracles(output, 'run1.py312', 'changed.py312');
    const bySection = (section: string) =>
      rows
        .filter((r) => r.section === section && r.location !== '(built-in)')
        .map((r) => `${r.name} ${r.location}`)
        .sort();
    expect(bySection('New')).toEqual([
      '<lambda>:27 shop.py:27',
      '<lambda>:28 shop.py:28',
      'shipping shop.py:21',
    ]);
    expect(bySection('Removed')).toEqual([
      '<lambda>:23 shop.py:23',
      '<lambda>:24 shop.py:24',
      'discount shop.py:17',
    ]);
    const tax = rows.find((r) => r.name === 'tax');
    expect(tax?.location).toBe('shop.py:14 (line 10 in BASE)');
    expect(tax?.section).toBe('Regressed');
    expect(result.diff.matching.moved).toHaveLength(9);
    expect(output).toContain(
      'Not matched: <lambda> (shop.py) is there 2 times in BASE (lines 23, 24) and 2 times in NEW (lines 27, 28)',
    );
    expect(result.diagnostics.list.map((d) => [d.source, d.code, d.severity])).toEqual([
      ['diff', 'moved-function', 'info'],
      ['diff', 'ambiguous-match', 'warning'],
    ]);
  });

  it('--normalize scales BASE to NEW total', async () => {
    const { result, output } = await compare('run1.py312', 'run2.py312', 'text', {
      normalize: true,
    });
    let before = 0;
    for (const row of oracle('run1.py312').values()) before += Number(row.tt);
    let after = 0;
    for (const row of oracle('run2.py312').values()) after += Number(row.tt);
    // Summed in the profile's order, as the diff does; the oracle's order may differ in
    // the last bit, so the factor is compared to 1e-12.
    expect(result.diff.factor).toBeCloseTo(after / before, 12);
    checkAgainstOracles(output, 'run1.py312', 'run2.py312', result.diff.factor);
    expect(output).toContain('BASE normalized: its costs are multiplied by');
  });

  it('--sort cumulative splits and orders by cumulative time', async () => {
    const { output } = await compare('run1.py312', 'changed.py312', 'text', {
      sort: ['cumulative'],
    });
    const regressed = tableRows(output).filter((r) => r.section === 'Regressed');
    const changes = regressed.map((r) => Number(r.numbers[4]));
    expect(changes.every((c) => c > 0)).toBe(true);
    expect([...changes].sort((a, b) => b - a)).toEqual(changes);
  });
});

describe('pyprof diff --to speedscope', () => {
  it('holds both runs, named, on one frame table, each adding up to its own run', async () => {
    const { result, output } = await compare('run1.py312', 'changed.py312', 'speedscope');
    expect(speedscopeProblems(output)).toEqual([]);
    const file = JSON.parse(output) as SpeedscopeFile;
    expect(file.name).toBe('run1.py312.prof vs changed.py312.prof');
    expect(file.profiles.map((p) => p.name)).toEqual([
      'BASE run1.py312.prof (stacks reconstructed from the call graph)',
      'NEW changed.py312.prof (stacks reconstructed from the call graph)',
    ]);
    for (let k = 0; k < 2; k++) expect(conservationProblems(file, result.diff.set, k)).toEqual([]);
    // A moved function is one frame, used by both runs.
    const tax = file.shared.frames.flatMap((f, index) => (f.name === 'tax' ? [index] : []));
    expect(tax).toHaveLength(1);
    for (const profile of file.profiles as SpeedscopeSampledProfile[])
      expect(profile.samples.some((stack) => stack.includes(tax[0] as number))).toBe(true);
  });
});

describe('pyprof diff --to callgrind', () => {
  for (const [base, next] of [
    ['run1.py312', 'run2.py312'],
    ['run1.py311', 'run1.py312'],
    ['run1.py312', 'changed.py312'],
  ] as const) {
    it(`${base} vs ${next}: events Base and New, each run's numbers as KCachegrind reads them`, async () => {
      const { result, output } = await compare(base, next, 'callgrind');
      const parsed = parseCallgrind(output);
      expect(parsed.errors).toEqual([]);
      expect(parsed.events).toEqual(['Base', 'New']);
      const ns = (seconds: string) => Number(seconds) * 1e9;
      const sides = [oracle(base), oracle(next)];
      // Every function of either run is one KCachegrind function (plus the profiler's).
      expect(parsed.functions.size).toBe(result.diff.rows.length + 1);
      // Each event's summary is its run's rounded total, and each function's self cost in
      // each event is its run's tt (within the unit of cumulative rounding).
      sides.forEach((side, event) => {
        let total = 0;
        for (const row of side.values()) total += ns(row.tt);
        expect(Math.abs((parsed.summaryEvents[event] as number) - total)).toBeLessThanOrEqual(1);
      });
      const names = new Map<string, string>();
      for (const row of result.diff.rows) {
        const record = [...parsed.functions.values()].find((f) => {
          const w = result.diff.set.whole;
          return (
            f.name.replace(/:\d+$/, '') === w.strings[w.functions.name[row.function] as number] &&
            f.firstLine === Math.max(0, w.functions.line[row.function] as number) &&
            f.file === (w.strings[w.functions.file[row.function] as number] || '(no file)')
          );
        });
        expect(record, `row ${row.function}`).toBeDefined();
        if (!record) continue;
        expect(names.has(record.key), record.key).toBe(false);
        names.set(record.key, record.name);
        const selfs: [number, number] = [0, 0];
        for (const costs of record.selfEventsByLine.values()) {
          selfs[0] += costs[0] ?? 0;
          selfs[1] += costs[1] ?? 0;
        }
        expect(Math.abs(selfs[0] - row.baseSelf * 1e9)).toBeLessThanOrEqual(1);
        expect(Math.abs(selfs[1] - row.nextSelf * 1e9)).toBeLessThanOrEqual(1);
        // KCachegrind's inclusive cost of the first event (Base) is BASE's ct.
        if (row.base >= 0)
          expect(inclusiveCost(parsed, record.key)).toBe(Math.round(row.baseInclusive * 1e9));
      }
    });
  }
});

const pairs = [
  ['run1.py312', 'run2.py312'],
  ['run1.py311', 'run1.py312'],
  ['run1.py312', 'changed.py312'],
] as const;

describe('pyprof diff --to pprof', () => {
  /** Each sample as `value stack labels`, sorted: a multiset to compare. */
  const samplesOf = (reading: ReturnType<typeof readPprof>, keep: (base: boolean) => boolean) =>
    reading.samples
      .filter((s) => keep(s.labels['pprof::base'] === 'true'))
      .map((s) => `${s.values.join(',')} ${s.stack.join(';')}`)
      .sort();
  const negated = (lines: string[]) =>
    lines.map((line) =>
      line.replace(/^[^ ]+/, (v) =>
        v
          .split(',')
          .map((x) => -x)
          .join(','),
      ),
    );

  for (const [base, next] of pairs) {
    it(`${base} vs ${next}: NEW's samples and BASE's negated, as each run's own file has them`, async () => {
      const { bytes } = await compare(base, next, 'pprof');
      const diff = readPprof(bytes);
      const before = readPprof(await single(base, 'pprof'));
      const after = readPprof(await single(next, 'pprof'));
      expect(before.samples.length * after.samples.length).toBeGreaterThan(0);
      expect(diff.sampleTypes).toEqual(after.sampleTypes);
      expect(samplesOf(diff, (b) => !b)).toEqual(samplesOf(after, () => true));
      expect(samplesOf(diff, (b) => b)).toEqual(negated(samplesOf(before, () => true)).sort());
      // -top's numbers: NEW's minus BASE's, name for name; the total, Σ NEW − Σ BASE.
      expect(diff.total).toBe(after.total - before.total);
      for (const name of new Set([
        ...diff.flat.keys(),
        ...after.flat.keys(),
        ...before.flat.keys(),
      ])) {
        expect(diff.flat.get(name) ?? 0, name).toBe(
          (after.flat.get(name) ?? 0) - (before.flat.get(name) ?? 0),
        );
        expect(diff.cum.get(name) ?? 0, name).toBe(
          (after.cum.get(name) ?? 0) - (before.cum.get(name) ?? 0),
        );
      }
      expect(diff.comments[0]).toContain(`NEW ${next}.prof minus BASE ${base}.prof`);
    });
  }
});

/** difffolded.pl (brendangregg/FlameGraph), transcribed: `stack c1 c2` for every stack of either file. */
function difffolded(file1: string, file2: string): Map<string, [number, number]> {
  const folded = new Map<string, [number, number]>();
  [file1, file2].forEach((file, side) => {
    for (const line of file.split('\n')) {
      if (line === '') continue;
      const match = /^(.*)\s+?(\d+(?:\.\d*)?)$/.exec(line);
      const stack = match?.[1] ?? '';
      const counts: [number, number] = folded.get(stack) ?? [0, 0];
      counts[side as 0 | 1] += Number(match?.[2] ?? 0);
      folded.set(stack, counts);
    }
  });
  return folded;
}

describe('pyprof diff --to collapsed', () => {
  for (const [base, next] of pairs) {
    it(`${base} vs ${next}: the lines difffolded.pl prints for the two runs' own files`, async () => {
      const { output } = await compare(base, next, 'collapsed');
      const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
      const before = decode(await single(base, 'collapsed'));
      const after = decode(await single(next, 'collapsed'));
      const lines = output.split('\n');
      expect(lines.pop()).toBe('');
      const written = new Map<string, [number, number]>();
      for (const line of lines) {
        // Exactly difffolded.pl's form: the stack, one space, two integers.
        const match = /^(\S.*) (\d+) (\d+)$/.exec(line);
        expect(match, line).not.toBeNull();
        if (!match) continue;
        expect(written.has(match[1] as string), match[1]).toBe(false);
        written.set(match[1] as string, [Number(match[2]), Number(match[3])]);
      }
      const expected = difffolded(before, after);
      expect(new Map([...written].sort())).toEqual(new Map([...expected].sort()));
      // The columns add up to each run's own total.
      const sum = (file: string) =>
        file.split('\n').reduce((total, line) => total + Number(/ (\d+)$/.exec(line)?.[1] ?? 0), 0);
      let baseTotal = 0;
      let nextTotal = 0;
      for (const [b, n] of written.values()) {
        baseTotal += b;
        nextTotal += n;
      }
      expect([baseTotal, nextTotal]).toEqual([sum(before), sum(after)]);
      expect(baseTotal).toBe(Math.round(result(base) * 1e9));
      expect(nextTotal).toBe(Math.round(result(next) * 1e9));
    });
  }
});

/** A run's total own time, from its pstats oracle (seconds). */
function result(run: string): number {
  let total = 0;
  for (const row of oracle(run).values()) total += Number(row.tt);
  return total;
}

describe('compareProfiles', () => {
  it('refuses a writer that cannot show a comparison, naming those that can', async () => {
    const { cprofile: reader } = await import('@pyprof/input-cprofile');
    const input = { data: new Uint8Array(readFileSync(join(folder, 'run1.py312.prof'))) };
    // A writer without writeDiff (a third party's, say).
    const plain = defineOutputPlugin({ name: 'plain', title: 'plain', extension: '', *write() {} });
    await expect(
      compareProfiles({
        registry: createRegistry([reader, text, plain]),
        base: [input],
        next: [input],
        to: 'plain',
      }),
    ).rejects.toThrow('plain cannot show a comparison; formats that can: text');
  });
});
