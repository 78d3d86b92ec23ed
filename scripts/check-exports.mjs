// Lint: every public export of a library package is used outside it (imported by another
// package, an app, a test elsewhere, a script or a markdown example) or documented in its
// README (named in a `code span`). An export neither uses nor documents is an internal
// that leaked, and the next plugin author copies it; make it internal or document it.
// Also: every name imported from a package (scripts and examples too) is one it exports.
// Run by `pnpm lint` (lint:root). Reads sources only, so it needs no build.
import { documentedNames, exportsOf, libraryPackages, usesByPackage } from './public-api.mjs';

const packages = libraryPackages();
const exports = exportsOf(
  packages.map((p) => p.index),
  { names: true },
);
const uses = usesByPackage(packages);
let unused = 0;
for (const pkg of packages) {
  const used = uses.get(pkg.name);
  if (used.has('*')) continue;
  const documented = documentedNames(pkg);
  for (const { name } of exports.get(pkg.index)) {
    if (used.has(name) || documented.has(name) || name === 'default') continue;
    if (unused++ === 0) console.error('Exports used nowhere outside their package nor documented:');
    console.error(`  ${pkg.name}: ${name}`);
  }
}
// The other way round, for what no typechecker reads (scripts, markdown examples): every
// name imported from a package must be one it exports.
let missing = 0;
for (const pkg of packages) {
  const names = new Set(exports.get(pkg.index).map((e) => e.name));
  for (const [name, files] of uses.get(pkg.name)) {
    if (name === '*' || names.has(name)) continue;
    missing++;
    console.error(`  ${pkg.name} does not export ${name}, imported by ${[...files].join(', ')}`);
  }
}
if (missing) process.exitCode = 1;
if (unused) {
  console.error(
    `${unused} unused export(s): remove them from the package's src/index.ts (import the module directly in its own tests), or document them in its README.`,
  );
  process.exitCode = 1;
}
