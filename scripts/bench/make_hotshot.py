"""Generate a large, realistic hotshot log for benchmarks (run by scripts/bench/hotshot.mjs).

Usage: python2.7 make_hotshot.py OUT.hotshot SIZE_MB [default|lines]

Profiles the corpus's `medium` workload (corpus/programs/medium.py: a hand-written JSON
tokenizer, parser and pretty-printer, sorting, graphs, strings, numerics, data
structures, re/textwrap and an expression compiler, plus the stdlib code they pull in:
a few hundred functions) with CPython's own hotshot, round after round, until the log
reaches SIZE_MB. `default` is hotshot.Profile(OUT) (no line events); `lines` is
lineevents=1 (line timings on). Every round makes the same calls (fixed seed), so a
bigger log has more records but the same functions, lines and call sites. The whole run
is one runcall(), so the log is balanced like a real `runcall`/`runctx` profile.
"""
import os
import sys

import hotshot

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '..', 'corpus', 'programs'))

import medium  # noqa: E402


def one_round():
    # The corpus program's own main(), its summary printed to nowhere.
    stdout = sys.stdout
    sys.stdout = open(os.devnull, 'w')
    try:
        medium.main()
    finally:
        sys.stdout.close()
        sys.stdout = stdout


def run(path, target_bytes):
    rounds = 0
    while True:
        one_round()
        rounds += 1
        # hotshot flushes its 10 KiB buffer as it fills, so the size on disk is current.
        if os.path.getsize(path) >= target_bytes:
            return rounds


def main():
    path = sys.argv[1]
    size_mb = float(sys.argv[2])
    mode = sys.argv[3] if len(sys.argv) > 3 else 'default'
    if mode not in ('default', 'lines'):
        raise SystemExit('mode must be default or lines')
    profiler = hotshot.Profile(path, lineevents=int(mode == 'lines'))
    rounds = profiler.runcall(run, path, int(size_mb * 1024 * 1024))
    profiler.addinfo('bench-rounds', str(rounds))
    profiler.close()
    sys.stdout.write('%s: %d rounds, %d bytes\n' % (path, rounds, os.path.getsize(path)))


if __name__ == '__main__':
    main()
