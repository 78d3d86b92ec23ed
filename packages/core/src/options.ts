/**
 * Declarative plugin options. A plugin lists its options once (type, default,
 * description); the CLI builds flags and `--help` from the list, READMEs build their
 * options table from it, and `resolveOptions` validates values from either the command
 * line (strings) or library callers (typed values), filling in defaults.
 */
import { invalidOption } from './errors.js';

export interface OptionSpec {
  type: 'string' | 'integer' | 'number' | 'boolean' | 'choice';
  description: string;
  /** Allowed values for `choice`. */
  choices?: readonly string[];
  default?: string | number | boolean | readonly string[];
  /** May be given several times; the value is then an array in the order given. */
  repeatable?: boolean;
  /** Placeholder shown in help, e.g. `KEY`. */
  placeholder?: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;
export type OptionValues = Readonly<Record<string, unknown>>;

/** The value one option spec declares: its choices for `choice`, else its type's. */
export type OptionValueOf<S extends OptionSpec> = S['type'] extends 'boolean'
  ? boolean
  : S['type'] extends 'integer' | 'number'
    ? number
    : S['type'] extends 'choice'
      ? S extends { readonly choices: readonly (infer C extends string)[] }
        ? C
        : string
      : string;

/**
 * The option values `resolveOptions` gives for `specs` — so a plugin declared with
 * `defineInputPlugin` / `defineOutputPlugin` gets its options typed from its own list (a
 * `const` object): an array for a repeatable option, and `undefined` allowed where the
 * option has no default. Untyped specs (`OptionSpecs`) give `OptionValues`.
 */
export type OptionValuesOf<S extends OptionSpecs> = string extends keyof S
  ? OptionValues
  : {
      readonly [K in keyof S]:
        | (S[K] extends { readonly repeatable: true }
            ? readonly OptionValueOf<S[K]>[]
            : OptionValueOf<S[K]>)
        | (S[K] extends { readonly default: unknown } ? never : undefined);
    };

function convert(name: string, spec: OptionSpec, value: unknown, plugin?: string): unknown {
  switch (spec.type) {
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === '1' || value === 'yes') return true;
      if (value === 'false' || value === '0' || value === 'no') return false;
      throw invalidOption(name, `expected true or false, got ${JSON.stringify(value)}`, plugin);
    case 'integer':
    case 'number': {
      const n =
        typeof value === 'number'
          ? value
          : typeof value === 'string' && value.trim() !== ''
            ? Number(value)
            : Number.NaN;
      if (!Number.isFinite(n) || (spec.type === 'integer' && !Number.isInteger(n))) {
        throw invalidOption(
          name,
          `expected ${spec.type === 'integer' ? 'an integer' : 'a number'}, got ${JSON.stringify(value)}`,
          plugin,
        );
      }
      return n;
    }
    case 'choice':
      if (typeof value === 'string' && spec.choices?.includes(value)) return value;
      throw invalidOption(
        name,
        `expected one of ${(spec.choices ?? []).join(', ')}, got ${JSON.stringify(value)}`,
        plugin,
      );
    default:
      if (typeof value === 'string') return value;
      throw invalidOption(name, `expected text, got ${JSON.stringify(value)}`, plugin);
  }
}

/**
 * Validates `values` against `specs` and applies defaults. Unknown keys are an
 * `INVALID_OPTION` error naming the known ones. The result is typed from the specs
 * (`OptionValuesOf`): this is where values become what the specs declare.
 */
export function resolveOptions<const S extends OptionSpecs = OptionSpecs>(
  specs: S | undefined,
  values: OptionValues = {},
  plugin?: string,
): OptionValuesOf<S> {
  const out: Record<string, unknown> = {};
  const known: OptionSpecs = specs ?? {};
  for (const key of Object.keys(values)) {
    if (values[key] === undefined) continue;
    if (!(key in known)) {
      const names = Object.keys(known);
      throw invalidOption(
        key,
        `unknown option${plugin ? ` for ${plugin}` : ''}${names.length ? ` (known: ${names.join(', ')})` : ''}`,
        plugin,
      );
    }
  }
  for (const [key, spec] of Object.entries(known)) {
    const raw = values[key];
    if (raw === undefined) {
      if (spec.default !== undefined) out[key] = spec.default;
      continue;
    }
    if (spec.repeatable) {
      const list = Array.isArray(raw) ? raw : [raw];
      out[key] = list.map((v) => convert(key, spec, v, plugin));
    } else {
      const single = Array.isArray(raw) ? raw[raw.length - 1] : raw;
      out[key] = convert(key, spec, single, plugin);
    }
  }
  // `convert` gave each declared key a value of its spec's type, and defaults fill the rest.
  return out as OptionValuesOf<S>;
}

/** A markdown table of the options (used to generate README sections). */
export function optionsTable(specs: OptionSpecs | undefined): string {
  const rows = Object.entries(specs ?? {});
  if (rows.length === 0) return '_No options._\n';
  const lines = ['| option | values | default | description |', '| --- | --- | --- | --- |'];
  for (const [name, spec] of rows) {
    const values =
      spec.type === 'choice' ? (spec.choices ?? []).map((c) => `\`${c}\``).join(', ') : spec.type;
    const def =
      spec.default === undefined
        ? ''
        : `\`${Array.isArray(spec.default) ? spec.default.join(', ') : String(spec.default)}\``;
    lines.push(
      `| \`--${name}\`${spec.repeatable ? ' (repeatable)' : ''} | ${values} | ${def} | ${spec.description.replace(/\|/g, '\\|')} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
