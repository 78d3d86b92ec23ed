from importer.util import parse, text


class Record:
    __slots__ = ("key", "value")

    def __init__(self, key, value):
        self.key = key
        self.value = value


def load(settings):
    return [Record(text.slug(k), v) for k, v in settings.items()] * 50


TABLE = {text.slug("Key %d" % i): i for i in range(2000)}
DEFAULTS = parse.pairs("x=9;y=8;" * 300)
