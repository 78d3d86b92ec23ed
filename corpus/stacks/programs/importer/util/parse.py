import re

PAIR = re.compile(r"(\w+)=(\w+)")


def pairs(source):
    return {m.group(1): int(m.group(2)) for m in PAIR.finditer(source)}
