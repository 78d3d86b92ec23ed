// The viewer suite's own precondition: the tools it drives are installed (CI installs
// chromium, pyprof2calltree and golang-go; valgrind ships callgrind_annotate). A missing tool fails
// here, loudly, instead of silently skipping the tests that need it.
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('viewer tools', () => {
  it('has callgrind_annotate', () => {
    // `--version` prints the version and exits with status 1 (valgrind 3.19).
    const result = spawnSync('callgrind_annotate', ['--version'], { encoding: 'utf8' });
    expect(result.error).toBeUndefined();
    expect(`${result.stdout}${result.stderr}`).toMatch(/callgrind_annotate-\d/);
  });
  it('has pyprof2calltree', () => {
    expect(spawnSync('pyprof2calltree', ['--help'], { encoding: 'utf8' }).stdout).toMatch(/-i/);
  });
  it('has go tool pprof', () => {
    const result = spawnSync('go', ['tool', 'pprof', '-help'], { encoding: 'utf8' });
    expect(result.error).toBeUndefined();
    expect(`${result.stdout}${result.stderr}`).toMatch(/pprof <format> \[options\]/);
  });
  it('has chromium', () => {
    expect(execFileSync('chromium', ['--version'], { encoding: 'utf8' })).toMatch(/Chromium \d+/);
  });
});
