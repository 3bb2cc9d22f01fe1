"""Writes a copy of an evidence bundle with some entries replaced, added or left out, as a
forger would: with Python's own zipfile (stored entries, as bundles are), not offsign's writer.

    rezip.py IN.zip OUT.zip NAME=FILE ...   replace or add entry NAME with FILE's bytes
    rezip.py IN.zip OUT.zip NAME= ...       leave entry NAME out
"""
import sys
import zipfile


def main(source, target, *changes):
    replaced = {}
    for change in changes:
        name, _, path = change.partition("=")
        replaced[name] = open(path, "rb").read() if path else None
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as new:
        for info in old.infolist():
            if info.filename in replaced:
                data = replaced.pop(info.filename)
                if data is not None:
                    new.writestr(info.filename, data)
            else:
                new.writestr(info.filename, old.read(info.filename))
        for name, data in replaced.items():
            if data is not None:
                new.writestr(name, data)


if __name__ == "__main__":
    main(*sys.argv[1:])
