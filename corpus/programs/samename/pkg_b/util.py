# -*- coding: utf-8 -*-
"""pkg_b.util: run() and helper(), named like pkg_a.util's (other lines)."""
OFFSET = 7


def run(n):
    return helper(n) + OFFSET


def helper(value):
    return value + 1
