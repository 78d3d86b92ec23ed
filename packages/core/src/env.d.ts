// Globals shared by Node (>= 11) and browsers that core uses. Declared here instead of
// pulling in the DOM or Node type libraries, which would also allow console, fs, etc.
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer, options?: { stream?: boolean }): string;
}
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
