"""Two functions pass their own generator expressions to the builtin sum, and module-level
code passes a third one to the same builtin: each generator expression belongs under its
own function (or the module), which a call graph alone cannot tell (sum's callers and
callees are recorded, not which caller fed which generator)."""


def squares(n):
    return sum(i * i for i in range(n))


def evens(n):
    return sum(i for i in range(n) if i % 2 == 0)


def main():
    total = 0
    for _ in range(30):
        total += squares(300)
    for _ in range(10):
        total += evens(900)
    return total


main()
module_total = sum(j * 3 for j in range(20000))
