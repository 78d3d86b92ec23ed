// The GitHub Actions workflows (.github/workflows) cannot run here, so this checks what
// can be checked without GitHub: the files parse as YAML with the shape Actions needs,
// every command they run is a script of the root package.json (or a file of the
// repository), every tool those scripts start is installed in the workspace, and they use
// only the few actions named below. CI: `npm test` on Node 20, 22 and 24 (Linux), the CLI
// tests on macOS and Windows; release: the changesets action, publishing with provenance.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const folder = join(root, '.github', 'workflows');
const scripts: Record<string, string> = JSON.parse(
  readFileSync(join(root, 'package.json'), 'utf8'),
).scripts;
const bin = join(root, 'node_modules', '.bin');

/** The actions the workflows may use, at these major versions. */
const ACTIONS = new Set(['actions/checkout@v4', 'actions/setup-node@v4', 'changesets/action@v1']);

interface Step {
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, string>;
  readonly env?: Record<string, string>;
}
interface Job {
  readonly 'runs-on': string;
  readonly strategy?: { matrix: Record<string, string[]> };
  readonly steps: Step[];
}
interface Workflow {
  readonly name: string;
  readonly on: Record<string, unknown>;
  readonly permissions: Record<string, string>;
  readonly jobs: Record<string, Job>;
}

function workflow(file: string): Workflow {
  const parsed = load(readFileSync(join(folder, file), 'utf8'), { filename: file });
  expect(parsed).toMatchObject({ name: expect.any(String), on: expect.any(Object) });
  const value = parsed as Workflow;
  for (const [name, job] of Object.entries(value.jobs)) {
    expect(typeof job['runs-on'], name).toBe('string');
    expect(job.steps.length, name).toBeGreaterThan(0);
    for (const step of job.steps)
      expect(Object.keys(step).filter((key) => key === 'uses' || key === 'run')).toHaveLength(1);
  }
  return value;
}

/**
 * What a command line runs, checked: `npm test`, `npm run <script>` or `bash <file>`; a
 * script is followed into its own commands (the `&&` parts), each of which must start
 * with a tool installed in the workspace (or node, npm, npx, pnpm), down to the end.
 */
function checkCommand(command: string, seen: Set<string> = new Set()): void {
  for (const part of command.split('&&').map((text) => text.trim())) {
    const [tool, ...args] = part.split(/\s+/);
    const script =
      tool === 'npm' && args[0] === 'test'
        ? 'test'
        : (tool === 'npm' || tool === 'pnpm') && args[0] === 'run'
          ? args[1]
          : undefined;
    if (script !== undefined) {
      expect(Object.keys(scripts), `${part}: no such script`).toContain(script);
      if (!seen.has(script)) {
        seen.add(script);
        checkCommand(scripts[script] as string, seen);
      }
    } else if (tool === 'bash') {
      expect(existsSync(join(root, args[0] as string)), `${part}: no such file`).toBe(true);
    } else if (tool === 'node') {
      expect(existsSync(join(root, args[0] as string)), `${part}: no such file`).toBe(true);
    } else if (tool === 'npx' || tool === 'pnpm') {
      // `npx -y pnpm@<version> install …` (setup) or `pnpm <tool>` of the workspace.
      if (tool === 'pnpm') expect(existsSync(join(bin, args[0] as string)), part).toBe(true);
    } else {
      expect(existsSync(join(bin, tool as string)), `${part}: ${tool} is not installed`).toBe(true);
    }
  }
}

function runs(value: Workflow): string[] {
  return Object.values(value.jobs).flatMap((job) =>
    job.steps.flatMap((step) =>
      step.run !== undefined ? step.run.split('\n').filter((line) => line.trim() !== '') : [],
    ),
  );
}

describe('GitHub Actions workflows', () => {
  it('are the CI, release and web page workflows, and nothing else', () => {
    expect(readdirSync(folder).sort()).toEqual(['ci.yml', 'pages.yml', 'release.yml']);
  });

  it('pages builds the web page with the locked dependencies and publishes apps/web/dist', () => {
    const pages = workflow('pages.yml');
    expect(Object.keys(pages.on).sort()).toEqual(['push', 'workflow_dispatch']);
    expect(pages.permissions).toEqual({ contents: 'read', pages: 'write', 'id-token': 'write' });
    const steps = (pages.jobs.deploy as Job).steps;
    expect(steps.map((step) => step.run).filter(Boolean)).toEqual([
      'npx -y pnpm@12.4.2 install --frozen-lockfile',
      'node_modules/.bin/pnpm exec turbo run build --filter=@pyprof/web...',
    ]);
    expect(steps.find((step) => step.uses === 'actions/upload-pages-artifact@v3')?.with).toEqual({
      path: 'apps/web/dist',
    });
    expect(steps.map((step) => step.uses).filter(Boolean)).toEqual([
      'actions/checkout@v4',
      'actions/setup-node@v4',
      'actions/upload-pages-artifact@v3',
      'actions/deploy-pages@v4',
    ]);
  });

  it('CI runs the README’s test command on Node 20, 22 and 24, and the CLI tests on macOS and Windows', () => {
    const ci = workflow('ci.yml');
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
    const test = ci.jobs.test as Job;
    expect(test['runs-on']).toBe('ubuntu-latest');
    expect(test.strategy?.matrix.node).toEqual(['20', '22', '24']);
    expect(test.steps.map((step) => step.run).filter(Boolean)).toEqual(['npm test']);
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toMatch(/```sh\nnpm test\n```/);
    const cli = ci.jobs.cli as Job;
    expect(cli.strategy?.matrix.os).toEqual(['macos-latest', 'windows-latest']);
    expect(cli.steps.map((step) => step.run).filter(Boolean)).toEqual([
      'npm run setup',
      'npm run test:cli',
    ]);
    expect(scripts['test:cli']).toBe('vitest run --project cli');
    expect(readFileSync(join(root, 'apps', 'cli', 'vitest.config.ts'), 'utf8')).toContain(
      "name: 'cli'",
    );
  });

  it('release versions and publishes with the changesets action, with npm provenance', () => {
    const release = workflow('release.yml');
    expect(release.permissions['id-token']).toBe('write');
    const steps = (release.jobs.release as Job).steps;
    const changesets = steps.find((step) => step.uses === 'changesets/action@v1');
    expect(changesets?.with).toMatchObject({
      version: 'npm run version-packages',
      publish: 'npm run release',
    });
    expect(changesets?.env?.NPM_CONFIG_PROVENANCE).toBe('true');
    expect(changesets?.env?.NODE_AUTH_TOKEN).toMatch(/^\$\{\{ secrets\.NPM_TOKEN \}\}$/);
    const setup = steps.find((step) => step.uses === 'actions/setup-node@v4');
    expect(setup?.with?.['registry-url']).toBe('https://registry.npmjs.org');
    // The tests run before anything is versioned or published.
    expect(steps.findIndex((step) => step.run === 'npm test')).toBeLessThan(
      steps.indexOf(changesets as Step),
    );
    checkCommand(changesets?.with?.version as string);
    checkCommand(changesets?.with?.publish as string);
    expect(scripts.release).toBe('pnpm run build && changeset publish');
  });

  for (const file of ['ci.yml', 'release.yml']) {
    it(`${file}: every command is a script that exists, down to the tools it starts; only known actions`, () => {
      const value = workflow(file);
      for (const line of runs(value)) checkCommand(line);
      const used = Object.values(value.jobs).flatMap((job) =>
        job.steps.flatMap((step) => (step.uses !== undefined ? [step.uses] : [])),
      );
      for (const action of used) expect(ACTIONS, action).toContain(action);
    });
  }

  it('the root scripts start turbo only through scripts/turbo.mjs, which turns its telemetry off', () => {
    for (const [name, command] of Object.entries(scripts))
      expect(command, name).not.toMatch(/(^|&&\s*|\s)turbo\s/);
    expect(readFileSync(join(root, 'scripts', 'turbo.mjs'), 'utf8')).toMatch(
      /TURBO_TELEMETRY_DISABLED: '1'/,
    );
  });

  it('the command check fails on a script or tool that does not exist', () => {
    expect(() => checkCommand('npm run no-such-script')).toThrow(/no such script/);
    expect(() => checkCommand('bash .ci/no-such-file')).toThrow(/no such file/);
    expect(() => checkCommand('no-such-tool --flag')).toThrow(/is not installed/);
  });
});
