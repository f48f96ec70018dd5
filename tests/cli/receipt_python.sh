#!/usr/bin/env bash
# The independent Python verifier (docs/receipt_check.py, written from docs/receipts.md and
# docs/draw.md) re-runs receipts that cbpq-draw wrote, and agrees with cbpq-verify on every
# case: genuine receipts verify; a changed entrant set, changed capacity, an edited receipt and
# an edited receipt whose digest was recomputed to match do not; malformed input exits 2.
set -euo pipefail
: "${CBPQ_BIN:?}" "${CBPQ_SRC:?}" "${CBPQ_TMP:?}"
command -v python3 >/dev/null || { echo "python3 not found: skipping"; exit 0; }
mkdir -p "$CBPQ_TMP"
cd "$CBPQ_TMP"
rm -f ./*.csv ./*.json ./*.txt
DRAW="$CBPQ_BIN/cbpq-draw"
VERIFY="$CBPQ_BIN/cbpq-verify"
CHECK="python3 $CBPQ_SRC/docs/receipt_check.py"
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# expect CODE PATTERN -- runs both verifiers on the same files; both must exit CODE and the
# Python one must print PATTERN.
expect() {
    local code=$1 pattern=$2 got
    shift 2
    set +e
    $CHECK "$@" > py.txt 2>&1; got=$?
    set -e
    [ "$got" = "$code" ] || fail "receipt_check $* exited $got, expected $code: $(cat py.txt)"
    grep -q -- "$pattern" py.txt || fail "receipt_check $* printed '$(cat py.txt)', expected '$pattern'"
    if [ "$code" != 2 ]; then
        set +e
        "$VERIFY" "$@" > cpp.txt 2>&1; got=$?
        set -e
        [ "$got" = "$code" ] || fail "cbpq-verify $* exited $got, expected $code: $(cat cpp.txt)"
    fi
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
SEED=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f

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
expect 2 'Bad.csv:2: party' --receipt R2.json --entrants Bad.csv
printf 'id,party\nA,1\n' > NoPort.csv
expect 2 "NoPort.csv:1: the header has no 'port' column" --receipt R2.json --entrants NoPort.csv
printf '{"format": ' > Trunc.json
expect 2 'receipt_check:' --receipt Trunc.json --entrants E.csv

[ "$fails" = 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "receipt_python: all checks passed"
