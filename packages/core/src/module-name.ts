/**
 * Best-effort dotted module names from file paths, used to make function names readable
 * (`json.decoder`, `a.b`). Only the path is known, not the interpreter's `sys.path`, so
 * the rule is: the part after the last `site-packages`/`dist-packages`/`lib/pythonX.Y`
 * folder when there is one, else the file's own stem (or its folder for `__init__.py`).
 */

const PY_EXTENSION = /\.(?:py|pyw|pyc|pyo|pyx|pyi)$/i;
const IDENTIFIER_PART = /^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*$/u;

/** `'/usr/lib/python3.11/json/decoder.py'` → `'json.decoder'`; `''` when nothing fits. */
export function moduleNameFromPath(path: string): string {
  if (path === '' || path === '~') return '';
  if (path.startsWith('<')) {
    const frozen = /^<frozen ([^>]+)>$/.exec(path);
    return frozen ? (frozen[1] as string) : '';
  }
  const normal = path.replace(/\\/g, '/');
  if (!PY_EXTENSION.test(normal)) return '';
  const all = normal.replace(PY_EXTENSION, '').split('/');
  // The part after the last install root: site-packages, dist-packages or lib/pythonX.Y.
  let root = -1;
  for (let i = 0; i < all.length - 1; i++) {
    const part = all[i] as string;
    if (part === 'site-packages' || part === 'dist-packages') root = i;
    else if (/^python\d+(?:\.\d+)?$/.test(part) && (all[i - 1] === 'lib' || all[i - 1] === 'Lib'))
      root = i;
    else if (part === 'Lib' && i > 0) root = i;
  }
  const rest = root >= 0 ? all.slice(root + 1) : undefined;
  const parts = (rest ?? all).filter((p) => p !== '' && p !== '.');
  if (parts.length === 0) return '';
  if (parts[parts.length - 1] === '__init__') parts.pop();
  if (parts.length === 0) return '';
  const chosen = rest === undefined ? [parts[parts.length - 1] as string] : parts;
  return chosen.every((p) => IDENTIFIER_PART.test(p))
    ? chosen.join('.')
    : (chosen[chosen.length - 1] as string);
}
