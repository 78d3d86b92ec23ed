# -*- coding: utf-8 -*-
"""pkg_b.inner.util: a third run() in a third util.py."""


def run(n):
    return sum(range(n))
