/**
 * Where a Python file's functions are, found by scanning its text — never by importing or
 * running it. Sampled stacks record a frame as (file, name, executing line), so two
 * closures named `decorated` in one file look alike; the `def` (or `lambda`, class body,
 * comprehension) that encloses the executing line tells them apart, and its first line —
 * the first decorator's line, as CPython's `co_firstlineno` has it — makes the same
 * identity (file, line, name) that cProfile records.
 *
 * The scanner is a small tokenizer that knows what can hide a `def`: strings (every prefix
 * combination, triple quotes, f-/t-strings with nested replacement fields and format
 * specs, quotes reused inside fields as Python 3.12 allows), comments, line continuations
 * and brackets (which join physical lines into one logical line). On the logical lines it
 * follows indentation: a `def`/`class` (with `async`, after decorators) opens a scope whose
 * body is its indented block or the rest of its line. Lambdas end where their expression
 * does (a comma or closing bracket at their depth, the end of the logical line);
 * comprehensions are the brackets holding a `for` (`<listcomp>`, `<setcomp>`,
 * `<dictcomp>`, `<genexpr>`). Broken source (unclosed strings or brackets, stray dedents)
 * never throws: the scan goes on as the tokenizer best can, and a wrong guess only costs a
 * lookup that finds nothing. Work and memory are linear in the text.
 */

import { decodeLatin1, decodeText } from './text.js';

export type PythonScopeKind = 'module' | 'function' | 'class' | 'lambda' | 'comprehension';

export interface PythonScope {
  readonly kind: PythonScopeKind;
  /** `co_name`: the def/class name, `<lambda>`, `<listcomp>` …, `<module>`. */
  readonly name: string;
  /** `co_qualname` (PEP 3155): `Outer.<locals>.inner`, `Class.method`. */
  readonly qualifiedName: string;
  /** `co_firstlineno`: the first decorator's line, else the def/class/lambda/bracket line; 1 for the module. */
  readonly firstLine: number;
  /** Last line of its body. */
  readonly lastLine: number;
  /** Index of the enclosing scope; -1 for the module. */
  readonly parent: number;
}

enum Token {
  Name,
  Op,
  String,
  Newline,
}

interface Tokens {
  kind: Token[];
  text: string[];
  line: number[];
  /** Bracket depth before the token. */
  depth: number[];
  /** Per Newline token: the indentation column of its logical line. */
  indent: number[];
}

const QUOTE_SINGLE = 39;
const QUOTE_DOUBLE = 34;
const STRING_PREFIX = /^(?:[rRbBuUfFtT]|[rR][bBfFtT]|[bBfFtT][rR])$/;

function isWordCode(c: number): boolean {
  return (
    (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 0x80
  );
}

/** Splits Python source into the tokens the structure pass needs (see the file comment). */
class Tokenizer {
  readonly #text: string;
  #at = 0;
  #line = 1;
  #depth = 0;
  readonly out: Tokens = { kind: [], text: [], line: [], depth: [], indent: [] };
  /** Indentation of the logical line being read; -1 before its first token. */
  #indent = -1;
  #column = 0;

  constructor(text: string) {
    this.#text = text;
  }

  #push(kind: Token, text: string, line: number): void {
    this.out.kind.push(kind);
    this.out.text.push(text);
    this.out.line.push(line);
    this.out.depth.push(this.#depth);
    this.out.indent.push(this.#indent);
  }

  #newline(): void {
    if (this.#indent >= 0) {
      this.#push(Token.Newline, '', this.#line);
      this.#indent = -1;
    }
  }

  /** Consumes a line end at `#at` (\r\n, \r or \n); true if there was one. */
  #lineEnd(): boolean {
    const c = this.#text.charCodeAt(this.#at);
    if (c === 13) {
      this.#at += this.#text.charCodeAt(this.#at + 1) === 10 ? 2 : 1;
    } else if (c === 10) {
      this.#at++;
    } else return false;
    this.#line++;
    this.#column = 0;
    return true;
  }

  run(): Tokens {
    const text = this.#text;
    let lineStart = true;
    while (this.#at < text.length) {
      const c = text.charCodeAt(this.#at);
      if (lineStart) {
        // Indentation of a physical line (counts only when a logical line starts here).
        if (c === 32) {
          this.#column++;
          this.#at++;
          continue;
        }
        if (c === 9) {
          this.#column = (Math.floor(this.#column / 8) + 1) * 8;
          this.#at++;
          continue;
        }
        if (c === 12) {
          this.#column = 0;
          this.#at++;
          continue;
        }
        lineStart = false;
      }
      if (c === 10 || c === 13) {
        if (this.#depth === 0) this.#newline();
        this.#lineEnd();
        lineStart = true;
        continue;
      }
      if (c === 32 || c === 9 || c === 12) {
        this.#at++;
        continue;
      }
      if (c === 35 /* # */) {
        while (this.#at < text.length) {
          const d = text.charCodeAt(this.#at);
          if (d === 10 || d === 13) break;
          this.#at++;
        }
        continue;
      }
      if (c === 92 /* \ */) {
        this.#at++;
        // A continuation joins the next physical line; its indentation does not count.
        this.#lineEnd();
        continue;
      }
      // A token starts here: the first one of a logical line gives its indentation.
      if (this.#indent < 0) this.#indent = this.#column;
      if (c === QUOTE_SINGLE || c === QUOTE_DOUBLE) {
        this.#string('');
        continue;
      }
      if (isWordCode(c)) {
        const start = this.#at;
        while (this.#at < text.length && isWordCode(text.charCodeAt(this.#at))) this.#at++;
        const word = text.slice(start, this.#at);
        const next = text.charCodeAt(this.#at);
        if ((next === QUOTE_SINGLE || next === QUOTE_DOUBLE) && STRING_PREFIX.test(word)) {
          this.#string(word);
          continue;
        }
        this.#push(Token.Name, word, this.#line);
        continue;
      }
      this.#operator(c);
    }
    this.#newline();
    return this.out;
  }

  #operator(c: number): void {
    const line = this.#line;
    this.#at++;
    switch (c) {
      case 40:
      case 91:
      case 123:
        this.#push(Token.Op, String.fromCharCode(c), line);
        this.#depth++;
        return;
      case 41:
      case 93:
      case 125:
        if (this.#depth > 0) this.#depth--;
        this.#push(Token.Op, String.fromCharCode(c), line);
        return;
      case 58 /* : */:
        if (this.#text.charCodeAt(this.#at) === 61) {
          this.#at++;
          this.#push(Token.Op, ':=', line);
        } else this.#push(Token.Op, ':', line);
        return;
      case 44:
      case 59:
      case 64:
        this.#push(Token.Op, String.fromCharCode(c), line);
        return;
      default:
        // Other operators and dots matter to no scope; they still start a logical line.
        this.#push(Token.Op, '', line);
    }
  }

  /** A string literal starting at the quote at `#at`, with `prefix` already read. */
  #string(prefix: string): void {
    const line = this.#line;
    const text = this.#text;
    const quote = text.charCodeAt(this.#at);
    const triple =
      text.charCodeAt(this.#at + 1) === quote && text.charCodeAt(this.#at + 2) === quote;
    this.#at += triple ? 3 : 1;
    const formatted = /[fFtT]/.test(prefix);
    this.#stringBody(quote, triple, formatted);
    this.#push(Token.String, '', line);
  }

  /** Reads up to and including the closing quote (or the end of the text). */
  #stringBody(quote: number, triple: boolean, formatted: boolean): void {
    const text = this.#text;
    while (this.#at < text.length) {
      const c = text.charCodeAt(this.#at);
      if (c === 92 /* \ */) {
        this.#at++;
        if (!this.#lineEnd()) this.#at++;
        continue;
      }
      if (c === 10 || c === 13) {
        if (!triple) return; // An unterminated one-line string ends at the line end.
        this.#lineEnd();
        continue;
      }
      if (c === quote) {
        if (!triple) {
          this.#at++;
          return;
        }
        if (text.charCodeAt(this.#at + 1) === quote && text.charCodeAt(this.#at + 2) === quote) {
          this.#at += 3;
          return;
        }
      }
      if (formatted && c === 123 /* { */) {
        if (text.charCodeAt(this.#at + 1) === 123) {
          this.#at += 2;
          continue;
        }
        this.#at++;
        this.#field();
        continue;
      }
      this.#at++;
    }
  }

  /**
   * A replacement field of an f-string, after its `{`: an expression (with brackets and
   * strings of its own, any quotes) up to a `!`/`:` at its top level, then a format spec
   * (literal text with nested fields), up to the closing `}`.
   */
  #field(): void {
    const text = this.#text;
    let depth = 0;
    while (this.#at < text.length) {
      const c = text.charCodeAt(this.#at);
      if (c === QUOTE_SINGLE || c === QUOTE_DOUBLE) {
        const prefixStart = this.#at;
        let p = prefixStart;
        while (p > 0 && isWordCode(text.charCodeAt(p - 1))) p--;
        const prefix = text.slice(p, prefixStart);
        const quote = c;
        const triple =
          text.charCodeAt(this.#at + 1) === quote && text.charCodeAt(this.#at + 2) === quote;
        this.#at += triple ? 3 : 1;
        this.#stringBody(quote, triple, STRING_PREFIX.test(prefix) && /[fFtT]/.test(prefix));
        continue;
      }
      if (c === 10 || c === 13) {
        this.#lineEnd();
        continue;
      }
      if (c === 40 || c === 91 || c === 123) depth++;
      else if (c === 41 || c === 93) depth = Math.max(0, depth - 1);
      else if (c === 125 /* } */) {
        if (depth === 0) {
          this.#at++;
          return;
        }
        depth--;
      } else if (depth === 0 && (c === 58 || (c === 33 && text.charCodeAt(this.#at + 1) !== 61))) {
        this.#at++;
        this.#formatSpec();
        return;
      }
      this.#at++;
    }
  }

  /** The rest of a field after `!conversion` or `:`: literal text and nested fields. */
  #formatSpec(): void {
    const text = this.#text;
    while (this.#at < text.length) {
      const c = text.charCodeAt(this.#at);
      if (c === 125) {
        this.#at++;
        return;
      }
      if (c === 123) {
        this.#at++;
        this.#field();
        continue;
      }
      if (c === 10 || c === 13) {
        this.#lineEnd();
        continue;
      }
      this.#at++;
    }
  }
}

interface OpenBlock {
  index: number;
  /** Indentation of its def/class line: a logical line indented no deeper ends it. */
  indent: number;
}

interface OpenBracket {
  char: string;
  line: number;
  /** Depth of the tokens inside it. */
  depth: number;
  /** Its comprehension scope, once a `for` showed it is one; -1 before. */
  comprehension: number;
  /** A `:` at its own depth came before any `for` (a dict display). */
  colon: boolean;
}

interface OpenLambda {
  index: number;
  depth: number;
  /** Its `:` was seen: a comma at its depth now ends it. */
  inBody: boolean;
}

const COMPREHENSIONS: Readonly<Record<string, string>> = {
  '[': '<listcomp>',
  '(': '<genexpr>',
};

interface MutableScope {
  kind: PythonScopeKind;
  name: string;
  qualifiedName: string;
  firstLine: number;
  lastLine: number;
  parent: number;
}

/** The scope tree as it is found: open blocks, brackets and lambdas of the logical line. */
class Structure {
  readonly scopes: MutableScope[] = [];
  readonly blocks: OpenBlock[] = [];
  readonly brackets: OpenBracket[] = [];
  readonly lambdas: OpenLambda[] = [];

  constructor() {
    this.blocks.push({ index: this.add('module', '<module>', 1), indent: -1 });
  }

  /** The innermost open scope: the newest of the open block, lambdas and comprehensions. */
  current(): number {
    let index = (this.blocks[this.blocks.length - 1] as OpenBlock).index;
    for (const lambda of this.lambdas) if (lambda.index > index) index = lambda.index;
    for (const bracket of this.brackets)
      if (bracket.comprehension > index) index = bracket.comprehension;
    return index;
  }

  add(kind: PythonScopeKind, name: string, line: number): number {
    const parent = this.scopes.length === 0 ? -1 : this.current();
    const outer = this.scopes[parent];
    let qualifiedName = name;
    if (outer && outer.kind !== 'module') {
      qualifiedName =
        outer.kind === 'class'
          ? `${outer.qualifiedName}.${name}`
          : `${outer.qualifiedName}.<locals>.${name}`;
    }
    this.scopes.push({ kind, name, qualifiedName, firstLine: line, lastLine: line, parent });
    return this.scopes.length - 1;
  }

  end(index: number, line: number): void {
    const scope = this.scopes[index];
    if (scope && line > scope.lastLine) scope.lastLine = line;
  }

  /** Ends the lambdas at `depth` or deeper (only those in their body, when `inBody`). */
  endLambdas(depth: number, line: number, bodiesOnly: boolean): void {
    while (this.lambdas.length > 0) {
      const top = this.lambdas[this.lambdas.length - 1] as OpenLambda;
      if (top.depth < depth || (bodiesOnly && !top.inBody)) break;
      this.end(top.index, line);
      this.lambdas.pop();
    }
  }

  /** The logical line ended at `line`: open lambdas and brackets end with it. */
  endLogicalLine(line: number): void {
    while (this.lambdas.length > 0) this.end((this.lambdas.pop() as OpenLambda).index, line);
    while (this.brackets.length > 0) {
      const bracket = this.brackets.pop() as OpenBracket;
      if (bracket.comprehension >= 0) this.end(bracket.comprehension, line);
    }
  }

  /** Finds the lambdas and comprehensions among tokens from..to. */
  expressions(tokens: Tokens, from: number, to: number): void {
    for (let k = from; k < to; k++) {
      const text = tokens.text[k] as string;
      const line = tokens.line[k] as number;
      const depth = tokens.depth[k] as number;
      if (tokens.kind[k] === Token.Name) {
        if (text === 'lambda') {
          this.lambdas.push({ index: this.add('lambda', '<lambda>', line), depth, inBody: false });
        } else if (text === 'for' && depth > 0) {
          const bracket = this.brackets[this.brackets.length - 1];
          if (bracket && bracket.depth === depth && bracket.comprehension < 0) {
            // A lambda body ends before the `for` of the comprehension holding it.
            this.endLambdas(depth, line, true);
            const name =
              COMPREHENSIONS[bracket.char] ?? (bracket.colon ? '<dictcomp>' : '<setcomp>');
            bracket.comprehension = this.add('comprehension', name, bracket.line);
          }
        }
        continue;
      }
      if (tokens.kind[k] !== Token.Op) continue;
      if (text === '(' || text === '[' || text === '{') {
        this.brackets.push({ char: text, line, depth: depth + 1, comprehension: -1, colon: false });
      } else if (text === ')' || text === ']' || text === '}') {
        // Lambdas opened inside the bracket end with it (the token has the outer depth).
        this.endLambdas(depth + 1, line, false);
        const bracket = this.brackets.pop();
        if (bracket && bracket.comprehension >= 0) this.end(bracket.comprehension, line);
      } else if (text === ',') {
        this.endLambdas(depth, line, true);
      } else if (text === ':') {
        const lambda = this.lambdas[this.lambdas.length - 1];
        if (lambda && lambda.depth === depth && !lambda.inBody) {
          lambda.inBody = true;
          continue;
        }
        const bracket = this.brackets[this.brackets.length - 1];
        if (bracket && bracket.depth === depth && bracket.comprehension < 0) bracket.colon = true;
      }
    }
  }
}

/** The scopes of a Python source text; `scopes[0]` is the module. */
export function scanPythonScopes(text: string): PythonScope[] {
  const tokens = new Tokenizer(text).run();
  const structure = new Structure();
  const blocks = structure.blocks;
  const n = tokens.kind.length;
  /** Last line of the previous logical line. */
  let previousEnd = 1;
  /** First line of the decorators right above, and their indentation (-1: none). */
  let decoratorLine = -1;
  let decoratorIndent = -1;
  for (let at = 0; at < n; ) {
    let end = at;
    while (end < n && tokens.kind[end] !== Token.Newline) end++;
    const indent = tokens.indent[at] as number;
    const lineEnd = (tokens.line[end] as number | undefined) ?? (tokens.line[end - 1] as number);
    // Dedent: the blocks this line is not part of ended with the previous logical line.
    while (blocks.length > 1 && indent <= (blocks[blocks.length - 1] as OpenBlock).indent)
      structure.end((blocks.pop() as OpenBlock).index, previousEnd);

    let head = at;
    if (tokens.kind[head] === Token.Op && tokens.text[head] === '@') {
      if (decoratorLine < 0 || decoratorIndent !== indent) {
        decoratorLine = tokens.line[head] as number;
        decoratorIndent = indent;
      }
      structure.expressions(tokens, at, end);
    } else {
      if (tokens.kind[head] === Token.Name && tokens.text[head] === 'async') head++;
      const keyword = tokens.kind[head] === Token.Name ? tokens.text[head] : undefined;
      const nameToken = head + 1;
      if (
        (keyword === 'def' || keyword === 'class') &&
        nameToken < end &&
        tokens.kind[nameToken] === Token.Name
      ) {
        const firstLine =
          decoratorLine > 0 && decoratorIndent === indent
            ? decoratorLine
            : (tokens.line[at] as number);
        // The header (parameters, defaults, bases, annotations) runs in the outer scope.
        let colon = nameToken + 1;
        while (colon < end && !(tokens.text[colon] === ':' && tokens.depth[colon] === 0)) colon++;
        structure.expressions(tokens, nameToken + 1, colon);
        const index = structure.add(
          keyword === 'def' ? 'function' : 'class',
          tokens.text[nameToken] as string,
          firstLine,
        );
        if (colon + 1 < end) {
          // A body on the header's own line: the scope ends with this logical line.
          blocks.push({ index, indent: Number.POSITIVE_INFINITY });
          structure.expressions(tokens, colon + 1, end);
          structure.endLogicalLine(lineEnd);
          blocks.pop();
        } else {
          blocks.push({ index, indent });
        }
        structure.end(index, lineEnd);
      } else {
        structure.expressions(tokens, at, end);
      }
      decoratorLine = -1;
    }
    structure.endLogicalLine(lineEnd);
    previousEnd = lineEnd;
    at = end + 1;
  }
  while (blocks.length > 1) structure.end((blocks.pop() as OpenBlock).index, previousEnd);
  structure.end(0, previousEnd);
  return structure.scopes;
}

/**
 * The scopes of one source file with a lookup by name: which scope named `name` (its
 * `co_name` or `co_qualname`) encloses `line`.
 */
export class PythonSource {
  readonly scopes: readonly PythonScope[];
  readonly #byName = new Map<string, number[]>();

  constructor(text: string) {
    this.scopes = scanPythonScopes(text);
    this.scopes.forEach((scope, index) => {
      for (const key of new Set([scope.name, scope.qualifiedName])) {
        const list = this.#byName.get(key);
        if (list) list.push(index);
        else this.#byName.set(key, [index]);
      }
    });
  }

  /** Every scope with that name or qualified name, in source order. */
  named(name: string): PythonScope[] {
    return (this.#byName.get(name) ?? []).map((k) => this.scopes[k] as PythonScope);
  }

  /**
   * The innermost scope named `name` whose lines (decorators and header included) hold
   * `line`, or undefined when none does.
   */
  enclosing(name: string, line: number): PythonScope | undefined {
    let best: PythonScope | undefined;
    for (const index of this.#byName.get(name) ?? []) {
      const scope = this.scopes[index] as PythonScope;
      if (line < scope.firstLine || line > scope.lastLine) continue;
      // Scopes nest, so the one starting last is the innermost.
      if (!best || scope.firstLine >= best.firstLine) best = scope;
    }
    return best;
  }
}

/**
 * Decodes a source file's bytes as Python does: UTF-8 (with a BOM or not) unless a PEP 263
 * coding comment on the first two lines names Latin-1; undecodable bytes are kept as
 * escapes (`decodeText`), which only matters for names that hold them.
 */
export function decodePythonSource(bytes: Uint8Array): string {
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  let newlines = 0;
  let headEnd = start;
  while (headEnd < bytes.length && headEnd < start + 400 && newlines < 2) {
    if (bytes[headEnd] === 10) newlines++;
    headEnd++;
  }
  let head = '';
  for (let k = start; k < headEnd; k++) head += String.fromCharCode(bytes[k] as number);
  const cookie = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/m.exec(head)?.[1]?.toLowerCase();
  const body = bytes.subarray(start);
  if (cookie && /^(?:latin[-_]?1|iso[-_]?8859[-_]?1|l1|cp819|iso[-_]latin[-_]1)$/.test(cookie))
    return decodeLatin1(body);
  return decodeText(body);
}
