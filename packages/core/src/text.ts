/**
 * Byte <-> string conversion that never loses a byte. Python profilers record file names
 * as the operating system gave them, which need not be UTF-8. Like Python 3's
 * "surrogateescape", an undecodable byte 0x80–0xFF becomes the lone surrogate
 * U+DC80–U+DCFF, and `encodeText` turns it back into that byte, so a Latin-1 file name
 * survives byte for byte into every output.
 *
 * Two sources, two decoders. Raw byte strings (Python 2 `str`, hotshot logs) go through
 * `decodeText`: strict UTF-8, every other byte escaped — so any bytes round-trip exactly.
 * Python 3 strings serialized with "surrogatepass" (marshal `u`/`t`, pickle BINUNICODE)
 * go through `decodeSurrogatePass`, which also reads encoded surrogates (ED A0..BF xx) as
 * the surrogate itself: Python 3's escape of the byte 0xE9, U+DCE9, arrives as ED B3 A9 and
 * decodes to the same U+DCE9 a Python 2 byte 0xE9 decodes to — one representation.
 */

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Per length up to 64: an array of that many codes, refilled for each short string. */
const SHORT = Array.from({ length: 65 }, (_, n) => new Array<number>(n).fill(0));

/** Decodes bytes as one byte per code point (ISO-8859-1; not the WHATWG windows-1252). */
export function decodeLatin1(bytes: Uint8Array, start = 0, end = bytes.length): string {
  const length = end - start;
  if (length <= 64 && length >= 0) {
    // Names and paths: the codes go through a reused array, not a new view of the bytes
    // (a profile has a hundred thousand of them; the views were most of the garbage).
    const codes = SHORT[length] as number[];
    for (let k = 0; k < length; k++) codes[k] = bytes[start + k] as number;
    return String.fromCharCode.apply(null, codes);
  }
  let out = '';
  for (let i = start; i < end; i += 8192) {
    out += String.fromCharCode.apply(
      null,
      bytes.subarray(i, Math.min(end, i + 8192)) as unknown as number[],
    );
  }
  return out;
}

function isAscii(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if ((bytes[i] as number) >= 0x80) return false;
  return true;
}

/**
 * Decodes raw bytes as UTF-8, keeping every byte: a byte that is not part of valid UTF-8
 * becomes U+DC80+byte (surrogateescape). `encodeText` gives back exactly these bytes.
 */
export function decodeText(bytes: Uint8Array, start = 0, end = bytes.length): string {
  if (end - start <= 64 && isAscii(bytes, start, end)) return decodeLatin1(bytes, start, end);
  try {
    return utf8.decode(bytes.subarray(start, end));
  } catch {
    return decodeTextSlow(bytes, start, end, false);
  }
}

/**
 * Decodes a Python 3 string written with "surrogatepass": as `decodeText`, but an encoded
 * surrogate (ED A0..BF xx) is the surrogate code unit itself, as Python reads it.
 */
export function decodeSurrogatePass(bytes: Uint8Array, start = 0, end = bytes.length): string {
  if (end - start <= 64 && isAscii(bytes, start, end)) return decodeLatin1(bytes, start, end);
  try {
    return utf8.decode(bytes.subarray(start, end));
  } catch {
    return decodeTextSlow(bytes, start, end, true);
  }
}

/**
 * The escaping decoder, for bytes that are not strict UTF-8. Code units go into a typed
 * array (two bytes each; an array of numbers took 8 to 16 per byte and could not hold a
 * 200 MB string at all), and are turned into text 8192 at a time.
 */
function decodeTextSlow(
  bytes: Uint8Array,
  start: number,
  end: number,
  surrogatePass: boolean,
): string {
  // A byte gives at most one UTF-16 unit (a 4-byte sequence two), so the units fit in a
  // typed buffer of the input's length: no array of boxed numbers per byte.
  const units = new Uint16Array(end - start);
  let n = 0;
  let i = start;
  while (i < end) {
    const b0 = bytes[i] as number;
    if (b0 < 0x80) {
      units[n++] = b0;
      i++;
      continue;
    }
    let need = 0;
    let min = 0;
    let cp = 0;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      need = 1;
      cp = b0 & 0x1f;
      min = 0x80;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      need = 2;
      cp = b0 & 0x0f;
      min = 0x800;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      need = 3;
      cp = b0 & 0x07;
      min = 0x10000;
    }
    let ok = need > 0 && i + need < end;
    if (ok) {
      for (let k = 1; k <= need; k++) {
        const b = bytes[i + k] as number;
        if ((b & 0xc0) !== 0x80) {
          ok = false;
          break;
        }
        cp = (cp << 6) | (b & 0x3f);
      }
    }
    if (ok && cp >= 0xd800 && cp <= 0xdfff && !surrogatePass) ok = false;
    if (ok && cp >= min && cp <= 0x10ffff) {
      if (cp >= 0x10000) {
        const v = cp - 0x10000;
        units[n++] = 0xd800 + (v >> 10);
        units[n++] = 0xdc00 + (v & 0x3ff);
      } else {
        units[n++] = cp; // includes lone surrogates (surrogatepass)
      }
      i += need + 1;
    } else {
      units[n++] = 0xdc00 + b0; // surrogateescape
      i++;
    }
  }
  let out = '';
  for (let k = 0; k < n; k += 8192) {
    out += String.fromCharCode.apply(
      null,
      units.subarray(k, Math.min(n, k + 8192)) as unknown as number[],
    );
  }
  return out;
}

const utf8Encoder = new TextEncoder();

/**
 * Encodes a string as UTF-8, turning U+DC80–U+DCFF back into the raw bytes 0x80–0xFF
 * and writing other lone surrogates as three bytes (the inverse of `decodeText`).
 */
export function encodeText(text: string): Uint8Array {
  return encodeUtf8(text, true);
}

/**
 * Encodes a string as Python 3 marshal and pickle do (`str.encode('utf-8',
 * 'surrogatepass')`), the inverse of `decodeSurrogatePass`: a lone surrogate — an escaped
 * byte U+DC80–U+DCFF included — becomes its own three bytes (ED xx xx), so Python 3 reads
 * back the same string, surrogate escapes and all.
 */
export function encodeSurrogatePass(text: string): Uint8Array {
  return encodeUtf8(text, false);
}

/**
 * UTF-8 with lone surrogates as three bytes, or (`rawEscapes`) U+DC80–U+DCFF as raw bytes.
 * Written into a typed array sized for the worst case (three bytes per code unit), not an
 * array of numbers, so a long string costs bytes, not objects.
 */
function encodeUtf8(text: string, rawEscapes: boolean): Uint8Array {
  if (!/[\ud800-\udfff]/.test(text)) return utf8Encoder.encode(text);
  const out = new Uint8Array(text.length * 3);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < text.length) {
      const lo = text.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      }
    }
    if (cp < 0x80) out[n++] = cp;
    else if (rawEscapes && cp >= 0xdc80 && cp <= 0xdcff) out[n++] = cp - 0xdc00;
    else if (cp < 0x800) {
      out[n++] = 0xc0 | (cp >> 6);
      out[n++] = 0x80 | (cp & 0x3f);
    } else if (cp < 0x10000) {
      out[n++] = 0xe0 | (cp >> 12);
      out[n++] = 0x80 | ((cp >> 6) & 0x3f);
      out[n++] = 0x80 | (cp & 0x3f);
    } else {
      out[n++] = 0xf0 | (cp >> 18);
      out[n++] = 0x80 | ((cp >> 12) & 0x3f);
      out[n++] = 0x80 | ((cp >> 6) & 0x3f);
      out[n++] = 0x80 | (cp & 0x3f);
    }
  }
  return out.slice(0, n);
}

/**
 * Renders a string for human display the way the corpus oracles do: a string whose bytes
 * are not valid UTF-8 (it holds escaped bytes) is shown as its bytes decoded as Latin-1.
 */
export function displayText(text: string): string {
  if (!/[\udc80-\udcff]/.test(text)) return text;
  const bytes = encodeText(text);
  try {
    return utf8.decode(bytes);
  } catch {
    return decodeLatin1(bytes);
  }
}

/**
 * Text for places that must be valid Unicode and keep names apart (a viewer decoding its
 * file as UTF-8 would turn every undecodable byte into U+FFFD, so `caf\xe9` and `caf\xe8`
 * would look alike and merge): each escaped byte U+DC80–U+DCFF becomes the four
 * characters `\xNN` (`\xe9`), the way `sanitizeName` writes control characters.
 */
export function escapeUndecodable(text: string): string {
  if (!/[\udc80-\udcff]/.test(text)) return text;
  // Only lone ones: U+DC80–U+DCFF is also the second half of some characters' surrogate pairs.
  return text.replace(
    /(?<![\ud800-\udbff])[\udc80-\udcff]/g,
    (unit) => `\\x${(unit.charCodeAt(0) - 0xdc00).toString(16)}`,
  );
}

/** Joins byte chunks into one array (the chunk itself when there is only one). */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  let length = 0;
  for (const chunk of chunks) length += chunk.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
