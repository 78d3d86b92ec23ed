/**
 * A tiny pickle assembler for hand-made test inputs of pickle readers: each method
 * appends one opcode, with its argument encoded the way CPython writes it. Readers of
 * pickled profiles (@pyprof/pickle's dialects) test refusals and shapes the real tools
 * never write with it.
 */

const encoder = new TextEncoder();

export class Pickle {
  readonly #bytes: number[] = [];

  raw(...bytes: number[]): this {
    return this.all(bytes);
  }
  all(bytes: ArrayLike<number>): this {
    for (let k = 0; k < bytes.length; k++) this.#bytes.push(bytes[k] as number);
    return this;
  }
  text(text: string): this {
    return this.all(encoder.encode(text));
  }
  #u32(n: number): this {
    return this.raw(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);
  }
  proto(version: number): this {
    return this.raw(0x80, version);
  }
  global(module: string, name: string): this {
    return this.raw(0x63).text(`${module}\n${name}\n`);
  }
  /** Protocol 4's way: two SHORT_BINUNICODE strings, then STACK_GLOBAL. */
  stackGlobal(module: string, name: string): this {
    return this.shortUnicode(module).shortUnicode(name).raw(0x93);
  }
  shortUnicode(text: string): this {
    const bytes = encoder.encode(text);
    return this.raw(0x8c, bytes.length, ...bytes);
  }
  unicode(text: string): this {
    const bytes = encoder.encode(text);
    return this.raw(0x58).#u32(bytes.length).all(bytes);
  }
  /** SHORT_BINSTRING: a Python 2 `str`, raw bytes. */
  str(bytes: string | Uint8Array): this {
    const raw = typeof bytes === 'string' ? encoder.encode(bytes) : bytes;
    return this.raw(0x55, raw.length, ...raw);
  }
  int(n: number): this {
    if (n >= 0 && n < 256) return this.raw(0x4b, n);
    if (n >= 0 && n < 65536) return this.raw(0x4d, n & 0xff, n >> 8);
    return this.raw(0x4a).#u32(n);
  }
  float(x: number): this {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, x, false);
    return this.raw(0x47, ...new Uint8Array(view.buffer));
  }
  none(): this {
    return this.raw(0x4e);
  }
  mark(): this {
    return this.raw(0x28);
  }
  tuple(): this {
    return this.raw(0x74);
  }
  tuple2(): this {
    return this.raw(0x86);
  }
  emptyTuple(): this {
    return this.raw(0x29);
  }
  emptyList(): this {
    return this.raw(0x5d);
  }
  emptyDict(): this {
    return this.raw(0x7d);
  }
  append(): this {
    return this.raw(0x61);
  }
  appends(): this {
    return this.raw(0x65);
  }
  setitem(): this {
    return this.raw(0x73);
  }
  setitems(): this {
    return this.raw(0x75);
  }
  reduce(): this {
    return this.raw(0x52);
  }
  newobj(): this {
    return this.raw(0x81);
  }
  build(): this {
    return this.raw(0x62);
  }
  put(index: number): this {
    return this.raw(0x71, index);
  }
  get(index: number): this {
    return this.raw(0x68, index);
  }
  stop(): this {
    return this.raw(0x2e);
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.#bytes);
  }
}
