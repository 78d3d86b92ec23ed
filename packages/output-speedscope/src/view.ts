/**
 * Opening an output in the speedscope app without a server or network: the `speedscope`
 * npm package ships the built app (`dist/release/index.html`), which loads a profile from
 * `index.html#localProfilePath=<path of a .js file>` whose content is
 * `speedscope.loadFileFromBase64(name, base64)` — what speedscope's own CLI writes. This
 * file only builds that script text; the caller (the CLI) writes it next to nothing else
 * and opens the URL.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function base64(bytes: Uint8Array): string {
  const parts: string[] = [];
  const step = 3 * 8192;
  for (let start = 0; start < bytes.length; start += step) {
    const end = Math.min(bytes.length, start + step);
    let out = '';
    for (let i = start; i < end; i += 3) {
      const a = bytes[i] as number;
      const b = i + 1 < end ? (bytes[i + 1] as number) : 0;
      const c = i + 2 < end ? (bytes[i + 2] as number) : 0;
      out += ALPHABET[a >> 2];
      out += ALPHABET[((a & 3) << 4) | (b >> 4)];
      out += i + 1 < end ? ALPHABET[((b & 15) << 2) | (c >> 6)] : '=';
      out += i + 2 < end ? ALPHABET[c & 63] : '=';
    }
    parts.push(out);
  }
  return parts.join('');
}

export interface SpeedscopeLoader {
  /** Content of the `.js` file to point `#localProfilePath=` at. */
  script: string;
  /** The fragment to append to the app's `index.html` URL, given the script's path. */
  fragment(scriptPath: string): string;
}

/**
 * The loader script for an output named `fileName` (speedscope shows it as the title; a
 * name ending in `.speedscope.json` also selects the format without sniffing).
 */
export function speedscopeLoaderScript(fileName: string, bytes: Uint8Array): SpeedscopeLoader {
  return {
    script: `speedscope.loadFileFromBase64(${JSON.stringify(fileName)}, ${JSON.stringify(base64(bytes))})\n`,
    fragment: (scriptPath) => `#localProfilePath=${encodeURIComponent(scriptPath)}`,
  };
}
