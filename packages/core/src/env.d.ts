// Globals shared by Node (>= 11) and browsers that core uses. Declared here instead of
// pulling in the DOM or Node type libraries, which would also allow console, fs, etc.
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer, options?: { stream?: boolean }): string;
}
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}

// The web streams core touches (gzip.ts): only the members it uses.
interface CoreStreamReader<T> {
  read(): Promise<{ done: boolean; value?: T }>;
  cancel(reason?: unknown): Promise<void>;
  releaseLock(): void;
}
interface CoreStreamWriter<T> {
  readonly ready: Promise<void>;
  write(chunk: T): Promise<void>;
  close(): Promise<void>;
  abort(reason?: unknown): Promise<void>;
}
declare class DecompressionStream {
  constructor(format: 'gzip' | 'deflate' | 'deflate-raw');
  readonly readable: { getReader(): CoreStreamReader<Uint8Array> };
  readonly writable: { getWriter(): CoreStreamWriter<Uint8Array> };
}
