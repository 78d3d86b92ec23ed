import re

SPACES = re.compile(r"\s+")


def slug(value):
    return SPACES.sub("-", value.strip().lower())


WORDS = [slug("Word %d" % i) for i in range(3000)]
