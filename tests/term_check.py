#!/usr/bin/python3
"""term_check.py FILE: did anything that can drive a terminal get out?

FILE holds the bytes a program wrote to its terminal (captured through a
pty). Allowed: printable UTF-8, '\\t', '\\n', '\\r'. Refused: every other C0
control and DEL (ESC above all), C1 controls (U+0080-U+009F, which UTF-8
terminals obey as CSI, OSC, DCS...), bidi embeddings, overrides, isolates
and marks, line/paragraph separators, and bytes that are not valid UTF-8
(a raw 0x9b byte is CSI on 8-bit terminals). Prints each offence with its
offset and surroundings; exit 1 when there is any."""
import sys

HAZARD = set(range(0x80, 0xA0)) | set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A)) | \
    {0x200E, 0x200F, 0x061C, 0x2028, 0x2029}


def offences(data):
    i = 0
    n = len(data)
    while i < n:
        b = data[i]
        if b < 0x80:
            if (b < 0x20 and b not in (9, 10, 13)) or b == 0x7F:
                yield i, "control byte 0x%02x" % b
            i += 1
            continue
        # decode one UTF-8 sequence strictly
        for ln in (2, 3, 4):
            try:
                ch = data[i:i + ln].decode("utf-8")
            except UnicodeDecodeError:
                continue
            cp = ord(ch)
            if cp in HAZARD:
                yield i, "code point U+%04X" % cp
            i += ln
            break
        else:
            yield i, "invalid UTF-8 byte 0x%02x" % b
            i += 1


def main():
    data = open(sys.argv[1], "rb").read()
    bad = list(offences(data))
    for off, what in bad[:10]:
        ctx = data[max(0, off - 24):off + 24]
        print("# %s at byte %d: %r" % (what, off, ctx))
    if len(bad) > 10:
        print("# ... %d offences in all" % len(bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
