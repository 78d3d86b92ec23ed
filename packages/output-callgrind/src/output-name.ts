/**
 * Output file names KCachegrind handles well. KCachegrind recognises `callgrind.out.*`
 * in its open dialog, and opening a file `NAME` makes it load and sum every file in the
 * same folder whose name starts with `NAME` (specs/callgrind.md §4a). So the default name
 * must neither be a prefix of a file already there nor have one as its prefix, or the
 * user sees two profiles added together. Pure functions: the CLI lists the folder.
 */

/** `callgrind.out.<input name>` (folders and a trailing `.gz` dropped; stdin → `stdin`). */
export function defaultOutputName(inputName: string): string {
  let base = inputName.slice(Math.max(inputName.lastIndexOf('/'), inputName.lastIndexOf('\\')) + 1);
  base = base.replace(/\.gz$/i, '');
  if (base === '' || base === '-') base = 'stdin';
  return `callgrind.out.${base}`;
}

/** True when KCachegrind would sum `candidate` and `existing` when one of them is opened. */
export function namesOverlap(candidate: string, existing: string): boolean {
  return (
    candidate !== existing && (existing.startsWith(candidate) || candidate.startsWith(existing))
  );
}

/**
 * The default output name for `inputName` given the file names already in the target
 * folder: `callgrind.out.<input>` when no existing name overlaps it (an equal name is
 * fine: it is replaced), else `callgrind.out.pyprof-<k>.<input>` with the smallest k that
 * overlaps nothing. If every candidate overlaps (a file named `callgrind.out` or shorter
 * prefixes it all), the first name that no existing file starts with is returned, so at
 * least opening the new file shows it alone.
 */
export function chooseCallgrindOutputName(
  inputName: string,
  existingFileNames: Iterable<string>,
): string {
  const existing = [...existingFileNames];
  const base = defaultOutputName(inputName);
  const stem = base.slice('callgrind.out.'.length);
  const candidates = [base];
  for (let k = 1; k <= existing.length + 1; k++)
    candidates.push(`callgrind.out.pyprof-${k}.${stem}`);
  for (const candidate of candidates)
    if (!existing.some((name) => namesOverlap(candidate, name))) return candidate;
  for (const candidate of candidates)
    if (!existing.some((name) => name !== candidate && name.startsWith(candidate)))
      return candidate;
  return candidates[candidates.length - 1] as string;
}
