# -*- coding: utf-8 -*-
"""Corpus workload: equal function names in files with equal basenames.

KCachegrind identifies a function by name + basename(file) (+ basename of
its object), so every pair below is ONE function to it unless a converter
names them apart -- although Python keys them (file, line, name) and they
are different functions:

    run()     in pkg_a/util.py, pkg_b/util.py and pkg_b/inner/util.py
    setup()   in pkg_a/__init__.py and pkg_b/__init__.py
    <module>  of the three util.py files and of the three __init__.py files
    helper()  in pkg_a/util.py and pkg_b/util.py

Expected call counts (per run, identical on every interpreter):

    pkg_a.setup 1      pkg_a.util.run 5      pkg_a.util.helper 10
    pkg_b.setup 2      pkg_b.util.run 3      pkg_b.util.helper  3
                       pkg_b.inner.util.run 1

Runs unchanged on Python 2.7 and 3.x (no ``from __future__`` import: on
3.x it would add importlib functions; ``print`` gets one argument).
"""
import pkg_a
import pkg_a.util
import pkg_b
import pkg_b.inner.util
import pkg_b.util


def main():
    pkg_a.setup()
    pkg_b.setup()
    pkg_b.setup()
    total = 0
    for i in range(5):
        total += pkg_a.util.run(i)
    for i in range(3):
        total += pkg_b.util.run(i)
    total += pkg_b.inner.util.run(4)
    print("samename: total=%d" % total)


if __name__ == "__main__":
    main()
