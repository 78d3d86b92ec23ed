// js-yaml 4 ships no types; the workflow test uses only `load`.
declare module 'js-yaml' {
  export function load(text: string, options?: { filename?: string; json?: boolean }): unknown;
}
