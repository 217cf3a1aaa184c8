#!/usr/bin/env python3
"""untrusted_files.py - writes the hostile and the ordinary-looking files of issue 10 into a
directory, for tests/test_cli_untrusted.sh (and for checking them by hand under valgrind).

usage: untrusted_files.py DIR

Every file is made here from the formats' specifications (PNM, BMP, TGA, Radiance HDR, PNG,
JPEG, IDX, convscope's checkpoint format); nothing is read from outside. Only Python's
standard library is used (zlib for PNG, gzip and CRC-32)."""
import gzip
import os
import struct
import sys
import zlib


def write(d, name, data):
    path = os.path.join(d, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


# ---- images --------------------------------------------------------------------------------------

def ppm16(w, h, rgb):
    """A raw 16-bit PPM (maxval 65535, big-endian samples) of one colour."""
    return b"P6\n%d %d\n65535\n" % (w, h) + struct.pack(">HHH", *rgb) * (w * h)


def pgm16(w, h, v):
    return b"P5\n%d %d\n65535\n" % (w, h) + struct.pack(">H", v) * (w * h)


def bmp8(w, h, palette, index_of):
    """An uncompressed 8-bit BMP (BITMAPINFOHEADER) with the given palette (list of RGB) and
    pixel indices from index_of(x, y), rows bottom-up and padded to 4 bytes."""
    stride = (w + 3) & ~3
    offset = 14 + 40 + 4 * len(palette)
    size = offset + stride * h
    head = b"BM" + struct.pack("<IHHI", size, 0, 0, offset)
    info = struct.pack("<IiiHHIIiiII", 40, w, h, 1, 8, 0, stride * h, 2835, 2835, len(palette), 0)
    pal = b"".join(bytes([b, g, r, 0]) for (r, g, b) in palette)
    rows = b""
    for y in range(h - 1, -1, -1):
        row = bytes(index_of(x, y) for x in range(w))
        rows += row + b"\0" * (stride - w)
    return head + info + pal + rows


def tga_header(w, h):
    """An 18-byte TGA header: uncompressed true colour, 24 bits, no image data after it."""
    return struct.pack("<BBBHHBHHHHBB", 0, 0, 2, 0, 0, 0, 0, 0, w, h, 24, 0)


def tga(w, h):
    return tga_header(w, h) + bytes((x * 7) & 255 for x in range(w * h * 3))


def hdr(w, h):
    """A Radiance RGBE file with flat (not run-length) scanlines."""
    head = b"#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y %d +X %d\n" % (h, w)
    return head + bytes([128, 64, 32, 129]) * (w * h)


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_gray(w, h, value_of):
    raw = b"".join(b"\0" + bytes(value_of(x, y) for x in range(w)) for y in range(h))
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)) +
            png_chunk(b"IDAT", zlib.compress(raw, 9)) + png_chunk(b"IEND", b""))


def jpeg_markers(width, height, dht_counts=None):
    """A baseline gray JPEG's headers (SOI, DQT, SOF0, DHT, SOS) declaring width x height,
    followed by a few bytes of entropy-coded data and EOI. With dht_counts, the DHT's 16 code
    counts are those (whose sum may exceed 256)."""
    soi = b"\xff\xd8"
    dqt = b"\xff\xdb" + struct.pack(">H", 67) + b"\0" + bytes([1] * 64)
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + bytes([1, 0x11, 0])
    counts = dht_counts or [0, 1] + [0] * 14  # one DC code of length 2: category 0
    symbols = bytes(min(sum(counts), 300))
    dc = b"\xff\xc4" + struct.pack(">H", 2 + 1 + 16 + len(symbols)) + b"\x00" + bytes(counts) + symbols
    ac = b"\xff\xc4" + struct.pack(">H", 2 + 1 + 16 + 1) + b"\x10" + bytes([0, 1] + [0] * 14) + b"\x00"
    sos = b"\xff\xda" + struct.pack(">HB", 8, 1) + bytes([1, 0x00]) + bytes([0, 63, 0])
    return soi + dqt + sof + dc + ac + sos + b"\x00" * 200 + b"\xff\xd9"


# ---- IDX -----------------------------------------------------------------------------------------

def idx_images(n, rows, cols, extra=b""):
    return struct.pack(">IIII", 0x803, n, rows, cols) + bytes((i * 7) & 255 for i in range(n * rows * cols)) + extra


def idx_labels(n):
    return struct.pack(">II", 0x801, n) + bytes(i % 10 for i in range(n))


def idx_set(d, train_images, train_labels, n_test=4):
    write(d, "train-images-idx3-ubyte.gz", gzip.compress(train_images, 9, mtime=0))
    write(d, "train-labels-idx1-ubyte.gz", gzip.compress(train_labels, 9, mtime=0))
    write(d, "t10k-images-idx3-ubyte.gz", gzip.compress(idx_images(n_test, 28, 28), 9, mtime=0))
    write(d, "t10k-labels-idx1-ubyte.gz", gzip.compress(idx_labels(n_test), 9, mtime=0))


# ---- checkpoints (format version 1, README "File format") ----------------------------------------

def checkpoint(spec, params, hist=None):
    """A CRC-valid checkpoint of spec with the given parameters (SGD, one training image)."""
    n = len(params)
    trnr = struct.pack("<ifIffIQf", 1, 0.01, 0, 0.9, 0.0, 0, 1, 1000.0)
    trnr += struct.pack("<qiqiff", 0, 0, 0, 0, 0.0, 0.0) + struct.pack("<4I", 1, 2, 3, 4)
    trnr += b"shapes (train)".ljust(64, b"\0") + struct.pack("<5iI", 1, 1, 28, 28, 8, 0)
    assert len(trnr) == 172
    optm = struct.pack("<I6fqQ", 0, 0.01, 0.9, 0.0, 0.9, 0.999, 1e-8, 0, n) + struct.pack("<%df" % n, *([0.0] * n))
    sections = [(b"SPEC", spec.encode()), (b"TRNR", trnr), (b"ORDR", struct.pack("<i", 0)),
                (b"PARM", struct.pack("<%df" % n, *params)), (b"OPTM", optm)]
    if hist:
        sections.append((b"HIST", hist))
    table, body, off = b"", b"", 32 + 24 * len(sections)
    for kind, data in sections:
        table += kind + struct.pack("<IQQ", zlib.crc32(data) & 0xFFFFFFFF, off, len(data))
        off += len(data)
        body += data
    head = b"\x89CSCKPT\n" + struct.pack("<IIQ", 1, len(sections), off)
    crc = zlib.crc32(head + table) & 0xFFFFFFFF
    return head + struct.pack("<II", crc, 0) + table + body


def conv_params(spec_k, oc, c, weights=None, bias=0.0, fc_in=0, fc_out=0):
    """Parameters of 'conv OC@K' on C channels (weights given or zero, all biases `bias`),
    then an fc layer of fc_out outputs on fc_in inputs (zeros)."""
    w = weights if weights is not None else [0.0] * (oc * c * spec_k * spec_k)
    return w + [bias] * oc + [0.0] * (fc_out * fc_in + fc_out)


def main():
    d = sys.argv[1]
    # 1. 16-bit colour read as gray: large (600x600) and small; R, G, B = 0x1234, 0x5678, 0x9abc
    #    are 18, 86, 154 in 8 bits, gray (77 R + 150 G + 29 B) >> 8 = 73
    write(d, "ppm16-600.ppm", ppm16(600, 600, (0x1234, 0x5678, 0x9ABC)))
    write(d, "ppm16-small.ppm", ppm16(7, 5, (0x1234, 0x5678, 0x9ABC)))
    # 2. 16-bit gray 0x1234: 18
    write(d, "pgm16.pgm", pgm16(6, 5, 0x1234))
    # 3. an 8-bit BMP whose 2-entry all-black palette is indexed past its end; and a good one
    write(d, "bmp-index-past-palette.bmp", bmp8(8, 6, [(0, 0, 0), (0, 0, 0)], lambda x, y: 5 if x == 3 else 0))
    write(d, "bmp-palette-ok.bmp", bmp8(8, 6, [(0, 0, 0), (255, 255, 255), (255, 0, 0)], lambda x, y: (x + y) % 3))
    # 4. truncated: an 18-byte TGA header declaring 20000x20000, a 70-byte BMP with no pixels,
    #    a TGA cut in half
    write(d, "tga-header-only.tga", tga_header(20000, 20000))
    write(d, "bmp-header-only.bmp", bmp8(64, 64, [(1, 2, 3), (4, 5, 6), (7, 8, 9), (0, 0, 0)], lambda x, y: 0)[:70])
    whole = tga(40, 30)
    write(d, "tga-half.tga", whole[:len(whole) // 2])
    # 5. a Radiance HDR missing its last 2 bytes
    h = hdr(12, 12)
    write(d, "hdr-cut.hdr", h[:-2])
    # 6. a small JPEG declaring 30000x30000 pixels
    write(d, "jpeg-30000.jpg", jpeg_markers(30000, 30000))
    # 7. a PNG to be cut (the test cuts it)
    write(d, "png-whole.png", png_gray(40, 30, lambda x, y: (x * 5 + y * 3) & 255))
    # 16. a JPEG whose DHT code counts add up to more than 256
    write(d, "jpeg-dht-overflow.jpg", jpeg_markers(16, 16, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100, 100, 100]))
    # 8. IDX: a 16-byte header claiming 10 images of 28x28, then 64 MiB more bytes (gzip'd
    #    to about 64 KB); and a header claiming 60000 images that a 60-byte gzip cannot hold
    bomb = gzip.compress(idx_images(10, 28, 28, extra=bytes(64 << 20)), 9, mtime=0)
    idx_set(os.path.join(d, "idx-bomb"), b"", b"")
    write(d, "idx-bomb/train-images-idx3-ubyte.gz", bomb)
    write(d, "idx-bomb/train-labels-idx1-ubyte.gz", gzip.compress(idx_labels(10), mtime=0))
    idx_set(os.path.join(d, "idx-claims"), struct.pack(">IIII", 0x803, 60000, 28, 28) + bytes(40), idx_labels(60000))
    # 9. numbers that do not fit
    write(d, "kernel-huge-number.txt", b"1 2\n3 99999999999999999999999999999999999999999\n")
    # 10. a kernel file with a byte-order mark and CRLF (Notepad)
    write(d, "kernel-bom-crlf.txt", b"\xef\xbb\xbf1 0 -1\r\n2 0 -2\r\n1 0 -1\r\n")
    write(d, "kernel-plain.txt", b"1 0 -1\n2 0 -2\n1 0 -1\n")
    # 11. a 5-byte kernel of 1e36; checkpoints with weights +-3e38, and with all weights 0
    #     and a conv bias of 100
    write(d, "kernel-1e36.txt", b"1e36\n")
    spec = "input 28x28x1, conv 2@3, relu, fc 8"
    w = [0.0] * 18
    w[4], w[13] = 3e38, -3e38
    write(d, "ckpt-3e38.ckpt", checkpoint(spec, conv_params(3, 2, 1, w, 0.0, 2 * 26 * 26, 8)))
    write(d, "ckpt-flat.ckpt", checkpoint(spec, conv_params(3, 2, 1, None, 100.0, 2 * 26 * 26, 8)))
    nan = conv_params(3, 2, 1, None, 0.0, 2 * 26 * 26, 8)
    nan[7] = float("nan")
    write(d, "ckpt-nan.ckpt", checkpoint(spec, nan))
    # 12. a net of a 4096x4096x3 input and ten ReLUs (no parameters), and 16384x16384x3 with
    #     63 layers
    write(d, "ckpt-big-input.ckpt", checkpoint("input 4096x4096x3" + ", relu" * 10, []))
    write(d, "ckpt-huge-input.ckpt", checkpoint("input 16384x16384x3" + ", relu" * 63, []))
    # 13. image folders with one or two images per class, and one with a single image per class
    for k, count in (("circle", 2), ("square", 1), ("cross", 2)):
        for i in range(count):
            write(d, "few/%s/%d.png" % (k, i), png_gray(8, 8, lambda x, y, k=k, i=i: (len(k) * 20 + i * 7 + x) & 255))
    for k in ("a", "b", "c"):
        write(d, "single/%s/only.pgm" % k, pgm16(4, 4, 0x4000 * (1 + "abc".index(k))))
    # 1, 3, 4 in a folder: a 16-bit PPM among PNGs; a bad palette; a header-only TGA
    for k in ("a", "b"):
        for i in range(3):
            write(d, "folder16/%s/%d.png" % (k, i), png_gray(10, 10, lambda x, y, i=i: (x + y + i * 40) & 255))
    write(d, "folder16/a/big16.ppm", ppm16(600, 600, (0x1234, 0x5678, 0x9ABC)))
    for bad, data in (("palette", bmp8(8, 6, [(0, 0, 0), (0, 0, 0)], lambda x, y: 5)),
                      ("tga", tga_header(20000, 20000)), ("bmphead", bmp8(64, 64, [(0, 0, 0)], lambda x, y: 0)[:70])):
        for k in ("a", "b"):
            for i in range(2):
                write(d, "folder-%s/%s/%d.png" % (bad, k, i), png_gray(10, 10, lambda x, y: x * 9))
        write(d, "folder-%s/b/bad.%s" % (bad, "tga" if bad == "tga" else "bmp"), data)


if __name__ == "__main__":
    main()
