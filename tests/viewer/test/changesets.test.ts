// Releases: `changeset version` on a clean clone turns the pending changesets into the
// bumps they ask for — and no spurious majors (plugins take core as a peer dependency,
// which changesets would otherwise bump as breaking) — and writes each summary into the
// package's CHANGELOG.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const order = ['patch', 'minor', 'major'] as const;
type Bump = (typeof order)[number];

function bumped(version: string, bump: Bump): string {
  const [major, minor, patch] = version.split('.').map(Number) as [number, number, number];
  if (bump === 'major') return major === 0 ? `0.${minor + 1}.0` : `${major + 1}.0.0`;
  if (bump === 'minor') return major === 0 ? `0.${minor + 1}.0` : `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
}

function packageDirs(): Map<string, string> {
  const out = new Map<string, string>();
  for (const base of ['packages', 'apps']) {
    for (const name of readdirSync(join(root, base))) {
      const manifest = JSON.parse(readFileSync(join(root, base, name, 'package.json'), 'utf8'));
      if (!manifest.private) out.set(manifest.name, join(base, name));
    }
  }
  return out;
}

describe('changeset version', () => {
  it('bumps every package as its changesets say and writes the changelogs', () => {
    const wanted = new Map<string, { bump: Bump; summaries: string[] }>();
    for (const file of readdirSync(join(root, '.changeset')).filter(
      (f) => f.endsWith('.md') && f !== 'README.md',
    )) {
      const text = readFileSync(join(root, '.changeset', file), 'utf8');
      const [, front = '', body = ''] = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text) ?? [];
      for (const [, name, bump] of front.matchAll(/^"([^"]+)": (patch|minor|major)$/gm)) {
        const entry = wanted.get(name as string) ?? { bump: 'patch' as Bump, summaries: [] };
        if (order.indexOf(bump as Bump) > order.indexOf(entry.bump)) entry.bump = bump as Bump;
        entry.summaries.push(body.trim().split('\n')[0] as string);
        wanted.set(name as string, entry);
      }
    }
    expect(wanted.size).toBeGreaterThan(0);
    const scratch = mkdtempSync(join(tmpdir(), 'pyprof-release-'));
    onTestFinished(() => rmSync(scratch, { recursive: true, force: true }));
    const clone = join(scratch, 'repo');
    execFileSync('git', ['clone', '-q', root, clone]);
    const dirs = packageDirs();
    const before = new Map(
      [...dirs].map(([name, dir]) => [
        name,
        JSON.parse(readFileSync(join(clone, dir, 'package.json'), 'utf8')).version as string,
      ]),
    );
    execFileSync(join(root, 'node_modules', '.bin', 'changeset'), ['version'], {
      cwd: clone,
      stdio: 'pipe',
    });
    for (const [name, dir] of dirs) {
      const after = JSON.parse(readFileSync(join(clone, dir, 'package.json'), 'utf8'))
        .version as string;
      const want = wanted.get(name);
      if (!want) continue;
      expect(after, name).toBe(bumped(before.get(name) as string, want.bump));
      const changelog = readFileSync(join(clone, dir, 'CHANGELOG.md'), 'utf8');
      expect(changelog.startsWith(`# ${name}\n\n## ${after}\n`), name).toBe(true);
      for (const summary of want.summaries) expect(changelog, name).toContain(summary);
    }
  });
});
