// The viewer models read the testkit's own samples as the viewers do: KCachegrind's
// reading of the diamond callgrind file (identity, self costs, inclusive costs) and
// speedscope's checks of the diamond speedscope file (opens; totals conserved) — and
// both notice a broken file.
import { describe, expect, it } from 'vitest';
import {
  canonicalProfiles,
  conservationProblems,
  formatSamples,
  inclusiveCost,
  parseCallgrind,
  type SpeedscopeFile,
  speedscopeProblems,
} from '../src/index.js';

const sample = (name: string) =>
  new TextDecoder().decode(formatSamples().find((s) => s.name === name)?.bytes);

describe("KCachegrind's reading (parseCallgrind)", () => {
  const parsed = parseCallgrind(sample('callgrind.out.diamond'));

  it('finds each function under name + basename(file) + basename(object), with its costs', () => {
    expect(parsed.errors).toEqual([]);
    expect(parsed.events).toEqual(['ns']);
    expect([...parsed.functions.keys()].sort()).toEqual(
      [
        '(profiler)(profiler)',
        'mainmain.py',
        'leftmain.py',
        'rightmain.py',
        'sharedutil.py',
        '<built-in method builtins.len>~',
      ].sort(),
    );
    expect(parsed.functions.get('mainmain.py')?.self).toBe(1_000_000);
    expect(inclusiveCost(parsed, 'mainmain.py')).toBe(17_500_000);
    expect(inclusiveCost(parsed, 'leftmain.py')).toBe(6_500_000);
  });

  it('reports a cfn= without the file before it', () => {
    const broken = sample('callgrind.out.diamond').replace('cfi=(2) /src/app/main.py\n', '');
    expect(parseCallgrind(broken).errors.length).toBeGreaterThan(0);
  });
});

describe("speedscope's checks", () => {
  const text = sample('diamond.speedscope.json');

  it('open the diamond file, whose stacks weigh each function its own time', () => {
    expect(speedscopeProblems(text)).toEqual([]);
    const set = canonicalProfiles().diamond;
    if (!set) throw new Error('no diamond');
    expect(conservationProblems(JSON.parse(text) as SpeedscopeFile, set, 0)).toEqual([]);
  });

  it('refuse a sample without its weight, and a frame out of range', () => {
    const file = JSON.parse(text) as SpeedscopeFile;
    const profile = file.profiles[0];
    if (profile?.type !== 'sampled') throw new Error('expected a sampled profile');
    profile.weights.pop();
    profile.samples[0] = [99];
    const problems = speedscopeProblems(JSON.stringify(file));
    expect(problems).toContain('profile 0: 6 samples, 5 weights');
    expect(problems).toContain('profile 0 sample 0: frame 99 out of range');
  });
});
