// The corpus's broken hotshot logs (bad/README.md): each is refused with a ProfileError
// that says what and where, except the log cut exactly at a record boundary, which reads
// with a loud `open-frames` warning (and is refused with the strict option).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Diagnostics,
  isProfileError,
  type ProfileError,
  readWith,
  validateProfile,
} from '@pyprof/core';
import { describe, expect, it } from 'vitest';
import { decodeHotshot, hotshot } from '../src/index.js';
import {
  fixturesDir,
  hotshotFixtures,
  type ManifestEntry,
  readFixture,
  readOracle,
} from './corpus.js';
import { expectProfileMatches } from './reference.js';

interface BadEntry {
  file: string;
  derived_from: string | null;
  /** By interpreter (`python2.7`), then by reader: what CPython made of the file. */
  cpython_observed: Record<string, Record<string, string>>;
}

/** bad/manifest.json: what each broken file is and what CPython made of it. */
function badManifest(): BadEntry[] {
  return JSON.parse(readFileSync(join(fixturesDir, 'bad', 'manifest.json'), 'utf8')) as BadEntry[];
}

function refusal(bytes: Uint8Array, options: Record<string, unknown> = {}): ProfileError {
  try {
    readWith(hotshot, bytes, { options });
  } catch (error) {
    if (isProfileError(error)) return error;
    throw error;
  }
  throw new Error('the input was accepted');
}

const badFiles = readdirSync(join(fixturesDir, 'bad')).filter((f) => f.endsWith('.hotshot'));

describe('corpus bad/ hotshot files', () => {
  it('are all here', () => {
    expect(badFiles.sort()).toEqual([
      'empty.hotshot',
      'hotshot-cut-at-record-boundary.hotshot',
      'hotshot-cut-mid-record.hotshot',
      'hotshot-header-only.hotshot',
      'hotshot-overlong-packed-int.hotshot',
      'random-bytes.hotshot',
    ]);
  });

  it.each([
    ['empty.hotshot', 0, /^empty file/],
    [
      'hotshot-header-only.hotshot',
      18,
      /the log ends inside an ADD_INFO record starting here \(its key declares 23 bytes but only 0 are left\)/,
    ],
    [
      'hotshot-cut-mid-record.hotshot',
      57148,
      /the log ends inside an ENTER record starting here \(only 1 of its bytes are here\)/,
    ],
    [
      'hotshot-overlong-packed-int.hotshot',
      942,
      /packed integer longer than 5 bytes \(a 32-bit writer never makes one\)/,
    ],
    ['random-bytes.hotshot', 0, /not a hotshot log: it must start with the ADD_INFO header/],
  ])('%s: refused, saying what and where (offset %d)', (file, offset, message) => {
    const error = refusal(readFixture(`bad/${file}`));
    expect(error.code).toBe('MALFORMED_INPUT');
    expect(error.format).toBe('hotshot');
    expect(error.place).toEqual({ offset });
    expect(error.message).toMatch(message);
    expect(error.message).not.toMatch(/undefined|NaN|\[object/);
  });

  describe('hotshot-cut-at-record-boundary.hotshot', () => {
    const bytes = readFixture('bad/hotshot-cut-at-record-boundary.hotshot');
    // What CPython's LogReader read of it: the first N events of the log it was cut from.
    const row = badManifest().find((e) => e.file === 'hotshot-cut-at-record-boundary.hotshot');
    const source = hotshotFixtures().find((e) => e.file === row?.derived_from) as ManifestEntry;
    const seen = row?.cpython_observed['python2.7']?.['hotshot.log.LogReader'] ?? '';
    const events = Number(/ok: (\d+) events/.exec(seen)?.[1]);
    const whole = readOracle(source);
    const oracle = { ...whole, events: whole.events.slice(0, events) };
    let depth = 0;
    for (const [what] of oracle.events) depth += what === 0 ? 1 : what === 1 ? -1 : 0;

    it('reads, with the open frames closed at the last timestamp and a loud warning', () => {
      expect(events).toBe(23434);
      expect(depth).toBeGreaterThan(0);
      const diagnostics = new Diagnostics();
      const profile = readWith(hotshot, bytes, { diagnostics }).whole;
      expect(validateProfile(profile).errors).toEqual([]);
      expectProfileMatches(profile, oracle, { lineTimings: false });
      const warnings = diagnostics.list;
      expect(warnings.map((w) => w.code)).toEqual(['open-frames']);
      expect(warnings[0]?.message).toMatch(
        new RegExp(`^${depth} frames were still open at the end of the log`),
      );
      expect(warnings[0]?.place).toEqual({ offset: bytes.length });
    });

    it('is refused with the strict option', () => {
      const error = refusal(bytes, { strict: true });
      expect(error.code).toBe('MALFORMED_INPUT');
      expect(error.place).toEqual({ offset: bytes.length });
      expect(error.message).toMatch(new RegExp(`^${depth} frames were still open`));
    });
  });

  it.each([0x03, 0x63, 0x73, 0xf3, 0xff])(
    'an unknown record type (first byte %i) is refused at its offset',
    (type) => {
      const log = readFixture('hotshot/py27/decorators.hotshot');
      const exit = [...decodeHotshot(log)].find((r) => r.type === 'exit');
      const at = exit?.offset as number;
      const bytes = log.slice();
      bytes[at] = type;
      const error = refusal(bytes);
      expect(error.place).toEqual({ offset: at });
      expect(error.message).toMatch(
        `unknown record type 0x${type.toString(16).padStart(2, '0')} (the log is corrupt or not a hotshot log)`,
      );
    },
  );
});
