/**
 * The text writer's readable table (`pyprof convert --to text`, no width) split into cells,
 * so the page shows exactly the CLI's names and numbers. The writer aligns its columns:
 * the number columns are separated by spaces and hold no spaces, and the function and
 * location columns start where their headings start (widths counted in code points, as the
 * writer pads them). Lines before the heading are the caption (totals, sort order).
 */

export interface Row {
  /** Every cell's text as the CLI prints it. */
  readonly cells: readonly string[];
  /** The number columns' values for sorting (NaN for `-`); `20/1` sorts by 20. */
  readonly values: readonly number[];
  /** The function column: unique per row. */
  readonly name: string;
  /** A `--limit re:` pattern matching this function's `file:line(function)` key. */
  readonly pattern: string;
}

export interface Table {
  readonly caption: readonly string[];
  readonly headings: readonly string[];
  /** How many leading columns are numbers. */
  readonly numeric: number;
  readonly rows: readonly Row[];
}

const HEADING = /^\s*(calls|samples)\s+self /;

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

export function parseTable(text: string): Table {
  const lines = text.split('\n');
  const at = lines.findIndex((line) => HEADING.test(line));
  if (at < 0) return { caption: lines.filter((l) => l !== ''), headings: [], numeric: 0, rows: [] };
  const heading = [...(lines[at] as string)];
  const headingText = heading.join('');
  const functionAt = [...headingText.slice(0, headingText.indexOf('  function') + 2)].length;
  const locationIndex = headingText.indexOf('  location');
  const locationAt = locationIndex < 0 ? -1 : [...headingText.slice(0, locationIndex + 2)].length;
  const numbers = heading
    .slice(0, functionAt)
    .join('')
    .trim()
    .split(/\s{2,}/);
  const headings = [...numbers, 'function', ...(locationAt >= 0 ? ['location'] : [])];
  const rows: Row[] = [];
  for (const line of lines.slice(at + 1)) {
    if (line === '') break;
    const chars = [...line];
    const cells = chars.slice(0, functionAt).join('').trim().split(/\s+/);
    const name =
      locationAt >= 0
        ? chars.slice(functionAt, locationAt).join('').trimEnd()
        : chars.slice(functionAt).join('');
    const location = locationAt >= 0 ? chars.slice(locationAt).join('') : '';
    cells.push(name);
    if (locationAt >= 0) cells.push(location);
    const values = cells.slice(0, numbers.length).map((cell) => Number.parseFloat(cell));
    const pattern =
      location === '(built-in)'
        ? `^~:0\\(${escapeRegExp(name)}\\)$`
        : `^${escapeRegExp(location)}\\(`;
    rows.push({ cells, values, name, pattern });
  }
  return {
    caption: lines.slice(0, at).filter((l) => l !== ''),
    headings,
    numeric: numbers.length,
    rows,
  };
}
