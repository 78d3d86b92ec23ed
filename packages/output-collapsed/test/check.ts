// What flamegraph.pl and speedscope need of a collapsed file (specs/collapsed.md §1), as
// one parse shared by the package's and the integration tests: every line `frames weight`
// with one space and a positive integer, LF only, no frame ending in a whitespace-separated
// number, no empty frame; returns the lines' stacks and weights.
import { expect } from 'vitest';

export interface CollapsedLine {
  frames: string[];
  weight: number;
}

/** Parses `text` as the consumers do, failing the test on anything they would misread. */
export function parseCollapsed(text: string): CollapsedLine[] {
  expect(text.includes('\r')).toBe(false);
  if (text === '') return [];
  expect(text.endsWith('\n')).toBe(true);
  const lines: CollapsedLine[] = [];
  for (const line of text.slice(0, -1).split('\n')) {
    if (line.startsWith('# ')) continue;
    const match = /^(.*) (\d+)$/.exec(line);
    expect(match, line).not.toBeNull();
    const [, stack, count] = match as RegExpExecArray;
    expect(count).not.toMatch(/^0/);
    // flamegraph.pl's differential pattern must not match the stack.
    expect(stack).not.toMatch(/\s\d+(?:\.\d*)?$/);
    expect(stack).not.toMatch(/\t/);
    const frames = (stack as string).split(';');
    for (const frame of frames) {
      expect(frame).not.toBe('');
      expect(frame.trim()).toBe(frame);
    }
    lines.push({ frames, weight: Number(count) });
  }
  return lines;
}

/** Sum of the weights of the lines whose last frame is each name. */
export function ownByLeaf(
  lines: readonly CollapsedLine[],
): Map<string, { sum: number; lines: number }> {
  const own = new Map<string, { sum: number; lines: number }>();
  for (const { frames, weight } of lines) {
    const leaf = frames[frames.length - 1] as string;
    const entry = own.get(leaf) ?? { sum: 0, lines: 0 };
    entry.sum += weight;
    entry.lines++;
    own.set(leaf, entry);
  }
  return own;
}
