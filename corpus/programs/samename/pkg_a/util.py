# -*- coding: utf-8 -*-
"""pkg_a.util: run() and helper(), named like pkg_b.util's."""


def helper(value):
    return value * 2


def run(n):
    total = 0
    for k in range(n):
        total += helper(k)
    return total
