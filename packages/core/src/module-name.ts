/**
 * Best-effort dotted module names from file paths, used to make function names readable
 * (`json.decoder`, `a.b`). Only the path is known, not the interpreter's `sys.path`, so
 * the rule is: the part after the last `site-packages`/`dist-packages`/`lib/pythonX.Y`
 * folder when there is one, else the file's own stem (or its folder for `__init__.py`).
 *
 * Readers call this once per distinct file (7,000 of them in a big dump), so the usual
 * case — ASCII identifiers, `/` separators — is checked with character scans; the regular
 * expressions, which define the rule, are only run where a scan cannot decide.
 */

const PY_EXTENSIONS = new Set(['py', 'pyw', 'pyc', 'pyo', 'pyx', 'pyi']);
const PYTHON_VERSION = /^python\d+(?:\.\d+)?$/;
const IDENTIFIER_PART = /^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*$/u;

/** `'/usr/lib/python3.11/json/decoder.py'` → `'json.decoder'`; `''` when nothing fits. */
export function moduleNameFromPath(path: string): string {
  if (path === '' || path === '~') return '';
  if (path.startsWith('<')) {
    const frozen = /^<frozen ([^>]+)>$/.exec(path);
    return frozen ? (frozen[1] as string) : '';
  }
  const normal = path.includes('\\') ? path.replace(/\\/g, '/') : path;
  const dot = normal.lastIndexOf('.');
  if (dot < 0 || !PY_EXTENSIONS.has(normal.slice(dot + 1).toLowerCase())) return '';
  const all = normal.slice(0, dot).split('/');
  // The part after the last install root: site-packages, dist-packages or lib/pythonX.Y.
  let root = -1;
  for (let i = 0; i < all.length - 1; i++) {
    const part = all[i] as string;
    if (part === 'site-packages' || part === 'dist-packages') root = i;
    else if (
      part.startsWith('python') &&
      PYTHON_VERSION.test(part) &&
      (all[i - 1] === 'lib' || all[i - 1] === 'Lib')
    )
      root = i;
    else if (part === 'Lib' && i > 0) root = i;
  }
  const rest = root >= 0 ? all.slice(root + 1) : undefined;
  const parts = (rest ?? all).filter((p) => p !== '' && p !== '.');
  if (parts.length === 0) return '';
  if (parts[parts.length - 1] === '__init__') parts.pop();
  if (parts.length === 0) return '';
  const chosen = rest === undefined ? [parts[parts.length - 1] as string] : parts;
  return chosen.every(isIdentifier) ? chosen.join('.') : (chosen[chosen.length - 1] as string);
}

/** A Python identifier (`IDENTIFIER_PART`); ASCII names are decided by a scan. */
function isIdentifier(part: string): boolean {
  for (let k = 0; k < part.length; k++) {
    const c = part.charCodeAt(k);
    const letter = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
    if (letter || (k > 0 && c >= 48 && c <= 57)) continue;
    // Anything else: a non-identifier ASCII character, or non-ASCII text for the regex.
    return c >= 0x80 ? IDENTIFIER_PART.test(part) : false;
  }
  return part.length > 0;
}
