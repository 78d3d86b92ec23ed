// What flamegraph.pl and speedscope need of a collapsed file (specs/collapsed.md §1), as
// one parse for any collapsed writer's tests (exported from the testkit): every line `frames weight`
// with one space and a positive integer, LF only, no frame ending in a whitespace-separated
// number, no empty frame; returns the lines' stacks and weights.
import { expect } from 'vitest';

export interface CollapsedLine {
  frames: string[];
  weight: number;
}

/**
 * Parses `text` as the consumers do, failing the test on anything they would misread.
 * Plain checks, with `expect` only for the failure: the corpus files have millions of
 * frames, and an `expect` per frame took most of a minute for the largest.
 */
export function parseCollapsed(text: string): CollapsedLine[] {
  expect(text.includes('\r')).toBe(false);
  if (text === '') return [];
  expect(text.endsWith('\n')).toBe(true);
  const lines: CollapsedLine[] = [];
  for (const line of text.slice(0, -1).split('\n')) {
    if (line.startsWith('# ')) continue;
    const match = /^(.*) (\d+)$/.exec(line);
    if (match === null) expect.fail(`not \`stack weight\`: ${line}`);
    const [, stack, count] = match as RegExpExecArray;
    if (count?.startsWith('0')) expect.fail(`a weight with a leading 0: ${line}`);
    // flamegraph.pl's differential pattern must not match the stack.
    if (/\s\d+(?:\.\d*)?$/.test(stack as string))
      expect.fail(`the stack ends in a number flamegraph.pl reads as a weight: ${line}`);
    if ((stack as string).includes('\t')) expect.fail(`a tab in the stack: ${line}`);
    const frames = (stack as string).split(';');
    for (const frame of frames) {
      if (frame === '' || frame.trim() !== frame)
        expect.fail(
          `an empty frame, or one with spaces around it: ${JSON.stringify(frame)} in ${line}`,
        );
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
