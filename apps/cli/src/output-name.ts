/**
 * The name a conversion's output is named after, in one module without Node imports so
 * the web page names its downloads exactly as the CLI names its files.
 */

/** Names longer than this are not joined for a merged output's name. */
const JOINED_NAME_LIMIT = 100;

/**
 * The name outputs are named after: the input's, or for a merge all of them joined with
 * `+` (`a.prof+b.prof`), or the first and a count when that gets long (`a.prof+3-more`).
 * Folders are dropped (names are file names already; stdin is `stdin`).
 */
export function outputBaseName(names: readonly string[]): string {
  const bases = names.map((name) => name.replace(/\\/g, '/').split('/').pop() || 'stdin');
  if (bases.length <= 1) return bases[0] ?? 'stdin';
  const joined = bases.join('+');
  return joined.length <= JOINED_NAME_LIMIT ? joined : `${bases[0]}+${bases.length - 1}-more`;
}
