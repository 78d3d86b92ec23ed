// The safety limits: what no real log can contain is refused with a clear error after work
// proportional to the input, instead of growing memory without bound. The logs are a real
// header followed by hand-assembled records (spec §3).
import { Diagnostics, isProfileError, type ProfileError, readWith } from '@pyprof/core';
import { describe, expect, it } from 'vitest';
import { hotshot } from '../src/index.js';
import { MAX_DEPTH, MAX_LEVELS_BEFORE, MAX_UNDEFINED_FUNCTIONS } from '../src/replay.js';
import { readFixture } from './corpus.js';

const header = readFixture('hotshot/py27/decorators.hotshot').subarray(0, 18);
// DEFINE_FILE 0 "a.py"; DEFINE_FUNC (0, line 1) "f".
const definitions = [0x23, 0, 4, 0x61, 0x2e, 0x70, 0x79, 0x43, 0, 1, 1, 0x66];

function log(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(header.length + definitions.length + body.length);
  out.set(header);
  out.set(definitions, header.length);
  out.set(body, header.length + definitions.length);
  return out;
}

function refusal(bytes: Uint8Array): ProfileError {
  try {
    readWith(hotshot, bytes);
  } catch (error) {
    if (isProfileError(error)) return error;
    throw error;
  }
  throw new Error('the input was accepted');
}

const start = header.length + definitions.length;

describe('limits', () => {
  it(`a stack deeper than ${MAX_DEPTH} frames`, () => {
    // ENTER (file 0, line 1, tdelta 0), over and over: 3 bytes each.
    const body = new Uint8Array(3 * (MAX_DEPTH + 1));
    for (let k = 0; k < body.length; k += 3) body[k + 1] = 1;
    const error = refusal(log(body));
    expect(error.place).toEqual({ offset: start + 3 * MAX_DEPTH });
    expect(error.message).toMatch(`grows deeper than ${MAX_DEPTH} frames`);
  }, 30_000);

  it(`more than ${MAX_LEVELS_BEFORE} frames entered before profiling`, () => {
    // EXIT with nothing on the stack (tdelta 0): one byte each.
    const body = new Uint8Array(MAX_LEVELS_BEFORE + 1).fill(0x01);
    const error = refusal(log(body));
    expect(error.place).toEqual({ offset: start + MAX_LEVELS_BEFORE });
    expect(error.message).toMatch(`more than ${MAX_LEVELS_BEFORE} frames return`);
    // One fewer is read, as that many synthetic levels.
    const profile = readWith(hotshot, log(body.subarray(1))).whole;
    expect(profile.functions.length).toBe(MAX_LEVELS_BEFORE);
  });

  it(`more than ${MAX_UNDEFINED_FUNCTIONS} functions without DEFINE_FUNC`, () => {
    // ENTER (file 0, line 2 + k, tdelta 0) then EXIT, for lines nobody defined.
    const count = MAX_UNDEFINED_FUNCTIONS + 1;
    const body = new Uint8Array(6 * count);
    for (let k = 0; k < count; k++) {
      const line = 2 + k;
      // The line as a 3-byte packed integer (a longer form than needed is still valid).
      body.set(
        [0x00, 0x80 | (line & 0x7f), 0x80 | ((line >> 7) & 0x7f), line >> 14, 0, 0x01],
        6 * k,
      );
    }
    const error = refusal(log(body));
    expect(error.place).toEqual({ offset: start + 6 * MAX_UNDEFINED_FUNCTIONS });
    expect(error.message).toMatch(
      `more than ${MAX_UNDEFINED_FUNCTIONS} functions are entered without a DEFINE_FUNC record`,
    );
  });

  it('a few undefined functions are read, named <undefined>, with a warning', () => {
    const body = Uint8Array.from([0x00, 7, 0, 0x01, 0x04, 1, 0, 0x01]);
    const diagnostics = new Diagnostics();
    const profile = readWith(hotshot, log(body), { diagnostics }).whole;
    expect(diagnostics.list.map((w) => w.code)).toEqual(['undefined-function', 'undefined-file']);
    expect(profile.strings).toContain('<undefined>');
    expect(profile.strings).toContain('<undefined file 1>');
  });
});
