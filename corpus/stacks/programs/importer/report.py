from importer.util import text


def render(records):
    return sum(len(text.slug("%s %s" % (r.key, r.value))) for r in records)


HEADER = text.slug("Report " * 500)
