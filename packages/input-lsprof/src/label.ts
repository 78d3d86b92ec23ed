/**
 * lsprof labels → function identities. Before pickling, Breezy/Bazaar's `Stats.freeze()`
 * replaces each code object by `label(code)`:
 *
 *   Python code:  "<module>:<co_firstlineno>(<co_name>)"   e.g. breezy.commands:123(run)
 *                 module = a sys.modules key, or "<" + co_filename + ">" when none matched,
 *                 e.g. <<frozen importlib._bootstrap>>:1167(_find_and_load),
 *                 </srv/app/x.py>:31(decorated), <C:\py\x.py>:3(f)
 *   C functions:  _lsprof's own label, kept as is: <built-in method marshal.loads>,
 *                 <method 'startswith' of 'str' objects>, Bazaar's <len>
 *
 * A Python label is parsed from the right (the module part may contain ':' and '('; the
 * rule is `^(.*):(\d+)\((.*)\)$` with a greedy first group), in linear time. What is lost:
 * the file path of any function whose module was found (the label never had it).
 *
 * Identity: file = the label's module part exactly as written (`breezy.commands`, or
 * `<…/x.py>` with its brackets, so a module and a file of the same name stay apart),
 * line = co_firstlineno, name = co_name; the module column holds the module name (for a
 * `<filename>` label, the best-effort module of that file). C functions become builtins
 * `('~', 0, label)`, cProfile's own key, so one builtin read from a pstats dump and from
 * an lsprof pickle is one function when the two are merged.
 */
import { moduleNameFromPath } from '@pyprof/core';

export interface PythonLabel {
  /** The module part as written: a module name, or `<filename>`. */
  module: string;
  line: number;
  name: string;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/**
 * The parts of a `module:line(name)` label, or undefined for a C function's label. `line`
 * may exceed the int32 range if the label says so; the caller decides.
 */
export function parsePythonLabel(label: string): PythonLabel | undefined {
  const last = label.length - 1;
  if (last < 0 || label.charCodeAt(last) !== 0x29 /* ) */) return undefined;
  // The rightmost "(" that follows ":<digits>" (the greedy first group's choice).
  for (let open = label.lastIndexOf('(', last - 1); open > 0; ) {
    let digits = open;
    while (digits > 0 && isDigit(label.charCodeAt(digits - 1))) digits--;
    if (digits < open && digits > 0 && label.charCodeAt(digits - 1) === 0x3a /* : */) {
      return {
        module: label.slice(0, digits - 1),
        line: Number(label.slice(digits, open)),
        name: label.slice(open + 1, last),
      };
    }
    open = label.lastIndexOf('(', digits - 1);
  }
  return undefined;
}

/** The module column for a Python label's module part. */
export function moduleOfLabel(module: string): string {
  if (module.length >= 2 && module.startsWith('<') && module.endsWith('>'))
    return moduleNameFromPath(module.slice(1, -1));
  return module;
}
