#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""Independent re-implementation of cbpq's key derivation from docs/randomness.md alone, and of
the weighted draw's values q = -ln(u) / w from docs/policies.md ("The logarithm").

Standard library only. Prints the golden vectors in the format of
tests/golden/random_vectors.txt; with --check FILE it compares byte for byte and exits 1 on
any difference. Written from the specification, not from the C++ code.
"""
import hashlib
import struct
import sys

MASK = (1 << 64) - 1


def rotl(x, b):
    return ((x << b) | (x >> (64 - b))) & MASK


def siphash24(key16, msg):
    """SipHash-2-4 (Aumasson and Bernstein 2012) of bytes msg under a 16-byte key."""
    k0, k1 = struct.unpack("<QQ", key16)
    v0 = k0 ^ 0x736F6D6570736575
    v1 = k1 ^ 0x646F72616E646F6D
    v2 = k0 ^ 0x6C7967656E657261
    v3 = k1 ^ 0x7465646279746573

    def rnd(v0, v1, v2, v3):
        v0 = (v0 + v1) & MASK; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32)
        v2 = (v2 + v3) & MASK; v3 = rotl(v3, 16); v3 ^= v2
        v0 = (v0 + v3) & MASK; v3 = rotl(v3, 21); v3 ^= v0
        v2 = (v2 + v1) & MASK; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32)
        return v0, v1, v2, v3

    n = len(msg)
    end = n - n % 8
    words = [struct.unpack("<Q", msg[i:i + 8])[0] for i in range(0, end, 8)]
    last = (n & 0xFF) << 56
    for i, byte in enumerate(msg[end:]):
        last |= byte << (8 * i)
    words.append(last)
    for m in words:
        v3 ^= m
        v0, v1, v2, v3 = rnd(v0, v1, v2, v3)
        v0, v1, v2, v3 = rnd(v0, v1, v2, v3)
        v0 ^= m
    v2 ^= 0xFF
    for _ in range(4):
        v0, v1, v2, v3 = rnd(v0, v1, v2, v3)
    return v0 ^ v1 ^ v2 ^ v3


def public_values_key(text):
    sources = text.split("/")
    if len(sources) > 1 and sources[-1].strip() == "":
        sources = sources[:-1]
    key = ""
    for source in sources:
        values = source.split()
        if not values or not all(v.isdigit() for v in values):
            raise ValueError("bad source: %r" % source)
        for v in sorted(int(v) for v in values):
            key += str(v) + "."
        key += "/"
    return key


def draw_key(seed32, label):
    h = hashlib.sha256(b"cbpq-v0 draw key" + seed32 + struct.pack(">Q", len(label)) + label)
    return h.digest()[:16]


def canonical_id(ident):
    if isinstance(ident, int):
        if ident >= 0:
            return b"I" + struct.pack(">Q", ident)
        return b"N" + struct.pack(">Q", ident & MASK)
    return b"S" + ident.encode("utf-8")


def u_numerator(k):
    return ((k >> 12) << 1) | 1  # u = numerator / 2**53


class Stream:
    def __init__(self, key16, stream_id):
        self.key, self.sid, self.counter = key16, stream_id, 0

    def __call__(self):
        msg = b"R" + struct.pack(">QQ", self.sid, self.counter)
        self.counter += 1
        return siphash24(self.key, msg)

    def below(self, n):
        """Lemire's nearly-divisionless bounded integer in [0, n)."""
        m = self() * n
        low = m & MASK
        if low < n:
            threshold = ((1 << 64) - n) % n
            while low < threshold:
                m = self() * n
                low = m & MASK
        return m >> 64


def shuffle(items, stream):
    items = list(items)
    for i in range(len(items), 1, -1):
        j = stream.below(i)
        items[i - 1], items[j] = items[j], items[i - 1]
    return items


def neg_log_q57(k):
    """-ln(u) in units of 2**-57, u = unit_interval(k): docs/policies.md, "The logarithm"."""
    x = u_numerator(k)
    j = x.bit_length() - 1
    z = x << (62 - j)
    f = 0
    for _ in range(58):
        z = (z * z) >> 62
        b = z >> 63
        z >>= b
        f = (f << 1) | b
    t = ((53 - j) << 58) - f
    return (t * 0xB17217F7D1CF79AC) >> 65


def weighted_value(k, w):
    """q = E / w: e converted to the nearest binary64, scaled by 2**-57, one division."""
    return (float(neg_log_q57(k)) * 2.0 ** -57) / w


def double_bits(x):
    return struct.unpack(">Q", struct.pack(">d", x))[0]


def vectors():
    out = []
    seed = bytes(range(32))
    out.append("seed " + seed.hex())
    pv = hashlib.sha256(public_values_key("9319/2 5 12 8 10/9 18 26 34 41 45").encode()).digest()
    out.append("public_values_seed " + pv.hex())
    for label in ["2023-05-12/san-ysidro", "", "demo"]:
        key = draw_key(seed, label.encode("utf-8"))
        out.append('label "%s"' % label)
        out.append("draw_key " + key.hex())
        for ident in [0, 1, 42, -1, 1 << 40]:
            k = siphash24(key, canonical_id(ident))
            out.append("int %d key %016x u_num %d" % (ident, k, u_numerator(k)))
        for ident in ["", "A-1", "REG-0001234567", "José Núñez"]:
            k = siphash24(key, canonical_id(ident))
            out.append('str "%s" key %016x u_num %d' % (ident, k, u_numerator(k)))
        s7 = Stream(key, 7)
        out.append("stream 7 words " + " ".join("%016x" % s7() for _ in range(3)))
        s9 = Stream(key, 9)
        out.append("stream 9 below 1450 " + " ".join(str(s9.below(1450)) for _ in range(5)))
        out.append("stream 11 shuffle 1..10 " +
                   " ".join(str(x) for x in shuffle(range(1, 11), Stream(key, 11))))
    # Weighted draw values (docs/policies.md): E = -ln(u) as a Q57 integer, q = E / w bits.
    key = draw_key(seed, b"2023-05-12/san-ysidro")
    cases = [(siphash24(key, canonical_id(i)), w)
             for i, w in zip([0, 1, 42, -1, 1 << 40], ["4", "3", "2", "1", "0.1"])]
    cases += [(0, "1"), (MASK, "1"), (1 << 63, "2.5")]
    for k, w in cases:
        out.append("weighted key %016x weight %s e_q57 %016x q %016x"
                   % (k, w, neg_log_q57(k), double_bits(weighted_value(k, float(w)))))
    return "\n".join(out) + "\n"


def self_test():
    # SipHash-2-4 reference vectors (vectors.h): key 00..0f, message = first i bytes.
    key = bytes(range(16))
    assert siphash24(key, b"") == 0x726FDB47DD0E0E31
    assert siphash24(key, bytes(range(8))) == 0x93F5F5799A932462
    assert siphash24(key, bytes(range(63))) == 0x958A324CEB064572
    assert public_values_key("9319/2 5 12 8 10/9 18 26 34 41 45") == \
        "9319./2.5.8.10.12./9.18.26.34.41.45./"


def main(argv):
    self_test()
    text = vectors()
    if len(argv) == 3 and argv[1] == "--check":
        with open(argv[2], "rb") as f:
            expected = f.read().decode("utf-8")
        if expected != text:
            for n, (a, b) in enumerate(zip(expected.splitlines(), text.splitlines()), 1):
                if a != b:
                    print("line %d differs:\n  golden: %s\n  python: %s" % (n, a, b))
                    break
            else:
                print("line counts differ")
            return 1
        print("randomness_check: %d lines match %s" % (text.count("\n"), argv[2]))
        return 0
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
