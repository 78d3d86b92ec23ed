"""Runs `python -m cProfile -o OUT.prof ...` inside this interpreter, with sys.settrace
recording the exact call tree of the same run beside the profiler (cProfile uses
sys.setprofile up to 3.11 and sys.monitoring from 3.12; neither touches the trace hook).

Usage: python trace_run.py OUT -m MODULE [ARGS...]   (like python -m cProfile -o OUT.prof -m ...)
       python trace_run.py OUT SCRIPT [ARGS...]      (like python -m cProfile -o OUT.prof SCRIPT ...)

Writes OUT.prof (cProfile's own dump) and OUT.trace.json.gz: the calling-context tree of
the Python frames of the profiled code (from the frame cProfile executes:
`<string>:1(<module>)` for -m, the script's `<module>` otherwise) — `functions` as
[file, first line, name] and `nodes` as [parent, function, own seconds, calls], parents
first — with own times measured by perf_counter between trace events. C functions are
invisible to settrace: their time counts as their Python caller's own time here.
"""
import gzip
import json
import os
import sys
import time

out = sys.argv[1]
target = sys.argv[2:]
clock = time.perf_counter
functions = []
index = {}
state = {"on": False, "last": 0.0, "start": None}
stack = []
roots = []
if target[0] == "-m":
    start_key = ("<string>", "<module>")
else:
    start_key = (os.path.abspath(target[0]), "<module>")


def fn_index(code):
    key = (code.co_filename, code.co_firstlineno, code.co_name)
    i = index.get(key)
    if i is None:
        i = index[key] = len(functions)
        functions.append(list(key))
    return i


def tracer(frame, event, arg):
    now = clock()
    if event == "call":
        code = frame.f_code
        if not state["on"]:
            filename = code.co_filename if code.co_filename.startswith("<") else os.path.abspath(code.co_filename)
            if (filename, code.co_name) != start_key:
                return None
            state["on"] = True
        elif stack:
            stack[-1][1] += now - state["last"]
        node = [fn_index(code), 0.0, []]
        (stack[-1][2] if stack else roots).append(node)
        stack.append(node)
        if hasattr(frame, "f_trace_lines"):
            frame.f_trace_lines = False
        state["last"] = clock()
        return tracer
    if event == "return" and state["on"] and stack:
        stack[-1][1] += now - state["last"]
        stack.pop()
        if not stack:
            state["on"] = False
        state["last"] = clock()
    return tracer


import cProfile  # noqa: E402

# `python -m cProfile` has the working directory first on sys.path, not this file's folder.
sys.path[0] = os.getcwd()

sys.argv = ["cProfile.py", "-o", out + ".prof"] + target
sys.settrace(tracer)
try:
    cProfile.main()
finally:
    sys.settrace(None)
# The calling-context tree: activations merged by stack, [parent, function, own seconds, calls].
nodes = []
child_of = {}
pending = [(-1, r) for r in reversed(roots)]
while pending:
    parent, (fn, own, children) = pending.pop()
    key = (parent, fn)
    node = child_of.get(key)
    if node is None:
        node = child_of[key] = len(nodes)
        nodes.append([parent, fn, 0.0, 0])
    nodes[node][2] += own
    nodes[node][3] += 1
    for child in reversed(children):
        pending.append((node, child))
with gzip.open(out + ".trace.json.gz", "wt", encoding="utf-8", compresslevel=9) as f:
    json.dump({"python": sys.version.split()[0], "argv": [os.path.basename(a) for a in target],
               "functions": functions, "nodes": nodes}, f, separators=(",", ":"))
