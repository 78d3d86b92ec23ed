from importer.util import parse

SETTINGS = parse.pairs("a=1;b=2;c=3;" * 200)
