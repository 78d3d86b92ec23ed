/**
 * The stacks of a collapsed file as a prefix tree: one node per distinct (part, frame,
 * frame, …) path, each frame being a distinct frame text with its line. Lines that repeat
 * a stack (austin writes one line per sample) add to an existing node, so memory grows
 * with the distinct stacks, not with the file. Frames and nodes live in typed columns with
 * an integer-pair index (no object per node); parents always precede their children.
 *
 * Budgets: a file cannot make more than `MAX_NODES` nodes, `MAX_PARTS` threads or stacks
 * deeper than `MAX_DEPTH` frames — far beyond real profiles, and each refusal names the line.
 */
import {
  float64Column,
  malformed,
  PairIndex,
  type Place,
  uint8Column,
  uint32Column,
} from '@pyprof/core';
import type { Frame, FrameKind, Prefix } from './dialect.js';
import { FORMAT } from './format.js';

/** Most distinct stack prefixes (tree nodes). */
export const MAX_NODES = 1 << 24;
/** Most frames in one stack. */
export const MAX_DEPTH = 100_000;
/** Most threads (profile parts). */
export const MAX_PARTS = 10_000;

/** Parent of a part's root node. */
export const NO_PARENT = 0xffffffff;

const KINDS: readonly FrameKind[] = ['python', 'builtin', 'synthetic'];

/** A thread (of a process) of the file: one profile part. */
export interface Part {
  /** Its root node (no frame). */
  root: number;
  process?: string;
  command?: string;
  thread?: string;
  threadName?: string;
}

export class StackTrie {
  // Frames: distinct frame texts with their line.
  readonly frameName: string[] = [];
  readonly frameFile: string[] = [];
  readonly frameLine: number[] = [];
  readonly frameKind = uint8Column();
  readonly #frames = new Map<string, number>();

  // Nodes.
  readonly parent = uint32Column(1024);
  readonly frame = uint32Column(1024);
  /** Weight of the lines ending at the node (the file's own numbers, unscaled). */
  readonly weight = float64Column(1024);
  /** Samples those lines stand for (NaN when the file does not say). */
  readonly samples = float64Column(1024);
  /** How many lines end at the node. */
  readonly ends = float64Column(1024);
  readonly #children = new PairIndex(this.parent, this.frame, 1024);

  readonly parts: Part[] = [];
  readonly #partIds = new Map<string, number>();

  get nodes(): number {
    return this.parent.length;
  }

  /** The id of the frame known by `key`, made by `make` the first time. */
  frameId(key: string, make: () => Frame): number {
    let id = this.#frames.get(key);
    if (id === undefined) {
      const frame = make();
      id = this.frameName.length;
      this.frameName.push(frame.name);
      this.frameFile.push(frame.file);
      this.frameLine.push(frame.line);
      this.frameKind.push(KINDS.indexOf(frame.kind));
      this.#frames.set(key, id);
    }
    return id;
  }

  kindOf(frame: number): FrameKind {
    return KINDS[this.frameKind.get(frame)] as FrameKind;
  }

  /** The root node of the part (process, thread) the prefix names. */
  partRoot(prefix: Prefix, place: Place): number {
    const key = `${prefix.process ?? ''}\u0000${prefix.thread ?? ''}`;
    const known = this.#partIds.get(key);
    if (known !== undefined) {
      const part = this.parts[known] as Part;
      // A name may come with a later line (py-spy writes it once the thread has one).
      if (part.threadName === undefined && prefix.threadName !== undefined)
        part.threadName = prefix.threadName;
      return part.root;
    }
    if (this.parts.length >= MAX_PARTS)
      throw malformed(FORMAT, place, `more than ${MAX_PARTS} threads: the file is not a profile`);
    const root = this.#node(NO_PARENT, NO_PARENT, place);
    this.#partIds.set(key, this.parts.length);
    this.parts.push({
      root,
      ...(prefix.process !== undefined ? { process: prefix.process } : {}),
      ...(prefix.command !== undefined ? { command: prefix.command } : {}),
      ...(prefix.thread !== undefined ? { thread: prefix.thread } : {}),
      ...(prefix.threadName !== undefined ? { threadName: prefix.threadName } : {}),
    });
    return root;
  }

  /** The node for `frame` under `parent`, made if new. */
  child(parent: number, frame: number, place: Place): number {
    const found = this.#children.find(parent, frame);
    return found >= 0 ? found : this.#node(parent, frame, place);
  }

  /** Adds a line's weight (and the samples it stands for) to the node it ends at. */
  add(node: number, weight: number, samples: number): void {
    this.weight.add(node, weight);
    this.samples.add(node, samples);
    this.ends.add(node, 1);
  }

  #node(parent: number, frame: number, place: Place): number {
    if (this.parent.length >= MAX_NODES)
      throw malformed(
        FORMAT,
        place,
        `more than ${MAX_NODES} distinct stack prefixes: the file is not a profile`,
      );
    const node = this.parent.push(parent);
    this.frame.push(frame);
    this.weight.push(0);
    this.samples.push(0);
    this.ends.push(0);
    if (parent !== NO_PARENT) this.#children.insert(node);
    return node;
  }
}
