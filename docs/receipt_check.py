#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""Independent verifier of cbpq draw receipts, written from docs/receipts.md, docs/draw.md and
docs/policies.md.

Standard library only; the keys and the integer logarithm come from randomness_check.py
(written from docs/randomness.md and docs/policies.md, "The logarithm"). It re-runs every
policy a receipt can name (uniform, seniority, weighted, aging, preferences) the simple way
(sort every entrant, walk them all), which is slow for millions of entrants but shares no
code and no shortcut with the C++ library: if both agree, the documents specify the draw
completely.

    python3 docs/receipt_check.py --receipt R.json --entrants E.csv
                                  [--capacity C.csv [--slots S.csv]]

E.csv, C.csv and S.csv are the files cbpq-draw reads (docs/draw.md, "Command-line tools"):
E.csv has a header row with `id`, `port` and optionally `party` (without the column, every
party is 1), in any order, other columns ignored; ids are strings, every field verbatim. The receipt's policy decides which further columns
are read: `registered` (YYYY-MM-DD) for seniority and aging, `weight` for weighted, and
`preferences` (ports separated by '|', best first) in place of `port` for preferences.
Prints `verified` and exits 0, or prints `NOT verified: <step>: <reason>` and exits 1 at the
first step that fails; bad files (including a malformed receipt) exit 2.
"""
import csv
import datetime
import fractions
import hashlib
import json
import math
import os
import re
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from randomness_check import (canonical_id, draw_key, neg_log_q57,  # noqa: E402
                              public_values_key, siphash24)

FORMAT = "cbpq-receipt-v0"
SPEC = "cbpq-draw-v0"
RANDOMNESS = "cbpq-random-v0"
POLICIES = ("uniform", "seniority", "weighted", "aging", "preferences")
INT64_MAX = (1 << 63) - 1
MAX_PARTY = 1000000
MIN_WEIGHT, MAX_WEIGHT = 2.0 ** -100, 2.0 ** 100
EPOCH = datetime.date(1970, 1, 1).toordinal()


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


def double_bits(x):
    return struct.unpack(">Q", struct.pack(">d", x))[0]


def parse_day(s):
    """Days since 1970-01-01 of a strict YYYY-MM-DD date, or None."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", s):
        return None
    try:
        return datetime.date(int(s[:4]), int(s[5:7]), int(s[8:10])).toordinal() - EPOCH
    except ValueError:
        return None


DECIMAL = re.compile(r"([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


def parse_decimal(s):
    """A plain decimal number (no sign, no 'inf', no '_') as the nearest binary64, or None."""
    if not DECIMAL.fullmatch(s):
        return None
    v = float(s)
    return v if math.isfinite(v) else None


# ---------------------------------------------------------------------------------------------
# Policy parameters (docs/policies.md)

def parse_aging(spec):
    """`linear/P[/CAP]` or `double/P[/CAP]` as (kind, P, CAP or None), or None if malformed."""
    parts = spec.split("/")
    if len(parts) not in (2, 3) or parts[0] not in ("linear", "double"):
        return None
    if not re.fullmatch(r"[0-9]+", parts[1]) or not 1 <= int(parts[1]) <= 100000:
        return None
    cap = None
    if len(parts) == 3:
        cap = parse_decimal(parts[2])
        if cap is None or not 1.0 <= cap <= 2.0 ** 100:
            return None
    return parts[0], int(parts[1]), cap


def aging_weight(rule, days):
    """The weight for `days` waited: linear 1 + d / P, double 2^min(floor(d / P), 100), capped."""
    kind, period, cap = rule
    if kind == "linear":
        w = 1.0 + float(days) / float(period)
    else:
        w = 2.0 ** min(days // period, 100)
    return min(w, cap) if cap is not None else w


def seniority_persons(share, persons):
    """llround of the binary64 product share x persons, halves away from zero, at most persons."""
    product = fractions.Fraction(share * float(persons))
    q = math.floor(product)
    if product - q >= fractions.Fraction(1, 2):
        q += 1
    return min(q, persons)


# ---------------------------------------------------------------------------------------------
# The receipt: strict JSON (docs/receipts.md, "The JSON document") and the members' types

def no_duplicates(pairs):
    seen = {}
    for k, v in pairs:
        if k in seen:
            raise BadInput("member %r appears twice" % k)
        seen[k] = v
    return seen


def reject_constant(name):
    raise BadInput("%s is not JSON" % name)


def check_strings_and_depth(value, depth=1):
    if depth > 64:
        raise BadInput("nesting deeper than 64")
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise BadInput("a string holds a lone surrogate")
    elif isinstance(value, dict):
        for k, v in value.items():
            check_strings_and_depth(k, depth)
            check_strings_and_depth(v, depth + 1)
    elif isinstance(value, list):
        for v in value:
            check_strings_and_depth(v, depth + 1)


def load_receipt(path):
    try:
        with open(path, "rb") as f:
            data = f.read().decode("utf-8")
        receipt = json.loads(data, object_pairs_hook=no_duplicates, parse_constant=reject_constant)
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise BadInput("%s: %s" % (path, e))
    except BadInput as e:
        raise BadInput("%s: %s" % (path, e))
    check_strings_and_depth(receipt)
    try:
        check_receipt(receipt)
    except BadInput as e:
        raise BadInput("%s: %s" % (path, e))
    return receipt


def member(obj, name, kind, where):
    if not isinstance(obj, dict):
        raise BadInput("%s: expected an object" % where)
    if name not in obj:
        raise BadInput("%s: missing member '%s'" % (where, name))
    v = obj[name]
    ok = {"string": lambda: isinstance(v, str),
          "object": lambda: isinstance(v, dict),
          "array": lambda: isinstance(v, list),
          "number": lambda: isinstance(v, (int, float)) and not isinstance(v, bool),
          "integer": lambda: isinstance(v, int) and not isinstance(v, bool)}[kind]()
    if not ok:
        raise BadInput("%s: member '%s' must be %s %s, got %r" % (
            where, name, "an" if kind[0] in "aeio" else "a", kind, v))
    return v


def integer(obj, name, lo, hi, where, nullable=False):
    if nullable and isinstance(obj, dict) and obj.get(name, 0) is None:
        return None
    v = member(obj, name, "integer", where)
    if not lo <= v <= hi:
        raise BadInput("%s: '%s' must be an integer in %d..%d, got %d" % (where, name, lo, hi, v))
    return v


def one_of(obj, name, values, where):
    v = member(obj, name, "string", where)
    if v not in values:
        raise BadInput("%s: '%s' must be one of %s, got %r" % (where, name, ", ".join(values), v))
    return v


def check_receipt(r):
    """Every member of docs/receipts.md present with its type; unknown members are ignored."""
    if member(r, "format", "string", "receipt") != FORMAT:
        raise BadInput("not a cbpq receipt (format %r, expected %s)" % (r["format"], FORMAT))
    for name in ("spec_version", "randomness_spec_version", "label", "draw_key", "result_digest"):
        member(r, name, "string", "receipt")
    seed = member(r, "seed", "object", "receipt")
    source = one_of(seed, "source", ("given", "public_values", "reveal"), "seed")
    if not re.fullmatch(r"[0-9a-f]{64}", member(seed, "seed", "string", "seed")):
        raise BadInput("seed: 'seed' must be 64 lower-case hexadecimal digits")
    if source == "public_values":
        member(seed, "public_values", "string", "seed")
    elif source == "reveal":
        if not re.fullmatch(r"[0-9a-f]{64}", member(seed, "commitment", "string", "seed")):
            raise BadInput("seed: 'commitment' must be 64 lower-case hexadecimal digits")
        if not re.fullmatch(r"([0-9a-f]{2})*", member(seed, "secret", "string", "seed")):
            raise BadInput("seed: 'secret' must be hexadecimal bytes")
    policy = member(r, "policy", "object", "receipt")
    name = one_of(policy, "name", POLICIES, "policy")
    one_of(policy, "fill", ("skip", "strict"), "policy")
    integer(policy, "alternates", 0, 1 << 40, "policy")
    integer(policy, "max_party", 1, MAX_PARTY, "policy")
    if name == "seniority":
        share = member(policy, "share", "number", "policy")
        if not 0 <= share <= 1:
            raise BadInput("policy: 'share' must be a number from 0 to 1, got %r" % share)
    elif name == "weighted":
        one_of(policy, "weights", ("entrants",), "policy")
    elif name == "aging":
        if parse_aging(member(policy, "aging", "string", "policy")) is None:
            raise BadInput("policy: 'aging' must be linear/P[/CAP] or double/P[/CAP], got %r"
                           % policy["aging"])
        if parse_day(member(policy, "draw_date", "string", "policy")) is None:
            raise BadInput("policy: 'draw_date' must be a date YYYY-MM-DD")
    for i, port in enumerate(member(r, "capacity", "array", "receipt")):
        where = "capacity[%d]" % i
        member(port, "port", "string", where)
        integer(port, "persons", -INT64_MAX - 1, INT64_MAX, where)
        integer(port, "parties", -INT64_MAX - 1, INT64_MAX, where, nullable=True)
        for j, slot in enumerate(member(port, "slots", "array", where)):
            member(slot, "slot", "string", "%s.slots[%d]" % (where, j))
            integer(slot, "persons", -INT64_MAX - 1, INT64_MAX, "%s.slots[%d]" % (where, j))
    ents = member(r, "entrants", "object", "receipt")
    integer(ents, "count", 0, INT64_MAX, "entrants")
    kind = one_of(ents, "id_kind", ("integer", "string"), "entrants")
    member(ents, "digest", "string", "entrants")
    for i, port in enumerate(member(r, "result", "array", "receipt")):
        where = "result[%d]" % i
        member(port, "port", "string", where)
        integer(port, "persons", 0, INT64_MAX, where)
        integer(port, "parties", 0, INT64_MAX, where)
        for list_name, last in (("selected", "slot"), ("alternates", "reason")):
            for j, e in enumerate(member(port, list_name, "array", where)):
                w = "%s.%s[%d]" % (where, list_name, j)
                integer(e, "rank", 1, INT64_MAX, w)
                integer(e, "party", 1, MAX_PARTY, w)
                if kind == "integer":
                    v = member(e, "id", "integer", w)
                    if not -(1 << 63) <= v < (1 << 64):
                        raise BadInput("%s: 'id' out of the 64-bit range" % w)
                else:
                    member(e, "id", "string", w)
                if last == "slot":
                    if "slot" not in e:
                        raise BadInput("%s: missing member 'slot'" % w)
                    if e["slot"] is not None:
                        member(e, "slot", "string", w)
                else:
                    one_of(e, "reason", ("did_not_fit", "not_reached"), w)


# ---------------------------------------------------------------------------------------------
# Inputs

def read_csv(path, required, optional=()):
    """Rows of an RFC 4180 file with a header row, as dicts of the named columns."""
    try:
        # utf-8-sig: a byte order mark at the start is skipped, as cbpq's reader skips it.
        with open(path, newline="", encoding="utf-8-sig") as f:
            rows = list(csv.reader(f, strict=True))
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise BadInput("%s: %s" % (path, e))
    if not rows:
        raise BadInput("%s: empty file (a header row is required)" % path)
    header = rows[0]  # fields are taken verbatim: no trimming (docs/draw.md)
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
                rec[name] = row[header.index(name)]
        out.append(rec)
    return out


def whole(path, rec, field, lo):
    v = rec.get(field, "")
    if not re.fullmatch(r"[0-9]+", v) or int(v) < lo:
        raise BadInput("%s:%d: %s must be a whole number >= %d, got %r" % (path, rec["line"], field, lo, v))
    return int(v)


def read_entrants(path, policy):
    """Entrants as dicts: id, party, and port (or ports, for preferences), registered, weight."""
    name = policy["name"]
    required = ["id", "preferences" if name == "preferences" else "port"]
    if name in ("seniority", "aging"):
        required.append("registered")
    if name == "weighted":
        required.append("weight")
    out = []
    for rec in read_csv(path, required, ("party",)):
        e = {"id": rec["id"], "line": rec["line"]}
        e["party"] = whole(path, rec, "party", 1) if "party" in rec else 1
        if e["party"] > policy["max_party"]:
            raise BadInput("%s:%d: party %d is above max_party %d"
                           % (path, rec["line"], e["party"], policy["max_party"]))
        if name == "preferences":
            ports = rec["preferences"].split("|")
            if any(p == "" for p in ports) or len(set(ports)) != len(ports):
                raise BadInput("%s:%d: preferences must be distinct non-empty port names "
                               "separated by '|', got %r" % (path, rec["line"], rec["preferences"]))
            e["ports"] = ports
        else:
            e["port"] = rec["port"]
        if "registered" in required:
            e["registered"] = parse_day(rec["registered"])
            if e["registered"] is None:
                raise BadInput("%s:%d: registered must be a date YYYY-MM-DD, got %r"
                               % (path, rec["line"], rec["registered"]))
        if name == "weighted":
            e["weight"] = parse_decimal(rec["weight"])
            if e["weight"] is None or not MIN_WEIGHT <= e["weight"] <= MAX_WEIGHT:
                raise BadInput("%s:%d: weight must be a number in [2^-100, 2^100], got %r"
                               % (path, rec["line"], rec["weight"]))
        out.append(e)
    return out


def check_entrants(path, entrants, capacity):
    """What cbpq-draw refuses in E.csv, cbpq-verify refuses too (exit 2): a repeated id, a port
    the capacity does not name."""
    names = {p["port"] for p in capacity}
    first = {}
    for e in entrants:
        if e["id"] in first:
            raise BadInput("%s:%d: duplicate id %r (first on line %d)"
                           % (path, e["line"], e["id"], first[e["id"]]))
        first[e["id"]] = e["line"]
        for p in e.get("ports", [e.get("port")]):
            if p not in names:
                raise BadInput("%s:%d: unknown port %r" % (path, e["line"], p))


def check_integer_ids(path, entrants):
    """Ids of a receipt whose id_kind is integer: decimal text (an optional '-', then digits)
    from -2^63 to 2^64 - 1, all of one 64-bit type (not both negative and above 2^63 - 1), as
    cbpq-verify reads them. Each id becomes its value's decimal text, so 7 and 007 are one id."""
    negative = above = None
    for e in entrants:
        text = e["id"]
        digits = text[1:] if text.startswith("-") else text
        if not digits or not all("0" <= c <= "9" for c in digits):
            raise BadInput("%s:%d: %r is not an integer id" % (path, e["line"], text))
        value = int(text)
        if not -(1 << 63) <= value < (1 << 64):
            raise BadInput("%s:%d: integer id %s is out of range" % (path, e["line"], text))
        if value < 0 and negative is None:
            negative = e["line"]
        if value >= (1 << 63) and above is None:
            above = e["line"]
        if negative is not None and above is not None:
            raise BadInput("%s:%d: integer ids below 0 (line %d) and above 2^63 - 1 (line %d) "
                           "do not fit one 64-bit integer type" % (path, e["line"], negative, above))
        e["id"] = str(value)


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


def entrant_digest(entrants, kind, policy):
    """The entrant digest of the receipt's policy: what the policy reads is covered."""
    prefix = {"uniform": b"cbpq-v0 entrants", "seniority": b"cbpq-v0 entrants registered",
              "aging": b"cbpq-v0 entrants registered", "weighted": b"cbpq-v0 entrants weight",
              "preferences": b"cbpq-v0 entrants preferences"}[policy]
    records = []
    for e in entrants:
        rec = text_bytes(id_bytes(e["id"], kind))
        if policy == "preferences":
            rec += u64(e["party"]) + u64(len(e["ports"])) + b"".join(text(p) for p in e["ports"])
        else:
            rec += text(e["port"]) + u64(e["party"])
        if policy in ("seniority", "aging"):
            rec += u64(e["registered"])
        elif policy == "weighted":
            rec += u64(double_bits(e["weight"]))
        records.append(rec)
    records.sort()
    return sha256_hex(prefix + u64(len(records)) + b"".join(records))


def text_bytes(b):
    return u32(len(b)) + b


def result_digest(result, kind):
    out = [b"cbpq-v0 result", u64(len(result))]
    for port in result:
        out += [text(port["port"]), u64(port["persons"]), u64(port["parties"]),
                u64(len(port["selected"]))]
        for s in port["selected"]:
            out += [text_bytes(id_bytes(s["id"], kind)), u64(s["party"]), u64(s["rank"]),
                    text(s["slot"] or "")]
        out.append(u64(len(port["alternates"])))
        for a in port["alternates"]:
            out += [text_bytes(id_bytes(a["id"], kind)), u64(a["party"]), u64(a["rank"]),
                    text(a["reason"])]
    return sha256_hex(b"".join(out))


# ---------------------------------------------------------------------------------------------
# The fill walk (docs/draw.md, "2. The fill walk"), shared by every policy

class Port:
    """One port's room while walks run: persons, parties (None: no cap), slot rooms."""

    def __init__(self, cap, persons=None):
        self.cap = cap
        self.persons_left = cap["persons"] if persons is None else persons
        self.parties_left = cap["parties"]
        self.room = [s["persons"] for s in cap["slots"]]
        self.stopped = False

    def exhausted(self):
        if self.persons_left == 0 or self.parties_left == 0:
            return True
        return bool(self.room) and max(self.room) == 0

    def closed(self):
        return self.stopped or self.exhausted()

    def take(self, party):
        """Seat the party if it fits (first fit in slot order): (True, slot label or None)."""
        if party > self.persons_left or (self.parties_left is not None and self.parties_left <= 0):
            return False, None
        slot = None
        if self.room:
            slot = next((i for i, r in enumerate(self.room) if r >= party), None)
            if slot is None:
                return False, None
            self.room[slot] -= party
        self.persons_left -= party
        if self.parties_left is not None:
            self.parties_left -= 1
        return True, (self.cap["slots"][slot]["slot"] if slot is not None else None)


def walk(port, order, fill, alternates):
    """The fill walk over `order` (entrants as dicts): (selected, waiting list), each entry
    (entrant, slot) or (entrant, reason), in walk order."""
    selected, waiting = [], []
    for e in order:
        if port.closed():
            reason = "not_reached"
        else:
            fits, slot = port.take(e["party"])
            if fits:
                selected.append((e, slot))
                continue
            reason = "did_not_fit"
            if fill == "strict":
                port.stopped = True
        if len(waiting) < alternates:
            waiting.append((e, reason))
    return selected, waiting


def listing(walked, last):
    """Receipt entries from walk-order (entrant, slot or reason) pairs: rank = walk order,
    listed in keyed order (key, id bytes), as receipts.md lists every policy's entries."""
    ranked = [(e["key"], e["bytes"], {"rank": n, "id": e["id"], "party": e["party"], last: x})
              for n, (e, x) in enumerate(walked, 1)]
    return [d for _, _, d in sorted(ranked, key=lambda t: (t[0], t[1]))]


# ---------------------------------------------------------------------------------------------
# The policies (docs/draw.md, "The algorithm"; docs/policies.md)

def draw(receipt, entrants, key16):
    """Re-run the receipt's draw over the given entrants: the list of per-port results."""
    policy = receipt["policy"]
    name, fill, alternates = policy["name"], policy["fill"], policy["alternates"]
    kind = receipt["entrants"]["id_kind"]
    cap = receipt["capacity"]
    index = {p["port"]: i for i, p in enumerate(cap)}
    for e in entrants:
        e["bytes"] = id_bytes(e["id"], kind)
        e["key"] = siphash24(key16, e["bytes"])
        for p in e.get("ports", [e.get("port")]):
            if p not in index:
                raise BadInput("entrant %s: unknown port %r" % (e["id"], p))
        if name == "preferences":
            e["port_index"] = [index[p] for p in e["ports"]]
    keyed = lambda e: (e["key"], e["bytes"])  # noqa: E731

    if name == "preferences":
        return draw_preferences(cap, sorted(entrants, key=keyed), fill, alternates)

    if name == "aging":
        rule = parse_aging(policy["aging"])
        today = parse_day(policy["draw_date"])
        for e in entrants:
            if e["registered"] > today:
                # Refused like any bad entrant (docs/policies.md, "Aging"): not a difference.
                raise BadInput("entrant %s: registered after the draw date %s"
                               % (e["id"], policy["draw_date"]))
            e["weight"] = aging_weight(rule, today - e["registered"])
    if name in ("weighted", "aging"):
        for e in entrants:
            # q = E / w, E = e * 2^-57 with e the integer logarithm (docs/policies.md).
            e["q"] = (float(neg_log_q57(e["key"])) * 2.0 ** -57) / e["weight"]

    out = []
    for p, c in enumerate(cap):
        pool = [e for e in entrants if index[e["port"]] == p]
        port = Port(c)
        if name == "uniform":
            sel, wait = walk(port, sorted(pool, key=keyed), fill, alternates)
        elif name in ("weighted", "aging"):
            sel, wait = walk(port, sorted(pool, key=lambda e: (e["q"], e["key"], e["bytes"])),
                             fill, alternates)
        else:  # seniority: the seniority part, then the lottery with what is left
            q = seniority_persons(policy["share"], c["persons"])
            port = Port(c, persons=q)
            senior, _ = walk(port, sorted(pool, key=lambda e: (e["registered"], e["key"], e["bytes"])),
                             fill, 0)
            chosen = {id(e) for e, _ in senior}
            port.persons_left = c["persons"] - sum(e["party"] for e, _ in senior)
            port.stopped = False
            rest, wait = walk(port, sorted((e for e in pool if id(e) not in chosen), key=keyed),
                              fill, alternates)
            sel = senior + rest
        sel_list, alt_list = listing(sel, "slot"), listing(wait, "reason")
        out.append({"port": c["port"], "persons": sum(d["party"] for d in sel_list),
                    "parties": len(sel_list), "selected": sel_list, "alternates": alt_list})
    return out


def draw_preferences(cap, order, fill, alternates):
    """Random serial dictatorship (docs/policies.md, "Ranked preferences"): one keyed order
    over all entrants, each taking the first listed port that is walking and has room."""
    ports = [Port(c) for c in cap]
    end = [None] * len(cap)  # walk end: index in `order` (-1: exhausted from the start)
    for p, port in enumerate(ports):
        if port.exhausted():
            end[p] = -1
    selected = [[] for _ in cap]
    got = [None] * len(order)
    for n, e in enumerate(order):
        for p in e["port_index"]:
            port = ports[p]
            if port.closed():
                continue
            fits, slot = port.take(e["party"])
            if fits:
                selected[p].append({"rank": len(selected[p]) + 1, "id": e["id"],
                                    "party": e["party"], "slot": slot})
                got[n] = p
                if port.exhausted():
                    end[p] = n
                break
            if fill == "strict":
                port.stopped = True
                end[p] = n
    out = []
    for p, c in enumerate(cap):
        waiting = []
        for n, e in enumerate(order):
            if len(waiting) == alternates:
                break
            if got[n] is None and p in e["port_index"]:
                reached = end[p] is None or n <= end[p]
                waiting.append({"rank": len(waiting) + 1, "id": e["id"], "party": e["party"],
                                "reason": "did_not_fit" if reached else "not_reached"})
        out.append({"port": c["port"], "persons": sum(d["party"] for d in selected[p]),
                    "parties": len(selected[p]), "selected": selected[p], "alternates": waiting})
    return out


# ---------------------------------------------------------------------------------------------
# The seven steps of docs/receipts.md, "Verifying a receipt by hand"

def verify(receipt, entrants, given_capacity):
    # 1. Versions (the format was checked when the receipt was read).
    for member_name, want in (("spec_version", SPEC), ("randomness_spec_version", RANDOMNESS)):
        if receipt[member_name] != want:
            raise NotVerified("%s: expected %s, the receipt says %r"
                              % (member_name, want, receipt[member_name]))
    policy = receipt["policy"]
    # 2. Seed from its source.
    seed = receipt["seed"]
    if seed["source"] == "public_values":
        try:
            computed = sha256_hex(public_values_key(seed["public_values"]).encode("ascii"))
        except ValueError as e:
            raise NotVerified("seed: %s" % e)
    elif seed["source"] == "reveal":
        secret = bytes.fromhex(seed["secret"])
        if sha256_hex(b"cbpq-v0 commit" + secret) != seed["commitment"]:
            raise NotVerified("seed: the revealed secret does not match the commitment")
        computed = sha256_hex(b"cbpq-v0 reveal" + secret)
    else:
        computed = seed["seed"]
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
    digest = entrant_digest(entrants, kind, policy["name"])
    if (len(entrants), digest) != (receipt["entrants"]["count"], receipt["entrants"]["digest"]):
        raise NotVerified("entrants: the receipt has %d entrants with digest %s, the given set "
                          "has %d with digest %s" % (receipt["entrants"]["count"],
                                                     receipt["entrants"]["digest"],
                                                     len(entrants), digest))
    # 7. Re-run the draw.
    ids = set()
    for e in entrants:
        if e["id"] in ids:
            raise BadInput("entrant %s: the id appears twice" % e["id"])
        ids.add(e["id"])
    recomputed = draw(receipt, entrants, key16)
    if len(recomputed) != len(receipt["result"]):
        raise NotVerified("result: recomputed %d ports, the receipt has %d"
                          % (len(recomputed), len(receipt["result"])))
    for got, want in zip(recomputed, receipt["result"]):
        for field in ("port", "persons", "parties", "selected", "alternates"):
            if normalise(got[field]) != normalise(want[field]):
                ours, theirs = first_difference(got[field], want[field])
                raise NotVerified("result: port %r %s: recomputed %s, the receipt has %s"
                                  % (got["port"], field, ours, theirs))


def normalise(value):
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
            print("usage: python3 receipt_check.py --receipt R.json --entrants E.csv "
                  "[--capacity C.csv [--slots S.csv]]", file=sys.stderr)
            return 2
        args[argv[i][2:]] = argv[i + 1]
        i += 2
    if "receipt" not in args or "entrants" not in args:
        print("receipt_check: --receipt and --entrants are required", file=sys.stderr)
        return 2
    try:
        receipt = load_receipt(args["receipt"])
        entrants = read_entrants(args["entrants"], receipt["policy"])
        if receipt["entrants"]["id_kind"] == "integer":
            check_integer_ids(args["entrants"], entrants)
        given = read_capacity(args["capacity"], args.get("slots")) if "capacity" in args else None
        check_entrants(args["entrants"], entrants, given if given is not None else receipt["capacity"])
    except BadInput as e:
        print("receipt_check: %s" % e, file=sys.stderr)
        return 2
    try:
        verify(receipt, entrants, given)
    except NotVerified as e:
        print("NOT verified: %s" % e)
        return 1
    except BadInput as e:  # entrants the draw itself would refuse (docs/receipts.md)
        print("receipt_check: %s" % e, file=sys.stderr)
        return 2
    print("verified")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
