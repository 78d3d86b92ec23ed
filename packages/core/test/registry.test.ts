// The registry: frozen, checked at construction, and choosing readers in the documented
// order (--from, certain, extension, likely) with clear errors.
import { describe, expect, it } from 'vitest';
import {
  createRegistry,
  defineInputPlugin,
  defineOutputPlugin,
  type InputPlugin,
  isProfileError,
  makeProfileSet,
  ProfileBuilder,
} from '../src/index.js';

const empty = () => makeProfileSet([new ProfileBuilder({ format: 'x' }).build()]);

function reader(name: string, extensions: string[], detect: InputPlugin['detect']): InputPlugin {
  return defineInputPlugin({ name, title: name.toUpperCase(), extensions, detect, read: empty });
}

const alpha = reader('alpha', ['.a'], (head) =>
  head[0] === 0x41 ? 'certain' : head[0] === 0x61 ? 'likely' : undefined,
);
const beta = reader('beta', ['.b'], (head) =>
  head[0] === 0x42 ? 'certain' : head[0] === 0x61 ? 'likely' : undefined,
);
const thrower = reader('thrower', ['.t'], () => {
  throw new Error('detectors must not throw, but the registry survives it');
});
const out = defineOutputPlugin({ name: 'out', title: 'Out', extension: '.o', *write() {} });
const bytes = (text: string) => new TextEncoder().encode(text);

function errorOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    if (isProfileError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('no error');
}

describe('registry', () => {
  const registry = createRegistry([alpha, beta, thrower, out]);

  it('is frozen and lists readers and writers', () => {
    expect(Object.isFrozen(registry)).toBe(true);
    expect(registry.readers.map((r) => r.name)).toEqual(['alpha', 'beta', 'thrower']);
    expect(registry.writers.map((w) => w.name)).toEqual(['out']);
    expect(registry.with([]).readers).toHaveLength(3);
  });

  it('chooses --from, then certain detectors, then the extension, then likely detectors', () => {
    expect(registry.resolveInput(bytes('B'), { from: 'alpha' }).name).toBe('alpha');
    expect(registry.resolveInput(bytes('B'), { fileName: 'x.a' }).name).toBe('beta');
    expect(registry.resolveInput(bytes('zz'), { fileName: 'dir.a/x.b' }).name).toBe('beta');
    expect(registry.resolveInput(bytes('a'), { fileName: 'x.a' }).name).toBe('alpha');
  });

  it('names the candidates of a tie and suggests --from', () => {
    expect(errorOf(() => registry.resolveInput(bytes('a')))).toEqual({
      code: 'AMBIGUOUS_FORMAT',
      message:
        'ambiguous input format: several readers find the content plausible (alpha, beta); choose one with --from',
    });
  });

  it('lists the supported formats when nothing fits', () => {
    expect(errorOf(() => registry.resolveInput(bytes('zz')))).toEqual({
      code: 'UNKNOWN_FORMAT',
      message:
        'unknown input format: no reader recognises the content (supported: alpha = ALPHA; beta = BETA; thrower = THROWER); choose one with --from',
    });
    expect(errorOf(() => registry.resolveOutput('pdf'))).toEqual({
      code: 'UNKNOWN_FORMAT',
      message: 'unknown output format "pdf" (available: out)',
    });
  });

  it('refuses clashing names and extensions, naming both plugins', () => {
    expect(() => createRegistry([alpha, reader('alpha', ['.z'], () => undefined)])).toThrow(
      'two input plugins are named alpha: "ALPHA" and "ALPHA"',
    );
    expect(() => createRegistry([alpha, reader('gamma', ['.A'], () => undefined)])).toThrow(
      'input plugins alpha and gamma both claim the extension .A',
    );
    expect(() => createRegistry([{ name: 'nothing' } as never])).toThrow(
      /not a pyprof plugin \(nothing\)/,
    );
  });
});
