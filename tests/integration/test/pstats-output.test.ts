// Issue 22's acceptance, Python-free. fixtures/pstats-output/results.json holds what the
// real interpreters said about every output of the pstats writer (generate.mjs, verify.py:
// every corpus pstats dump for both families and the profile-module dumps for their code
// group, every hotshot log, every lsprof pickle, merges across versions): here the writer
// must still write exactly those bytes (SHA-256), every interpreter of each output's family
// must have found it equal to what Python makes of the source, and the list must cover the
// whole corpus. Then, without Python: the written files read back with pyprof's own reader
// give the source's IR; lsprof pickles' numbers are their entries'; `--style pstats`
// reports of a written file are those of its source.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  type InputPlugin,
  mergeProfileSets,
  outputNeeds,
  type Profile,
  type ProfileSet,
  printProfileSet,
  readWith,
  resolveOptions,
  writeToBytes,
  writeToString,
} from '@pyprof/core';
import { cprofile } from '@pyprof/input-cprofile';
import { hotshot } from '@pyprof/input-hotshot';
import { lsprof, parsePythonLabel } from '@pyprof/input-lsprof';
import { codeObjectText, pstats } from '@pyprof/output-pstats';
import { text } from '@pyprof/output-text';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const fixtures = join(import.meta.dirname, '..', 'fixtures', 'pstats-output');

interface Job {
  id: string;
  kind: 'roundtrip' | 'code' | 'hotshot' | 'lsprof' | 'merge' | 'documented-merge';
  reader: 'cprofile' | 'hotshot' | 'lsprof';
  inputs: string[];
  options: { python: string };
  family: 2 | 3;
  sha256: string;
  size: number;
  loaded: Record<string, string>;
}
const results = JSON.parse(readFileSync(join(fixtures, 'results.json'), 'utf8')) as {
  interpreters: Record<string, string>;
  jobs: Job[];
};
const READERS: Record<Job['reader'], InputPlugin> = { cprofile, hotshot, lsprof };
const FAMILY = {
  2: ['2.7.18'],
  3: ['3.6.15', '3.7.16', '3.8.18', '3.9.18', '3.10.13', '3.11.7', '3.12.1', '3.13.0'],
};
const GROUP: Record<string, string[]> = {
  '3.7': ['3.6.15', '3.7.16'],
  '3.10': ['3.8.18', '3.9.18', '3.10.13'],
  '3.12': ['3.11.7', '3.12.1', '3.13.0'],
};

const bytesOf = (path: string) => new Uint8Array(readFileSync(join(root, path)));

function read(reader: InputPlugin, path: string, options: { python: string }): ProfileSet {
  const needs = outputNeeds(pstats, resolveOptions(pstats.options, options, 'pstats'));
  return readWith(reader, bytesOf(path), { needs });
}

/** What the CLI writes for the job: its inputs read, merged in pstats order, written. */
function writeJob(job: Job): Uint8Array {
  const sets = job.inputs.map((path) => read(READERS[job.reader], path, job.options));
  return writeToBytes(pstats, mergeProfileSets(sets, { order: 'pstats' }), {
    options: job.options,
  });
}

function filesUnder(folder: string, suffix: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, folder), { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path, suffix));
    else if (entry.name.endsWith(suffix)) out.push(path);
  }
  return out.sort();
}

const pstatsDumps = filesUnder('packages/input-cprofile/test/fixtures/pstats', '.prof');
const hotshotLogs = filesUnder('packages/input-hotshot/test/fixtures/hotshot', '.hotshot');
const lsprofPickles = filesUnder('packages/input-lsprof/test/fixtures/lsprof', '.pickle');
const profileDumps = pstatsDumps.filter((p) => p.endsWith('.profile.prof'));

describe('the committed results cover the corpus', () => {
  const inputsOf = (kind: Job['kind'], python: string) =>
    results.jobs
      .filter((j) => j.kind === kind && j.options.python === python)
      .map((j) => j.inputs[0])
      .sort();

  it('every pstats dump, for both families', () => {
    expect(pstatsDumps.length).toBe(87);
    expect(inputsOf('roundtrip', '2')).toEqual(pstatsDumps);
    expect(inputsOf('roundtrip', '3')).toEqual(pstatsDumps);
  });

  it("every profile-module dump of Python 3, for its code object's group", () => {
    const code = results.jobs.filter((j) => j.kind === 'code');
    expect(code.map((j) => j.inputs[0]).sort()).toEqual(
      profileDumps.filter((p) => !p.includes('/py27/')),
    );
  });

  it('every hotshot log and lsprof pickle, for both families', () => {
    expect(hotshotLogs.length).toBe(28);
    expect(lsprofPickles.length).toBe(23);
    for (const python of ['2', '3']) {
      expect(inputsOf('hotshot', python)).toEqual(hotshotLogs);
      expect(inputsOf('lsprof', python)).toEqual(lsprofPickles);
    }
  });

  it('merges across Python versions', () => {
    expect(results.jobs.filter((j) => j.kind === 'merge')).toHaveLength(3);
    expect(results.jobs.filter((j) => j.kind === 'documented-merge')).toHaveLength(3);
  });
});

describe.each(results.jobs.map((job) => [job.id, job] as const))('%s', (_, job) => {
  it('loaded equal in every interpreter of its family', () => {
    const expected = job.kind === 'code' ? GROUP[job.options.python] : FAMILY[job.family];
    expect(Object.keys(job.loaded).sort()).toEqual([...(expected ?? [])].sort());
    for (const verdict of Object.values(job.loaded)) expect(verdict).toMatch(/^equal/);
  });

  it('is still written byte for byte as the interpreters saw it', () => {
    const bytes = writeJob(job);
    expect(bytes.length).toBe(job.size);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(job.sha256);
  });
});

/** The source's IR, its code-object keys as the text the written file holds. */
function comparable(profile: Profile, family: 2 | 3, codeAsText: boolean): string {
  const fns = profile.functions;
  const lines: string[] = [];
  const name = (fn: number) => {
    const code = fns.details.get(fn)?.codeObject;
    return code && codeAsText
      ? codeObjectText(code, family)
      : (profile.strings[fns.name[fn] as number] as string);
  };
  const key = (fn: number) =>
    JSON.stringify([profile.strings[fns.file[fn] as number], fns.line[fn], name(fn)]);
  for (let fn = 0; fn < fns.length; fn++) {
    lines.push(
      `${key(fn)} ${fns.callCount[fn]} ${fns.primitiveCallCount[fn]} ${fns.selfTime[fn]} ${fns.inclusiveTime[fn]}`,
    );
  }
  const calls = profile.calls;
  for (let e = 0; e < calls.length; e++) {
    lines.push(
      `${key(calls.caller[e] as number)} -> ${key(calls.callee[e] as number)} ${calls.callCount[e]} ${calls.primitiveCallCount[e]} ${calls.selfTime[e]} ${calls.inclusiveTime[e]}`,
    );
  }
  return lines.join('\n');
}

describe('read back by pyprof', () => {
  const roundtrips = results.jobs.filter((j) => j.kind === 'roundtrip' || j.kind === 'code');

  it.each(roundtrips.map((job) => [job.id, job] as const))('%s', (_, job) => {
    const source = readWith(cprofile, bytesOf(job.inputs[0] as string));
    const back = readWith(cprofile, writeJob(job));
    const sameFamily = source.whole.metadata.pythonMajor === job.family;
    const hasCode = [...source.whole.functions.details.values()].some((d) => d.codeObject);
    const keepsCode = hasCode && (job.kind === 'code' || (sameFamily && job.family === 2));
    if (sameFamily && (!hasCode || keepsCode)) {
      // The same IR: every function, edge, number, warning and the code object's bytes.
      expect(printProfileSet(back)).toBe(printProfileSet(source));
    } else {
      // Another family's strings (same text) or a code object turned into its text.
      expect(comparable(back.whole, job.family, false)).toBe(
        comparable(source.whole, job.family, hasCode && !keepsCode),
      );
    }
  });
});

describe('a Python 2.7 dump written again for Python 2 is byte for byte the same', () => {
  const py27 = pstatsDumps.filter((p) => /py27/.test(p));
  it('covers every 2.7 dump (cProfile and profile)', () => {
    expect(py27.length).toBe(13);
  });
  it.each(py27)('%s', (path) => {
    const source = bytesOf(path);
    const written = writeToBytes(pstats, readWith(cprofile, source), { options: { python: '2' } });
    expect(Buffer.from(written).equals(Buffer.from(source))).toBe(true);
  });
});

interface LsprofEntry {
  code: string;
  callcount: number;
  reccallcount: number;
  totaltime: number;
  inlinetime: number;
}
interface LsprofStats {
  data: LsprofEntry[];
  threads: Array<[number, LsprofStats]>;
}

describe('lsprof pickles: the numbers are the entries', () => {
  it.each(lsprofPickles)('%s', (path) => {
    const oracleFile = readdirSync(join(root, path, '..')).find((name) =>
      name.startsWith(`${path.split('/').pop()}.oracle.json`),
    ) as string;
    let oracleBytes = readFileSync(join(root, path, '..', oracleFile));
    if (oracleFile.endsWith('.gz')) oracleBytes = gunzipSync(oracleBytes);
    const oracle = JSON.parse(oracleBytes.toString('utf8')) as { stats: LsprofStats };
    const set = read(lsprof, path, { python: '3' });
    // The whole is the main Stats and then its threads in the pickle's order (the oracle
    // lists threads sorted; the order matters only for the last bit of float sums).
    const threadOrder = set.parts.map((p) => p.metadata.threadId);
    const parts = threadOrder.map((id) =>
      id === undefined
        ? oracle.stats
        : (oracle.stats.threads.find(([ident]) => String(ident) === id)?.[1] as LsprofStats),
    );
    expect(parts.length).toBe(1 + oracle.stats.threads.length);
    const expected = new Map<string, number[]>();
    for (const part of parts) {
      const own = new Map<string, number[]>();
      for (const entry of part.data) {
        const label = parsePythonLabel(entry.code);
        const key = label
          ? JSON.stringify([label.module, label.line, label.name])
          : JSON.stringify(['~', 0, entry.code]);
        const numbers = [
          entry.callcount,
          entry.callcount - entry.reccallcount,
          entry.inlinetime,
          entry.totaltime,
        ];
        const old = own.get(key);
        own.set(key, old ? old.map((v, k) => v + (numbers[k] as number)) : numbers);
      }
      for (const [key, numbers] of own) {
        const old = expected.get(key) ?? [0, 0, 0, 0];
        expected.set(
          key,
          old.map((v, k) => v + (numbers[k] as number)),
        );
      }
    }
    const back = readWith(cprofile, writeToBytes(pstats, set, { options: { python: '3' } })).whole;
    const fns = back.functions;
    const got = new Map<string, number[]>();
    for (let fn = 0; fn < fns.length; fn++) {
      const key = JSON.stringify([
        back.strings[fns.file[fn] as number],
        fns.line[fn],
        back.strings[fns.name[fn] as number],
      ]);
      got.set(key, [
        fns.callCount[fn] as number,
        fns.primitiveCallCount[fn] as number,
        fns.selfTime[fn] as number,
        fns.inclusiveTime[fn] as number,
      ]);
    }
    for (const [key, numbers] of expected) expect([key, got.get(key)]).toEqual([key, numbers]);
    // Totals: pstats' total_calls and prim_calls over the written entries.
    const sum = (k: number, from: Map<string, number[]>) =>
      [...from.values()].reduce((a, n) => a + (n[k] as number), 0);
    expect(sum(0, got)).toBe(sum(0, expected));
    expect(sum(1, got)).toBe(sum(1, expected));
    expect(sum(2, got)).toBeCloseTo(sum(2, expected), 12);
  });
});

describe('--style pstats reports of a written file are those of its source', () => {
  const reports = [
    { report: 'stats' },
    { report: 'stats', sort: ['cumulative'] },
    { report: 'callers', sort: ['tottime'] },
    { report: 'callees' },
  ];
  it.each(pstatsDumps.map((p) => [relative('packages/input-cprofile/test/fixtures', p), p]))(
    '%s',
    (_, path) => {
      const source = readWith(cprofile, bytesOf(path));
      const family = source.whole.metadata.pythonMajor === 2 ? '2' : '3';
      const written = readWith(
        cprofile,
        writeToBytes(pstats, source, { options: { python: family } }),
      );
      for (const options of reports) {
        const all = { style: 'pstats', ...options };
        expect(writeToString(text, written, { options: all })).toBe(
          writeToString(text, source, { options: all }),
        );
      }
    },
  );
});
