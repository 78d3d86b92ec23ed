// `statsPickle` writes a whole Breezy-style protocol-2 Stats the way `Stats.save()` does,
// for cases the corpus lacks, with the testkit's pickle assembler.
import { Pickle } from '@pyprof/testkit';

export { Pickle };

export interface Sub {
  code: string | Uint8Array;
  callcount: number;
  reccallcount?: number;
  totaltime: number;
  inlinetime: number;
}
export interface Entry extends Sub {
  calls?: Sub[] | null;
}
/** A thread: its id, its entries and (never in real files) threads of its own. */
export type Thread = [number, Entry[], Thread[]?];
export interface StatsSpec {
  module?: string;
  data: Entry[];
  threads?: Thread[];
  /** Python 2 writes labels and keys as byte strings. */
  python2?: boolean;
}

function label(p: Pickle, code: string | Uint8Array, python2: boolean): void {
  if (typeof code !== 'string' || python2) p.str(code);
  else p.unicode(code);
}

function record(p: Pickle, role: 'entry' | 'subentry', e: Entry, python2: boolean): void {
  p.global('_lsprof', `profiler_${role}`).mark();
  label(p, e.code, python2);
  p.int(e.callcount)
    .int(e.reccallcount ?? 0)
    .float(e.totaltime)
    .float(e.inlinetime);
  if (role === 'entry') {
    if (!e.calls) p.none();
    else {
      p.emptyList().mark();
      for (const sub of e.calls) record(p, 'subentry', sub, python2);
      p.appends();
    }
  }
  p.tuple().emptyDict().tuple2().reduce();
}

function stats(p: Pickle, spec: StatsSpec, data: Entry[], threads?: Thread[]) {
  const key = (k: string) => label(p, k, spec.python2 ?? false);
  p.global(spec.module ?? 'breezy.lsprof', 'Stats')
    .emptyTuple()
    .newobj()
    .emptyDict()
    .mark();
  key('data');
  p.emptyList().mark();
  for (const e of data) record(p, 'entry', e, spec.python2 ?? false);
  p.appends();
  key('threads');
  p.emptyDict();
  if (threads && threads.length > 0) {
    p.mark();
    for (const [id, entries, nested] of threads) {
      p.int(id);
      stats(p, spec, entries, nested);
    }
    p.setitems();
  }
  p.setitems().build();
}

/** A Stats pickle as `Stats.save()` writes it (protocol 2, without memo opcodes). */
export function statsPickle(spec: StatsSpec): Uint8Array {
  const p = new Pickle().proto(2);
  stats(p, spec, spec.data, spec.threads);
  return p.stop().bytes();
}
