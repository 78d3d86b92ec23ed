// What users install is what we test: every package is packed (`pnpm pack`, which turns
// `workspace:^` into real version ranges), and the tarballs are installed with plain npm
// into scratch projects outside the workspace — a library user with only core, the pstats
// reader and the callgrind writer, and a CLI user with `pyprof` and the @pyprof/* tarballs
// it depends on (none of them is on the registry), then the published ways the README
// shows: `npm install -g` under a temporary prefix, and npx, each run from another folder
// with a relative input path. Needs the packages built (`npm test` does that first) and
// the npm registry for third-party dependencies.
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const corpusFile = join(
  root,
  'packages',
  'input-cprofile',
  'test',
  'fixtures',
  'pstats',
  'py313',
  'decorators.cprofile.prof',
);
const packages = [
  'core',
  'input-collapsed',
  'input-cprofile',
  'input-hotshot',
  'input-line-profiler',
  'input-lsprof',
  'input-yappi',
  'output-callgrind',
  'output-chrome-trace',
  'output-collapsed',
  'output-pprof',
  'output-pstats',
  'output-speedscope',
  'output-text',
  'pickle',
  'testkit',
];
const tarballs: Record<string, string> = {};
let scratch: string;

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      npm_config_fund: 'false',
      npm_config_audit: 'false',
      npm_config_update_notifier: 'false',
    },
  });
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'pyprof-packed-'));
  const packs = join(scratch, 'tarballs');
  mkdirSync(packs);
  const pnpm = join(root, 'node_modules', '.bin', 'pnpm');
  for (const name of packages)
    run(pnpm, ['pack', '--pack-destination', packs], join(root, 'packages', name));
  run(pnpm, ['pack', '--pack-destination', packs], join(root, 'apps', 'cli'));
  for (const file of readdirSync(packs)) {
    // pnpm names @pyprof/core `pyprof-core-0.1.0.tgz` and the CLI `pyprof-0.1.0.tgz`.
    const match = /^pyprof-(?:(.+)-)?\d+\.\d+\.\d+\.tgz$/.exec(file);
    if (match) tarballs[match[1] ?? 'cli'] = join(packs, file);
  }
}, 300_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function project(name: string): string {
  const dir = join(scratch, name);
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name, version: '1.0.0', private: true, type: 'module' }),
  );
  copyFileSync(corpusFile, join(dir, 'run.prof'));
  return dir;
}

describe('packed packages installed with plain npm', () => {
  it('packs every package with its dist, README, license field and real version ranges', () => {
    expect(Object.keys(tarballs).sort()).toEqual([...packages, 'cli'].sort());
    const list = run('tar', ['-tzf', tarballs.core as string], scratch);
    expect(list).toContain('package/dist/index.js');
    expect(list).toContain('package/dist/index.d.ts');
    expect(list).toContain('package/README.md');
    const manifest = JSON.parse(
      run('tar', ['-xzOf', tarballs['input-cprofile'] as string, 'package/package.json'], scratch),
    );
    expect(manifest.license).toBe('MIT');
    expect(manifest.peerDependencies['@pyprof/core']).toBe('>=0.1.0 <1.0.0');
  });

  it('a library user converts a corpus file with core, the pstats reader and the callgrind writer', () => {
    const dir = project('library-user');
    run(
      'npm',
      [
        'install',
        '--no-package-lock',
        tarballs.core as string,
        tarballs['input-cprofile'] as string,
        tarballs['output-callgrind'] as string,
      ],
      dir,
    );
    expect(readdirSync(join(dir, 'node_modules', '@pyprof')).sort()).toEqual([
      'core',
      'input-cprofile',
      'output-callgrind',
    ]);
    writeFileSync(
      join(dir, 'convert.mjs'),
      `import { readFileSync, writeFileSync } from 'node:fs';
import { readWith, writeToBytes } from '@pyprof/core';
import { cprofile } from '@pyprof/input-cprofile';
import { callgrind } from '@pyprof/output-callgrind';
const set = readWith(cprofile, readFileSync('run.prof'));
writeFileSync('callgrind.out.run', writeToBytes(callgrind, set));
console.log(set.whole.functions.length);
`,
    );
    expect(run('node', ['convert.mjs'], dir).trim()).toBe('22');
    const output = readFileSync(join(dir, 'callgrind.out.run'), 'utf8');
    expect(output.startsWith('# callgrind format\n')).toBe(true);
    expect(output).toMatch(/^c?fn=\(\d+\) decorated:31$/m);
    expect(output).toMatch(/^c?fn=\(\d+\) decorated:46$/m);
  });

  for (const [name, fixture, exported, expected] of [
    [
      'input-line-profiler',
      'packages/input-line-profiler/test/fixtures/lprof/py311-lp402/recursion.lprof',
      'lineProfiler',
      '8 functions, 27 lines',
    ],
    [
      'input-yappi',
      'packages/input-yappi/test/fixtures/ystat/threads.wall.ystat',
      'yappi',
      '31 functions, 4 parts',
    ],
  ] as const) {
    it(`@pyprof/${name} installs alone (with core and the pickle reader it depends on)`, () => {
      const dir = project(`${name}-user`);
      copyFileSync(join(root, fixture), join(dir, 'input.bin'));
      run(
        'npm',
        [
          'install',
          '--no-package-lock',
          tarballs.core as string,
          tarballs.pickle as string,
          tarballs[name] as string,
        ],
        dir,
      );
      expect(readdirSync(join(dir, 'node_modules', '@pyprof')).sort()).toEqual(
        ['core', name, 'pickle'].sort(),
      );
      writeFileSync(
        join(dir, 'read.mjs'),
        `import { readFileSync } from 'node:fs';
import { readWith } from '@pyprof/core';
import { ${exported} } from '@pyprof/${name}';
const set = readWith(${exported}, readFileSync('input.bin'));
console.log(\`\${set.whole.functions.length} functions, \${set.whole.lines ? \`\${set.whole.lines.length} lines\` : \`\${set.parts.length} parts\`}\`);
`,
      );
      expect(run('node', ['read.mjs'], dir).trim()).toBe(expected);
    });
  }
  it('@pyprof/output-pprof installs alone (with core and the pstats reader) and converts', () => {
    const dir = project('pprof-user');
    run(
      'npm',
      [
        'install',
        '--no-package-lock',
        tarballs.core as string,
        tarballs['input-cprofile'] as string,
        tarballs['output-pprof'] as string,
      ],
      dir,
    );
    expect(readdirSync(join(dir, 'node_modules', '@pyprof')).sort()).toEqual([
      'core',
      'input-cprofile',
      'output-pprof',
    ]);
    // Its two dependencies come from the registry: the encoder decodes what it wrote.
    writeFileSync(
      join(dir, 'convert.mjs'),
      `import { readFileSync } from 'node:fs';
import { readWith, writeToBytes } from '@pyprof/core';
import { cprofile } from '@pyprof/input-cprofile';
import { pprof } from '@pyprof/output-pprof';
import { gunzipSync } from 'fflate';
import { Profile } from 'pprof-format';
const bytes = writeToBytes(pprof, readWith(cprofile, readFileSync('run.prof'), { needs: pprof.needs }));
const profile = Profile.decode(gunzipSync(bytes));
const names = profile.function.map((f) => profile.stringTable.strings[Number(f.name)]);
console.log(names.filter((n) => n.startsWith('decorated')).sort().join(' '));
`,
    );
    expect(run('node', ['convert.mjs'], dir).trim()).toBe('decorated:31 decorated:46');
  });

  it('a library user reads collapsed stacks with core and the collapsed reader alone', () => {
    const dir = project('collapsed-user');
    run(
      'npm',
      [
        'install',
        '--no-package-lock',
        tarballs.core as string,
        tarballs['input-collapsed'] as string,
      ],
      dir,
    );
    expect(readdirSync(join(dir, 'node_modules', '@pyprof')).sort()).toEqual([
      'core',
      'input-collapsed',
    ]);
    writeFileSync(
      join(dir, 'read.mjs'),
      `import { readWith } from '@pyprof/core';
import { collapsed } from '@pyprof/input-collapsed';
const set = readWith(collapsed, new TextEncoder().encode('main;work 3\\nmain 1\\n'));
console.log(set.whole.metadata.costUnit, set.whole.functions.inclusiveTime[0]);
`,
    );
    expect(run('node', ['read.mjs'], dir).trim()).toBe('samples 4');
  });

  it('a CLI user runs pyprof convert from the installed tarballs', () => {
    const dir = project('cli-user');
    run(
      'npm',
      [
        'install',
        '--no-package-lock',
        ...Object.values(tarballs).filter((t) => !t.includes('testkit')),
      ],
      dir,
    );
    const stdout = execFileSync(
      join(dir, 'node_modules', '.bin', 'pyprof'),
      ['convert', 'run.prof', '--to', 'callgrind', '-o', 'out.callgrind'],
      { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    expect(stdout).toBe('');
    expect(
      readFileSync(join(dir, 'out.callgrind'), 'utf8').startsWith('# callgrind format\n'),
    ).toBe(true);
    expect(run(join(dir, 'node_modules', '.bin', 'pyprof'), ['formats'], dir)).toMatch(
      /^callgrind\s/m,
    );
  });

  /** The CLI's tarballs: pyprof and the @pyprof/* packages it depends on. */
  const cliTarballs = () =>
    Object.entries(tarballs)
      .filter(([name]) => name !== 'testkit')
      .map(([, file]) => file);

  /** A folder with a profile one level down, to be named by a relative path. */
  function elsewhere(name: string): string {
    const dir = join(scratch, name);
    mkdirSync(join(dir, 'profiles'), { recursive: true });
    copyFileSync(corpusFile, join(dir, 'profiles', 'run.prof'));
    return dir;
  }

  it('npm install -g under a temporary prefix gives a pyprof command that works from any folder', {
    timeout: 300_000,
  }, () => {
    const prefix = join(scratch, 'global-prefix');
    const cache = join(scratch, 'npm-cache-global');
    execFileSync('npm', ['install', '-g', '--prefix', prefix, ...cliTarballs()], {
      cwd: scratch,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        npm_config_cache: cache,
        npm_config_fund: 'false',
        npm_config_audit: 'false',
        npm_config_update_notifier: 'false',
      },
    });
    const dir = elsewhere('global-user');
    const env = {
      ...process.env,
      PATH: `${join(prefix, 'bin')}${delimiter}${process.env.PATH ?? ''}`,
    };
    const text = execFileSync('pyprof', ['convert', 'profiles/run.prof', '--to', 'text', '-q'], {
      cwd: dir,
      encoding: 'utf8',
      env,
    });
    expect(text).toMatch(/^run\.prof\n128 function calls in 0\.100 ms\n/);
    execFileSync('pyprof', ['convert', 'profiles/run.prof', '--to', 'callgrind', '-q'], {
      cwd: dir,
      env,
    });
    expect(readdirSync(dir).sort()).toEqual(['callgrind.out.run.prof', 'profiles']);
  });

  it('npx runs pyprof from the tarballs without installing it', { timeout: 300_000 }, () => {
    const dir = elsewhere('npx-user');
    const text = execFileSync(
      'npx',
      [
        '--yes',
        ...cliTarballs().flatMap((file) => ['--package', file]),
        '--',
        'pyprof',
        'convert',
        'profiles/run.prof',
        '--to',
        'text',
        '-q',
      ],
      {
        cwd: dir,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          npm_config_cache: join(scratch, 'npm-cache-npx'),
          npm_config_fund: 'false',
          npm_config_audit: 'false',
          npm_config_update_notifier: 'false',
        },
      },
    );
    expect(text).toMatch(/^run\.prof\n128 function calls in 0\.100 ms\n/);
  });

  for (const name of packages) {
    it(`@pyprof/${name} passes publint --strict and attw --profile esm-only`, () => {
      const bin = join(root, 'node_modules', '.bin');
      expect(
        run(join(bin, 'publint'), ['run', '--strict', tarballs[name] as string], scratch),
      ).toMatch(/All good!/);
      // attw exits non-zero on any problem not ignored by the ESM-only profile.
      run(
        join(bin, 'attw'),
        [tarballs[name] as string, '--profile', 'esm-only', '--format', 'ascii'],
        scratch,
      );
    });
  }

  it('pyprof (the CLI, bin only) passes publint --strict', () => {
    expect(
      run(
        join(root, 'node_modules', '.bin', 'publint'),
        ['run', '--strict', tarballs.cli as string],
        scratch,
      ),
    ).toMatch(/All good!/);
  });
});
