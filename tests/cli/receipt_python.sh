#!/usr/bin/env bash
# The independent Python verifier (docs/receipt_check.py, written from docs/receipts.md,
# docs/draw.md and docs/policies.md) re-runs receipts that cbpq-draw wrote, for every policy
# (uniform, seniority, weighted, aging, preferences), and agrees with cbpq-verify on every
# case: genuine receipts verify; a changed entrant set (also only a registration date, a weight
# or the order of a ranked list), changed capacity, an edited receipt and an edited receipt
# whose digest was recomputed to match do not; malformed receipts and entrant files exit 2.
set -euo pipefail
command -v python3 >/dev/null || { echo "python3 not found: skipping"; exit 0; }
# shellcheck source=lib/draw_setup.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib/draw_setup.bash" # DRAW, VERIFY, SEED, fail, finish
CHECK="python3 $CBPQ_SRC/docs/receipt_check.py"
checks=0

# expect CODE PATTERN ARGS -- runs both verifiers on the same files; both must exit CODE and
# the Python one must print PATTERN.
expect() {
    local code=$1 pattern=$2 got
    shift 2
    set +e
    $CHECK "$@" > py.txt 2>&1; got=$?
    set -e
    [ "$got" = "$code" ] || fail "receipt_check $* exited $got, expected $code: $(cat py.txt)"
    grep -q -- "$pattern" py.txt || fail "receipt_check $* printed '$(cat py.txt)', expected '$pattern'"
    set +e
    "$VERIFY" "$@" > cpp.txt 2>&1; got=$?
    set -e
    [ "$got" = "$code" ] || fail "cbpq-verify $* exited $got, expected $code: $(cat cpp.txt)"
    checks=$((checks + 1))
}

# A small pool with a slot grid and a parties cap, and a larger one of 3,000 entrants over
# four ports with parties 1-6: ids, ports and parties from a fixed linear congruential sequence.
{
  echo "id,port,party,name"
  for i in $(seq 1 60); do
    case $((i % 3)) in 0) p=nogales ;; 1) p=san-ysidro ;; 2) p=laredo ;; esac
    echo "R$((1000 + i * 7)),$p,$((1 + (i * 5) % 4)),\"Person, $i\""
  done
} > E.csv
printf 'port,persons,parties\nnogales,12,\nsan-ysidro,15,5\nlaredo,6,3\n' > C.csv
printf 'port,slot,persons\nsan-ysidro,08:00,6\nsan-ysidro,09:00,9\n' > S.csv
awk 'BEGIN { x = 12345; print "party,port,id";
             for (i = 1; i <= 3000; i++) {
               x = (x * 1103515245 + 12345) % 2147483648; p = int(x / 65536) % 4;
               x = (x * 1103515245 + 12345) % 2147483648; s = int(x / 65536) % 10;
               size = (s < 4) ? 1 : (s < 7) ? 2 : (s < 8) ? 3 : (s < 9) ? 4 : 6;
               printf "%d,port-%d,A%05d\n", size, p, i } }' > Big.csv
printf 'port,persons,parties\nport-0,100,\nport-1,40,12\nport-2,0,\nport-3,77,\n' > BigC.csv
printf 'port,slot,persons\nport-3,a,30\nport-3,b,5\nport-3,c,42\n' > BigS.csv
PV="9319/2 5 12 8 10/9 18 26 34 41 45"

"$DRAW" --entrants E.csv --capacity C.csv --slots S.csv --public-values "$PV" \
        --label 2023-06-30 --alternates 4 --out R1.csv --receipt R1.json > /dev/null
"$DRAW" --entrants E.csv --capacity C.csv --seed $SEED --label x --fill strict \
        --alternates 30 --out R2.csv --receipt R2.json > /dev/null
"$DRAW" --entrants Big.csv --capacity BigC.csv --slots BigS.csv --seed $SEED \
        --label 2024-01-31 --alternates 25 --out R3.csv --receipt R3.json > /dev/null
"$DRAW" --entrants Big.csv --capacity BigC.csv --slots BigS.csv --public-values "$PV" \
        --label strict --fill strict --alternates 7 --out R4.csv --receipt R4.json > /dev/null

expect 0 '^verified$' --receipt R1.json --entrants E.csv --capacity C.csv --slots S.csv
expect 0 '^verified$' --receipt R2.json --entrants E.csv --capacity C.csv
expect 0 '^verified$' --receipt R3.json --entrants Big.csv --capacity BigC.csv --slots BigS.csv
expect 0 '^verified$' --receipt R4.json --entrants Big.csv --capacity BigC.csv --slots BigS.csv

# A changed entrant set, changed capacity, missing slots.
sed 's/^R1007,/R1008,/' E.csv > E2.csv
expect 1 'NOT verified: entrants:' --receipt R2.json --entrants E2.csv --capacity C.csv
sed 's/^nogales,12,/nogales,13,/' C.csv > C2.csv
expect 1 'NOT verified: capacity:' --receipt R2.json --entrants E.csv --capacity C2.csv
expect 1 'NOT verified: capacity:' --receipt R1.json --entrants E.csv --capacity C.csv

# An edited receipt: the digest no longer matches.
python3 - R3.json R3-edited.json <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
r["result"][0]["selected"][0]["party"] += 1
json.dump(r, open(sys.argv[2], "w"), indent=2)
EOF
expect 1 'NOT verified: result_digest:' --receipt R3-edited.json --entrants Big.csv \
       --capacity BigC.csv --slots BigS.csv

# An edited receipt whose digest was recomputed: only re-running the draw catches it.
python3 - "$CBPQ_SRC/docs" R3.json R3-forged.json <<'EOF'
import json, sys
sys.path.insert(0, sys.argv[1])
from receipt_check import result_digest
r = json.load(open(sys.argv[2]))
sel = r["result"][0]["selected"]
sel[0]["id"], sel[1]["id"] = sel[1]["id"], sel[0]["id"]
sel[0]["party"], sel[1]["party"] = sel[1]["party"], sel[0]["party"]
r["result_digest"] = result_digest(r["result"], r["entrants"]["id_kind"])
json.dump(r, open(sys.argv[3], "w"), indent=2)
EOF
expect 1 "NOT verified: result: port 'port-0' selected" --receipt R3-forged.json \
       --entrants Big.csv --capacity BigC.csv --slots BigS.csv

# Malformed input exits 2 with the file and line.
printf 'id,port,party\nA,nogales,0\n' > Bad.csv
expect 2 'Bad.csv:2: party' --receipt R2.json --entrants Bad.csv --capacity C.csv
printf 'id,party\nA,1\n' > NoPort.csv
expect 2 "NoPort.csv:1: the header has no 'port' column" --receipt R2.json --entrants NoPort.csv \
       --capacity C.csv
printf '{"format": ' > Trunc.json
expect 2 'receipt_check:' --receipt Trunc.json --entrants E.csv --capacity C.csv

# --- the other policies ----------------------------------------------------------------------
# 2,000 entrants over four ports (one with a slot grid, one with a parties cap), parties 1-6,
# registrations over 2023, weights from the H-1B levels 1-4 and a few real ones (written in
# every decimal form cbpq-draw reads), and ranked lists of 1-3 distinct ports; two ids hold a
# space and a comma, which both verifiers must take verbatim.
python3 - <<'EOF'
import datetime
x = 2024
def nxt():
    global x
    x = (x * 1103515245 + 12345) % 2147483648
    return x >> 16
ports = ["port-0", "port-1", "port-2", "port-3"]
weights = ["1", "2", "3", "4", "2.5", "0.75", ".5", "1e1", "3."]
with open("PE.csv", "w") as pe, open("PP.csv", "w") as pp:
    pe.write("registered,weight,party,port,id\n")
    pp.write("id,preferences,party\n")
    for i in range(1, 2001):
        s = nxt() % 10
        size = 1 if s < 4 else 2 if s < 7 else 3 if s < 8 else 4 if s < 9 else 6
        day = datetime.date(2023, 1, 1) + datetime.timedelta(days=nxt() % 365)
        ident = "P%05d" % i if i not in (77, 1500) else '" P %d, x"' % i
        pe.write("%s,%s,%d,%s,%s\n" % (day, weights[nxt() % len(weights)], size,
                                       ports[nxt() % 4], ident))
        first = nxt() % 4
        rest = [p for p in range(4) if p != first]
        lst = [first] + [rest[k] for k in sorted({nxt() % 3 for _ in range(nxt() % 3)})]
        pp.write("%s,%s,%d\n" % (ident, "|".join(ports[p] for p in lst), size))
EOF
printf 'port,persons,parties\nport-0,90,\nport-1,40,12\nport-2,0,\nport-3,77,\n' > PC.csv
printf 'port,slot,persons\nport-3,a,30\nport-3,b,5\nport-3,c,42\n' > PS.csv
printf 'port,persons,parties\nport-0,150,\nport-1,40,12\nport-2,0,\nport-3,77,\n' > PPC.csv

# policy name -> the receipt and its entrant file; every policy also drawn under strict.
declare -A ENT
n=0
for policy in seniority:0.5 seniority:1 weighted aging:linear/30/3 aging:double/20 preferences; do
    for fill in skip strict; do
        n=$((n + 1))
        ent=PE.csv; cap=PC.csv
        [ "$policy" = preferences ] && { ent=PP.csv; cap=PPC.csv; }
        "$DRAW" --entrants $ent --capacity $cap --slots PS.csv --seed $SEED --label 2024-01-31 \
                --alternates 9 --fill $fill --policy "$policy" --out "P$n.csv" --receipt "P$n.json" \
                > /dev/null || fail "cbpq-draw --policy $policy --fill $fill"
        expect 0 '^verified$' --receipt "P$n.json" --entrants $ent --capacity $cap --slots PS.csv
        ENT[$n]="$ent $cap"
    done
done
# P1 seniority:0.5 skip (port-3: 0.5 x 77 = 38.5, which rounds up to 39), P3 seniority:1, P5 weighted, P7 aging linear, P9 aging double,
# P11 preferences (P2, P4, ... the same under strict).

# Changed entrant sets: one entrant fewer; for each policy the field it reads, changed in one
# row (a registration date, a weight, the order of a ranked list).
sed '2d' PE.csv > PE-fewer.csv
awk -F, 'NR == 2 { $1 = "2023-12-31" } { print }' OFS=, PE.csv > PE-date.csv
awk -F, 'NR == 2 { $2 = ($2 == "7" ? "8" : "7") } { print }' OFS=, PE.csv > PE-weight.csv
awk -F, 'NR > 1 && !done && $2 ~ /\|/ { n = split($2, l, "|"); $2 = l[2] "|" l[1];
                                          for (k = 3; k <= n; k++) $2 = $2 "|" l[k]; done = 1 }
         { print }' OFS=, PP.csv > PP-reordered.csv
cmp -s PE.csv PE-date.csv && fail "PE-date.csv is unchanged"
cmp -s PP.csv PP-reordered.csv && fail "PP-reordered.csv is unchanged"
for n in 1 5 9; do
    expect 1 'NOT verified: entrants:' --receipt P$n.json --entrants PE-fewer.csv --capacity PC.csv \
           --slots PS.csv
done
for n in 1 7 9; do
    expect 1 'NOT verified: entrants:' --receipt P$n.json --entrants PE-date.csv --capacity PC.csv \
           --slots PS.csv
done
expect 1 'NOT verified: entrants:' --receipt P5.json --entrants PE-weight.csv --capacity PC.csv \
       --slots PS.csv
sed '2d' PP.csv > PP-fewer.csv
expect 1 'NOT verified: entrants:' --receipt P11.json --entrants PP-reordered.csv \
       --capacity PPC.csv --slots PS.csv
expect 1 'NOT verified: entrants:' --receipt P11.json --entrants PP-fewer.csv \
       --capacity PPC.csv --slots PS.csv

# Changed capacity: one more person at a port, a slot grid left out.
sed 's/^port-0,90,/port-0,91,/' PC.csv > PC2.csv
sed 's/^port-0,150,/port-0,149,/' PPC.csv > PPC2.csv
for n in 1 5 9; do
    expect 1 'NOT verified: capacity:' --receipt P$n.json --entrants PE.csv --capacity PC2.csv \
           --slots PS.csv
done
for n in 3 7; do
    expect 1 'NOT verified: capacity:' --receipt P$n.json --entrants PE.csv --capacity PC.csv
done
expect 1 'NOT verified: capacity:' --receipt P11.json --entrants PP.csv --capacity PPC2.csv \
       --slots PS.csv
expect 1 'NOT verified: capacity:' --receipt P11.json --entrants PP.csv --capacity PPC.csv

# Edited receipts, with the digest left (caught at the digest) and recomputed to match (only
# re-running the draw catches those): a winner swapped with the first alternate, two winners'
# ranks exchanged, and (seniority) a lottery winner moved into the seniority ranks.
forge() { # $1 = receipt, $2 = output, $3 = edit, $4 = recompute digest (1) or not (0)
    python3 - "$CBPQ_SRC/docs" "$@" <<'EOF'
import json, sys
sys.path.insert(0, sys.argv[1])
from receipt_check import result_digest
src, dst, edit, recompute = sys.argv[2:6]
r = json.load(open(src))
port = next(p for p in r["result"] if len(p["selected"]) >= 2 and p["alternates"])
sel, alt = port["selected"], port["alternates"]
if edit == "swap-alternate":
    for k in ("id", "party"):
        sel[0][k], alt[0][k] = alt[0][k], sel[0][k]
elif edit == "swap-ranks":
    a = next(i for i, s in enumerate(sel) if s["rank"] == 1)
    b = next(i for i, s in enumerate(sel) if s["rank"] == 2)
    sel[a]["rank"], sel[b]["rank"] = 2, 1
elif edit == "party":
    sel[0]["party"] += 1
json.dump(r, open(dst, "w"), indent=2)
if recompute == "1":
    r["result_digest"] = result_digest(r["result"], r["entrants"]["id_kind"])
    json.dump(r, open(dst, "w"), indent=2)
EOF
}
for n in 1 2 3 5 6 7 9 10 11 12; do
    read -r ent cap <<< "${ENT[$n]}"
    case $n in 1 | 5 | 7 | 11)
        forge P$n.json E$n.json party 0
        expect 1 'NOT verified: result_digest:' --receipt E$n.json --entrants $ent \
               --capacity $cap --slots PS.csv ;;
    esac
    for edit in swap-alternate swap-ranks; do
        forge P$n.json F$n.json $edit 1
        cmp -s P$n.json F$n.json && fail "forge $edit left P$n.json unchanged"
        expect 1 'NOT verified: result: port' --receipt F$n.json --entrants $ent --capacity $cap \
               --slots PS.csv
    done
done

# Edited policy parameters: no digest covers them, so only re-running the draw catches them.
# A draw date moved before some registrations makes the entrants invalid for the draw: exit 2.
malform() { # $1 = receipt, $2 = output, $3 = Python statement on r (the parsed receipt)
    python3 - "$@" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
exec(sys.argv[3])
json.dump(r, open(sys.argv[2], "w"), indent=2)
EOF
}
malform P1.json G1.json 'r["policy"]["share"] = 0.4'
malform P7.json G2.json 'r["policy"]["aging"] = "linear/31/3"'
malform P9.json G3.json 'r["policy"]["aging"] = "double/20/4"'
malform P7.json G4.json 'r["policy"]["draw_date"] = "2024-01-30"'
malform P11.json G5.json 'r["policy"]["fill"] = "strict"'
malform P5.json G6.json 'r["policy"]["alternates"] = 8'
for g in 1 2 3 4 6; do
    expect 1 'NOT verified: result: port' --receipt G$g.json --entrants PE.csv --capacity PC.csv \
           --slots PS.csv
done
expect 1 'NOT verified: result: port' --receipt G5.json --entrants PP.csv --capacity PPC.csv \
       --slots PS.csv
malform P7.json G7.json 'r["policy"]["draw_date"] = "2023-06-30"'
expect 2 'registered after the draw date' --receipt G7.json --entrants PE.csv --capacity PC.csv \
       --slots PS.csv

# Entrants the draw would refuse: a repeated id, an unknown port (both exit 2).
(cat PE.csv; sed -n 5p PE.csv) > PE-dup.csv
(cat PE.csv; echo "2023-05-05,1,1,port-9,Q1") > PE-unknown.csv
(cat PP.csv; echo "Q1,port-0|port-9,1") > PP-unknown.csv
expect 2 'PE-dup.csv:2002: duplicate id' --receipt P3.json --entrants PE-dup.csv --capacity PC.csv \
       --slots PS.csv
expect 2 "PE-unknown.csv:2002: unknown port 'port-9'" --receipt P5.json --entrants PE-unknown.csv \
       --capacity PC.csv --slots PS.csv
expect 2 "PP-unknown.csv:2002: unknown port 'port-9'" --receipt P11.json \
       --entrants PP-unknown.csv --capacity PPC.csv --slots PS.csv

# Malformed receipts: the policy's parameters missing, mistyped or out of range, an unknown
# policy, a duplicate member, a number where an integer belongs. Both exit 2.
malform P1.json M1.json 'r["policy"]["share"] = 1.5'
malform P1.json M2.json 'r["policy"]["share"] = "0.3"'
malform P1.json M3.json 'del r["policy"]["share"]'
malform P5.json M4.json 'del r["policy"]["weights"]'
malform P5.json M5.json 'r["policy"]["weights"] = "uniform"'
malform P7.json M6.json 'r["policy"]["aging"] = "linear/0"'
malform P7.json M7.json 'r["policy"]["aging"] = "square/30"'
malform P7.json M8.json 'r["policy"]["draw_date"] = "2024-02-30"'
malform P7.json M9.json 'del r["policy"]["draw_date"]'
malform P11.json M10.json 'r["policy"]["name"] = "ranked"'
malform P11.json M11.json 'r["result"][0]["persons"] = 1.0'
malform P11.json M12.json 'r["result"][0]["selected"][0]["reason"] = r["result"][0]["selected"][0].pop("slot")'
for m in 1 2 3 4 5 6 7 8 9; do
    expect 2 'receipt_check:' --receipt M$m.json --entrants PE.csv --capacity PC.csv --slots PS.csv
done
for m in 10 11 12; do
    expect 2 'receipt_check:' --receipt M$m.json --entrants PP.csv --capacity PPC.csv --slots PS.csv
done
sed '0,/"share"/s/"share": \([0-9.e-]*\)/"share": \1, "share": \1/' P1.json > M13.json
grep -q '"share": .*"share"' M13.json || fail "M13.json has no duplicate member"
expect 2 "appears twice" --receipt M13.json --entrants PE.csv --capacity PC.csv --slots PS.csv

# Malformed policy columns in E.csv: both exit 2.
awk -F, 'NR == 3 { $1 = "2023-02-29" } { print }' OFS=, PE.csv > PE-baddate.csv
awk -F, 'NR == 3 { $2 = "0" } { print }' OFS=, PE.csv > PE-zero.csv
awk -F, 'NR == 3 { $2 = "+2" } { print }' OFS=, PE.csv > PE-plus.csv
awk -F, 'NR == 3 { $2 = $2 "|" $2 } { print }' OFS=, PP.csv > PP-twice.csv
awk -F, 'NR == 3 { $2 = "" } { print }' OFS=, PP.csv > PP-empty.csv
cut -d, -f2- PE.csv > PE-noregistered.csv
expect 2 'PE-baddate.csv:3: registered' --receipt P1.json --entrants PE-baddate.csv \
       --capacity PC.csv --slots PS.csv
expect 2 'PE-baddate.csv:3: registered' --receipt P7.json --entrants PE-baddate.csv \
       --capacity PC.csv --slots PS.csv
expect 2 "PE-noregistered.csv:1: the header has no 'registered' column" --receipt P9.json \
       --entrants PE-noregistered.csv --capacity PC.csv --slots PS.csv
expect 2 'PE-zero.csv:3: weight' --receipt P5.json --entrants PE-zero.csv --capacity PC.csv \
       --slots PS.csv
expect 2 'PE-plus.csv:3: weight' --receipt P5.json --entrants PE-plus.csv --capacity PC.csv \
       --slots PS.csv
expect 2 'PP-twice.csv:3: preferences' --receipt P11.json --entrants PP-twice.csv \
       --capacity PPC.csv --slots PS.csv
expect 2 'PP-empty.csv:3: preferences' --receipt P11.json --entrants PP-empty.csv \
       --capacity PPC.csv --slots PS.csv

# A receipt with integer ids (id_kind "integer": the golden receipt the library wrote in
# tests/audit_test.cpp from integer ids i * 37 - 200): E.csv's ids are read as integers, so
# both verify it, 0126 is the same id as 126, and text that is no 64-bit integer, or ids that
# need two integer types, are bad input.
cp "$CBPQ_SRC/tests/golden/draw_receipt.json" RI.json
awk 'BEGIN { print "id,port,party";
             for (i = 1; i <= 40; i++)
               printf "%d,%s,%d\n", i * 37 - 200, (i % 2 == 0) ? "nogales" : "san-ysidro",
                      1 + (i * 5) % 4 }' > EI.csv
printf 'port,persons,parties\nnogales,10,\nsan-ysidro,14,5\n' > CI.csv
printf 'port,slot,persons\nsan-ysidro,08:00,6\nsan-ysidro,09:00,8\n' > SI.csv
sed 's/^-163,/-0163,/' EI.csv > EI-zeros.csv
{ printf '\357\273\277'; cat EI.csv; } > EI-bom.csv # a byte order mark: skipped by both
sed 's/^-163,/x163,/' EI.csv > EI-text.csv
sed 's/^-163,/18446744073709551616,/' EI.csv > EI-range.csv
sed 's/^-126,/18446744073709551615,/' EI.csv > EI-mixed.csv
{ cat EI.csv; echo "-0126,nogales,1"; } > EI-repeat.csv
expect 0 '^verified' --receipt RI.json --entrants EI.csv --capacity CI.csv --slots SI.csv
expect 0 '^verified' --receipt RI.json --entrants EI-zeros.csv --capacity CI.csv --slots SI.csv
expect 0 '^verified' --receipt RI.json --entrants EI-bom.csv --capacity CI.csv --slots SI.csv
expect 2 'EI-text.csv:2' --receipt RI.json --entrants EI-text.csv --capacity CI.csv --slots SI.csv
expect 2 'EI-range.csv:2' --receipt RI.json --entrants EI-range.csv --capacity CI.csv \
       --slots SI.csv
expect 2 'EI-mixed.csv:3: integer ids below 0 (line 2) and above 2^63 - 1 (line 3)' \
       --receipt RI.json --entrants EI-mixed.csv --capacity CI.csv --slots SI.csv
expect 2 'EI-repeat.csv:42: duplicate id' --receipt RI.json --entrants EI-repeat.csv \
       --capacity CI.csv --slots SI.csv

echo "$checks checks of both verifiers"
finish receipt_python
