// The public API of the workspace's library packages, read with the TypeScript compiler:
// what each package's index exports (name and kind), and which of those names anything
// outside the package uses. One place for both questions, asked by the exports snapshot
// test (tests/integration) and by the unused-export check in lint (check-exports.mjs).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const root = fileURLToPath(new URL('..', import.meta.url));

/** The library packages (packages/*): name, folder, and the index source file. */
export function libraryPackages() {
  const folder = join(root, 'packages');
  return readdirSync(folder)
    .filter((name) => existsSync(join(folder, name, 'src', 'index.ts')))
    .sort()
    .map((name) => {
      const dir = join(folder, name);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      return { name: manifest.name, dir, index: join(dir, 'src', 'index.ts') };
    });
}

/** What kind of thing an exported symbol is, from its declaration. */
function kindOf(checker, symbol) {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const f = target.flags;
  if (f & ts.SymbolFlags.Class) return 'class';
  if (f & ts.SymbolFlags.Enum) return 'enum';
  if (f & ts.SymbolFlags.Function) return 'function';
  if (f & ts.SymbolFlags.Variable) return 'const';
  if (f & ts.SymbolFlags.Interface) return 'interface';
  if (f & ts.SymbolFlags.TypeAlias) return 'type';
  if (f & ts.SymbolFlags.Namespace) return 'namespace';
  return 'unknown';
}

/** Kinds that exist at run time (the rest are type-only). */
export const VALUE_KINDS = new Set(['class', 'enum', 'function', 'const', 'namespace']);

/**
 * Each entry file's exports, `{ name, kind }` sorted by name, keyed by the file path
 * (source index.ts or built index.d.ts files: one program for all, so it is read once).
 * `names: true` reads only the entry files themselves (0.3 s instead of 6 s): the names
 * are right, the kinds `unknown`, and an `export *` is refused, since it hides the names.
 */
export function exportsOf(files, { names = false } = {}) {
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2023,
    noEmit: true,
    noLib: true,
    noResolve: names,
    types: [],
  });
  const checker = program.getTypeChecker();
  const result = new Map();
  for (const file of files) {
    const source = program.getSourceFile(file);
    const module = source && checker.getSymbolAtLocation(source);
    if (!module) throw new Error(`${file}: no module (does it exist and export anything?)`);
    if (names && source.statements.some((s) => ts.isExportDeclaration(s) && !s.exportClause))
      throw new Error(`${file}: \`export *\` hides what the package exports; list the names`);
    const list = checker
      .getExportsOfModule(module)
      .map((symbol) => ({
        name: symbol.escapedName.toString(),
        kind: names ? 'unknown' : kindOf(checker, symbol),
      }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    result.set(file, list);
  }
  return result;
}

const SKIP_DIRS = new Set(['node_modules', 'dist', '.turbo', '.git', 'corpus', 'bench-out']);
const CODE = /\.(?:ts|tsx|mts|js|mjs)$/;

/** The repository's code files (and markdown files, whose code blocks count as uses). */
function repoFiles(dir = root, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP_DIRS.has(entry.name) || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) repoFiles(path, out);
    else if (CODE.test(entry.name) || entry.name.endsWith('.md')) out.push(path);
  }
  return out;
}

/** Names imported (or re-exported) from each module specifier in one file's code. */
function importsIn(fileName, text, add) {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false);
  const visit = (node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const from = node.moduleSpecifier.text;
      if (ts.isImportDeclaration(node)) {
        const clause = node.importClause;
        if (clause?.name) add(from, 'default');
        const bindings = clause?.namedBindings;
        if (bindings && ts.isNamespaceImport(bindings)) add(from, '*');
        else if (bindings)
          for (const e of bindings.elements) add(from, (e.propertyName ?? e.name).text);
      } else if (!node.exportClause) add(from, '*');
      else if (ts.isNamedExports(node.exportClause))
        for (const e of node.exportClause.elements) add(from, (e.propertyName ?? e.name).text);
    }
    // `const { a, b } = await import('x')`
    if (
      ts.isVariableDeclaration(node) &&
      ts.isObjectBindingPattern(node.name) &&
      node.initializer
    ) {
      let call = node.initializer;
      if (ts.isAwaitExpression(call)) call = call.expression;
      if (
        ts.isCallExpression(call) &&
        call.expression.kind === ts.SyntaxKind.ImportKeyword &&
        call.arguments[0] &&
        ts.isStringLiteral(call.arguments[0])
      ) {
        for (const e of node.name.elements) {
          const name = e.propertyName ?? e.name;
          if (ts.isIdentifier(name)) add(call.arguments[0].text, name.text);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}

const FENCE = /^```(?:js|ts|javascript|typescript|mjs)\b[^\n]*\n([\s\S]*?)^```/gm;

/**
 * Which names of each package outside code uses: `Map<package, Map<name, files>>`, from
 * imports, re-exports and `await import()` destructuring in every code file outside the
 * package's own folder, and from the code blocks of every markdown file (the plugin
 * guide's example, the READMEs' snippets). `*` means a namespace import (all names).
 */
export function usesByPackage(packages) {
  const byName = new Map(packages.map((p) => [p.name, p]));
  // Scripts reach a package's entry by path too: ../packages/core/dist/index.js.
  for (const p of packages) {
    byName.set(join(p.dir, 'dist', 'index.js'), p);
    byName.set(join(p.dir, 'src', 'index.js'), p);
    byName.set(join(p.dir, 'src', 'index.ts'), p);
  }
  const uses = new Map(packages.map((p) => [p.name, new Map()]));
  for (const file of repoFiles()) {
    const rel = relative(root, file).split(sep).join('/');
    const add = (specifier, name) => {
      const pkg = byName.get(
        specifier.startsWith('.') ? resolve(dirname(file), specifier) : specifier,
      );
      if (!pkg) return;
      const from = pkg.name;
      if (!file.endsWith('.md') && (file + sep).startsWith(pkg.dir + sep)) return;
      const names = uses.get(from);
      if (!names.has(name)) names.set(name, new Set());
      names.get(name).add(rel);
    };
    const text = readFileSync(file, 'utf8');
    if (!/@pyprof\/|\/index\.[jt]s'/.test(text)) continue;
    if (!file.endsWith('.md')) importsIn(file, text, add);
    else for (const [, code] of text.matchAll(FENCE)) importsIn(`${file}.ts`, code, add);
  }
  return uses;
}

/** Identifiers a package's README names in `code spans` (outside fenced blocks). */
export function documentedNames(pkg) {
  const readme = join(pkg.dir, 'README.md');
  if (!existsSync(readme)) return new Set();
  const prose = readFileSync(readme, 'utf8').replace(/^```[\s\S]*?^```/gm, '');
  const names = new Set();
  for (const [, span] of prose.matchAll(/`([^`\n]+)`/g))
    for (const [word] of span.matchAll(/[A-Za-z_$][\w$]*/g)) names.add(word);
  return names;
}
