// Types of public-api.mjs, for the TypeScript test that snapshots the exports.
export const root: string;
export interface LibraryPackage {
  name: string;
  dir: string;
  index: string;
}
export interface Export {
  name: string;
  kind: string;
}
export const VALUE_KINDS: ReadonlySet<string>;
export function libraryPackages(): LibraryPackage[];
export function exportsOf(files: string[], options?: { names?: boolean }): Map<string, Export[]>;
export function usesByPackage(packages: LibraryPackage[]): Map<string, Map<string, Set<string>>>;
export function documentedNames(pkg: LibraryPackage): Set<string>;
