#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""Independent verifier of cbpq draw receipts, written from docs/receipts.md and docs/draw.md.

Standard library only; the keys come from randomness_check.py (written from
docs/randomness.md). It re-runs a uniform draw the simple way (sort every entrant of a port,
walk them all), which is slow for millions of entrants but shares no code and no shortcut with
the C++ library: if both agree, the documents specify the draw completely.

    python3 docs/receipt_check.py --receipt R.json --entrants E.csv
                                  [--capacity C.csv [--slots S.csv]]

E.csv, C.csv and S.csv are the files cbpq-draw reads (docs/draw.md, "Command-line tools"):
E.csv has a header row with `id`, `port` and optionally `party` (default 1), in any order,
other columns ignored; ids are strings. Prints `verified` and exits 0, or prints
`NOT verified: <step>: <reason>` and exits 1 at the first step that fails; bad files exit 2.
"""
import csv
import hashlib
import json
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from randomness_check import canonical_id, draw_key, public_values_key, siphash24  # noqa: E402

FORMAT = "cbpq-receipt-v0"
SPEC = "cbpq-draw-v0"
RANDOMNESS = "cbpq-random-v0"


class NotVerified(Exception):
    pass


class BadInput(Exception):
    pass


def u32(x):
    return struct.pack(">I", x)


def u64(x):
    return struct.pack(">Q", x & 0xFFFFFFFFFFFFFFFF)


def text(s):
    b = s.encode("utf-8")
    return u32(len(b)) + b


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------------------------------------
# Inputs

def read_csv(path, required, optional=()):
    """Rows of an RFC 4180 file with a header row, as dicts of the named columns."""
    try:
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f, strict=True))
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise BadInput("%s: %s" % (path, e))
    if not rows:
        raise BadInput("%s: empty file (a header row is required)" % path)
    header = [h.strip() for h in rows[0]]
    for name in required:
        if name not in header:
            raise BadInput("%s:1: the header has no '%s' column" % (path, name))
    out = []
    for n, row in enumerate(rows[1:], 2):
        if row == []:
            continue
        if len(row) != len(header):
            raise BadInput("%s:%d: %d fields, the header has %d" % (path, n, len(row), len(header)))
        rec = {"line": n}
        for name in list(required) + list(optional):
            if name in header:
                rec[name] = row[header.index(name)].strip()
        out.append(rec)
    return out


def whole(path, rec, field, lo):
    v = rec.get(field, "")
    if not v.isdigit() or int(v) < lo:
        raise BadInput("%s:%d: %s must be a whole number >= %d, got %r" % (path, rec["line"], field, lo, v))
    return int(v)


def read_entrants(path):
    out = []
    for rec in read_csv(path, ("id", "port"), ("party",)):
        party = whole(path, rec, "party", 1) if rec.get("party", "") != "" else 1
        out.append((rec["id"], rec["port"], party))
    return out


def read_capacity(cap_path, slots_path):
    ports = []
    for rec in read_csv(cap_path, ("port", "persons"), ("parties",)):
        parties = whole(cap_path, rec, "parties", 0) if rec.get("parties", "") != "" else None
        ports.append({"port": rec["port"], "persons": whole(cap_path, rec, "persons", 0),
                      "parties": parties, "slots": []})
    if slots_path:
        by_name = {p["port"]: p for p in ports}
        for rec in read_csv(slots_path, ("port", "slot", "persons")):
            if rec["port"] not in by_name:
                raise BadInput("%s:%d: unknown port %r" % (slots_path, rec["line"], rec["port"]))
            by_name[rec["port"]]["slots"].append(
                {"slot": rec["slot"], "persons": whole(slots_path, rec, "persons", 0)})
    return ports


# ---------------------------------------------------------------------------------------------
# Digests (docs/receipts.md, "Byte encodings used by the digests")

def id_bytes(ident, kind):
    if kind == "integer":
        return canonical_id(int(ident))
    return canonical_id(ident)


def entrant_digest(entrants, kind):
    records = sorted(u32(len(id_bytes(i, kind))) + id_bytes(i, kind) + text(p) + u64(s)
                     for i, p, s in entrants)
    return sha256_hex(b"cbpq-v0 entrants" + u64(len(records)) + b"".join(records))


def result_digest(result, kind):
    out = [b"cbpq-v0 result", u64(len(result))]
    for port in result:
        out += [text(port["port"]), u64(port["persons"]), u64(port["parties"]),
                u64(len(port["selected"]))]
        for s in port["selected"]:
            b = id_bytes(s["id"], kind)
            out += [u32(len(b)), b, u64(s["party"]), u64(s["rank"]), text(s["slot"] or "")]
        out.append(u64(len(port["alternates"])))
        for a in port["alternates"]:
            b = id_bytes(a["id"], kind)
            out += [u32(len(b)), b, u64(a["party"]), u64(a["rank"]), text(a["reason"])]
    return sha256_hex(b"".join(out))


# ---------------------------------------------------------------------------------------------
# The uniform draw (docs/draw.md, "The algorithm"), the plain way

def draw_port(cap, entrants, key16, fill, alternates, kind):
    """One port: entrants as (id, party); returns the result entry of the receipt."""
    # Ascending key; ties by compare_ids, which orders as the canonical id bytes do.
    order = sorted(entrants, key=lambda e: (siphash24(key16, id_bytes(e[0], kind)),
                                            id_bytes(e[0], kind)))
    persons_left = cap["persons"]
    parties_left = cap["parties"]
    room = [s["persons"] for s in cap["slots"]]

    def exhausted():
        if persons_left == 0 or parties_left == 0:
            return True
        return bool(room) and max(room) == 0

    selected, waiting = [], []
    stopped = False
    for ident, party in order:
        if stopped or exhausted():
            reason = "not_reached"
        else:
            slot = None
            fits = party <= persons_left and (parties_left is None or parties_left > 0)
            if fits and room:
                slot = next((i for i, r in enumerate(room) if r >= party), None)
                fits = slot is not None
            if fits:
                persons_left -= party
                if parties_left is not None:
                    parties_left -= 1
                if slot is not None:
                    room[slot] -= party
                selected.append({"rank": len(selected) + 1, "id": ident, "party": party,
                                 "slot": cap["slots"][slot]["slot"] if slot is not None else None})
                continue
            reason = "did_not_fit"
            if fill == "strict":
                stopped = True
        if len(waiting) < alternates:
            waiting.append({"rank": len(waiting) + 1, "id": ident, "party": party,
                            "reason": reason})
    return {"port": cap["port"], "persons": sum(s["party"] for s in selected),
            "parties": len(selected), "selected": selected, "alternates": waiting}


# ---------------------------------------------------------------------------------------------
# The seven steps of docs/receipts.md, "Verifying a receipt by hand"

def verify(receipt, entrants, given_capacity):
    # 1. Versions.
    for member, want in (("format", FORMAT), ("spec_version", SPEC),
                         ("randomness_spec_version", RANDOMNESS)):
        if receipt.get(member) != want:
            raise NotVerified("%s: expected %s, the receipt says %r" % (member, want, receipt.get(member)))
    policy = receipt["policy"]
    if policy["name"] != "uniform":
        raise NotVerified("policy: this checker re-runs 'uniform' draws, the receipt's is %r"
                          % policy["name"])
    # 2. Seed from its source.
    seed = receipt["seed"]
    if seed["source"] == "public_values":
        computed = sha256_hex(public_values_key(seed["public_values"]).encode("ascii"))
    elif seed["source"] == "reveal":
        secret = bytes.fromhex(seed["secret"])
        if sha256_hex(b"cbpq-v0 commit" + secret) != seed["commitment"]:
            raise NotVerified("seed: the revealed secret does not match the commitment")
        computed = sha256_hex(b"cbpq-v0 reveal" + secret)
    elif seed["source"] == "given":
        computed = seed["seed"]
    else:
        raise NotVerified("seed: unknown source %r" % seed["source"])
    if computed != seed["seed"]:
        raise NotVerified("seed: the source gives %s, the receipt says %s" % (computed, seed["seed"]))
    # 3. Draw key.
    key16 = draw_key(bytes.fromhex(seed["seed"]), receipt["label"].encode("utf-8"))
    if key16.hex() != receipt["draw_key"]:
        raise NotVerified("draw_key: seed and label give %s, the receipt says %s"
                          % (key16.hex(), receipt["draw_key"]))
    kind = receipt["entrants"]["id_kind"]
    # 4. Result digest.
    digest = result_digest(receipt["result"], kind)
    if digest != receipt["result_digest"]:
        raise NotVerified("result_digest: the receipt's result hashes to %s, the receipt says %s"
                          % (digest, receipt["result_digest"]))
    # 5. Capacity.
    cap = receipt["capacity"]
    if given_capacity is not None and given_capacity != cap:
        raise NotVerified("capacity: the receipt's capacity differs from the given files")
    # 6. Entrants.
    digest = entrant_digest(entrants, kind)
    if (len(entrants), digest) != (receipt["entrants"]["count"], receipt["entrants"]["digest"]):
        raise NotVerified("entrants: the receipt has %d entrants with digest %s, the given set "
                          "has %d with digest %s" % (receipt["entrants"]["count"],
                                                     receipt["entrants"]["digest"],
                                                     len(entrants), digest))
    # 7. Re-run the draw.
    index = {p["port"]: i for i, p in enumerate(cap)}
    per_port = [[] for _ in cap]
    for ident, port, party in entrants:
        if port not in index:
            raise NotVerified("entrants: entrant %s asks for unknown port %r" % (ident, port))
        if party > policy["max_party"]:
            raise NotVerified("entrants: entrant %s has party %d > max_party" % (ident, party))
        per_port[index[port]].append((ident, party))
    for p, c in enumerate(cap):
        got = draw_port(c, per_port[p], key16, policy["fill"], policy["alternates"], kind)
        want = receipt["result"][p]
        for field in ("port", "persons", "parties", "selected", "alternates"):
            if normalise(got[field], kind) != normalise(want[field], kind):
                ours, theirs = first_difference(got[field], want[field])
                raise NotVerified("result: port %r %s: recomputed %s, the receipt has %s"
                                  % (c["port"], field, ours, theirs))


def normalise(value, kind):
    if isinstance(value, list):
        return [dict(e, id=str(e["id"])) for e in value]
    return value


def first_difference(got, want):
    if not isinstance(got, list):
        return "%r" % (got,), "%r" % (want,)
    for a, b in zip(got, want):
        if str(a["id"]) != str(b["id"]) or a != dict(b, id=a["id"]):
            return "%r" % (a,), "%r" % (b,)
    return "%d entries" % len(got), "%d entries" % len(want)


def main(argv):
    args = {}
    i = 1
    while i < len(argv):
        if argv[i] not in ("--receipt", "--entrants", "--capacity", "--slots") or i + 1 == len(argv):
            print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
            return 2
        args[argv[i][2:]] = argv[i + 1]
        i += 2
    if "receipt" not in args or "entrants" not in args:
        print("receipt_check: --receipt and --entrants are required", file=sys.stderr)
        return 2
    try:
        with open(args["receipt"], encoding="utf-8") as f:
            receipt = json.load(f)
        entrants = read_entrants(args["entrants"])
        given = read_capacity(args["capacity"], args.get("slots")) if "capacity" in args else None
    except (OSError, ValueError, BadInput) as e:
        print("receipt_check: %s" % e, file=sys.stderr)
        return 2
    try:
        verify(receipt, entrants, given)
    except NotVerified as e:
        print("NOT verified: %s" % e)
        return 1
    except (KeyError, TypeError) as e:
        print("NOT verified: the receipt lacks or mistypes member %s" % e)
        return 1
    print("verified")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
