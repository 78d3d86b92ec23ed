"""Generate a large yappi .ystat for benchmarks (read by scripts/bench/yappi.mjs).

Usage: /usr/bin/python3 make_ystat.py OUT.ystat [FUNCTIONS] [THREADS]

Needs Debian's python3-yappi (1.4.0 on /usr/bin/python3 3.11). Writes a module of FUNCTIONS
small functions, each calling the next two (a wide call graph), to a scratch file, runs it
under yappi (wall clock) in THREADS threads at once, and saves
`yappi.get_func_stats().save(OUT, type="ystat")`: a real file whose entries are merged over
the threads, with every thread's own entries in yappi's index.
"""
import os
import sys
import tempfile
import threading

import yappi

out = sys.argv[1]
count = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
threads = int(sys.argv[3]) if len(sys.argv) > 3 else 4

lines = []
for k in range(count):
    calls = " + ".join("f%d(n)" % j for j in (2 * k + 1, 2 * k + 2) if j < count) or "0"
    lines += ["def f%d(n):" % k, "    return n + %s" % calls, ""]
folder = tempfile.mkdtemp()
path = os.path.join(folder, "generated_module.py")
with open(path, "w") as f:
    f.write("\n".join(lines))
namespace = {}
exec(compile("\n".join(lines), path, "exec"), namespace)
sys.setrecursionlimit(10000)

yappi.set_clock_type("wall")
yappi.start()
workers = [threading.Thread(target=namespace["f0"], args=(1,)) for _ in range(threads - 1)]
for t in workers:
    t.start()
namespace["f0"](1)
for t in workers:
    t.join()
yappi.stop()
yappi.get_func_stats().save(out, type="ystat")
