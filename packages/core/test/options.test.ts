// Declarative options: strings from the command line and typed values from libraries are
// validated the same way, with defaults applied.
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  defineOutputPlugin,
  type OptionSpecs,
  type OptionValues,
  type OptionValuesOf,
  type OutputPlugin,
  optionsTable,
  resolveOptions,
} from '../src/index.js';

const specs: OptionSpecs = {
  unit: { type: 'choice', choices: ['ns', 'us', 'ms'], default: 'ns', description: 'cost unit' },
  limit: { type: 'string', repeatable: true, description: 'restrictions' },
  depth: { type: 'integer', description: 'depth' },
  strict: { type: 'boolean', description: 'fail' },
};

describe('resolveOptions', () => {
  it('converts and defaults', () => {
    expect(resolveOptions(specs, { limit: ['10', 're:x'], depth: '4', strict: 'true' })).toEqual({
      unit: 'ns',
      limit: ['10', 're:x'],
      depth: 4,
      strict: true,
    });
    expect(resolveOptions(specs, { limit: '3', depth: 2, strict: false })).toEqual({
      unit: 'ns',
      limit: ['3'],
      depth: 2,
      strict: false,
    });
  });

  it('explains bad values and unknown options', () => {
    expect(() => resolveOptions(specs, { unit: 's' }, 'callgrind')).toThrow(
      'option --unit: expected one of ns, us, ms, got "s"',
    );
    expect(() => resolveOptions(specs, { depth: '2.5' })).toThrow(
      'option --depth: expected an integer, got "2.5"',
    );
    expect(() => resolveOptions(specs, { colour: true }, 'text')).toThrow(
      'option --colour: unknown option for text (known: unit, limit, depth, strict)',
    );
  });

  it('renders a README table', () => {
    expect(optionsTable(specs)).toBe(`| option | values | default | description |
| --- | --- | --- | --- |
| \`--unit\` | \`ns\`, \`us\`, \`ms\` | \`ns\` | cost unit |
| \`--limit\` (repeatable) | string |  | restrictions |
| \`--depth\` | integer |  | depth |
| \`--strict\` | boolean |  | fail |
`);
  });
});

describe('option values typed from the specs', () => {
  const specs = {
    unit: { type: 'choice', choices: ['ns', 'us'], default: 'ns', description: 'unit' },
    depth: { type: 'integer', description: 'depth' },
    tag: { type: 'string', repeatable: true, description: 'tags' },
    on: { type: 'boolean', default: false, description: 'switch' },
  } as const satisfies OptionSpecs;

  it('are what resolveOptions returns, and what a plugin defined with them is given', () => {
    const values = resolveOptions(specs, { tag: 'a', depth: '3' });
    expectTypeOf(values).toEqualTypeOf<OptionValuesOf<typeof specs>>();
    expectTypeOf(values).toEqualTypeOf<{
      readonly unit: 'ns' | 'us';
      readonly depth: number | undefined;
      readonly tag: readonly string[] | undefined;
      readonly on: boolean;
    }>();
    expect(values).toEqual({ unit: 'ns', depth: 3, tag: ['a'], on: false });
    const plugin = defineOutputPlugin({
      name: 'typed',
      title: 'typed',
      extension: '.txt',
      options: specs,
      *write(_set, options) {
        expectTypeOf(options.unit).toEqualTypeOf<'ns' | 'us'>();
        yield `${options.unit} ${options.depth ?? 0}`;
      },
    });
    expectTypeOf(plugin.options).toEqualTypeOf(specs);
    const untyped: OutputPlugin = plugin;
    expect(untyped.name).toBe('typed');
    expectTypeOf(resolveOptions(untyped.options, {})).toEqualTypeOf<OptionValues>();
  });
});
