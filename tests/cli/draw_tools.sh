#!/usr/bin/env bash
# cbpq-draw and cbpq-verify: a golden draw, order and line-ending independence, receipts that
# verify, tampered receipts and changed inputs that do not, and malformed files that exit 2
# with file, line and column and leave no output behind.
set -euo pipefail
: "${CBPQ_BIN:?}" "${CBPQ_SRC:?}" "${CBPQ_TMP:?}"
mkdir -p "$CBPQ_TMP"
cd "$CBPQ_TMP"
rm -f ./*.csv ./*.json ./*.txt ./*.tmp.*
DRAW="$CBPQ_BIN/cbpq-draw"
VERIFY="$CBPQ_BIN/cbpq-verify"
SEED=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# --- inputs ------------------------------------------------------------------------------
{
  echo "id,port,party,name"
  for i in $(seq 1 60); do
    case $((i % 3)) in 0) p=nogales ;; 1) p=san-ysidro ;; 2) p=laredo ;; esac
    echo "R$((1000 + i * 7)),$p,$((1 + (i * 5) % 4)),\"Person, $i\""
  done
} > E.csv
printf 'port,persons,parties\nnogales,12,\nsan-ysidro,15,5\nlaredo,6,3\n' > C.csv
printf 'port,slot,persons\nsan-ysidro,08:00,6\nsan-ysidro,09:00,9\n' > S.csv

# --- a golden draw -----------------------------------------------------------------------
"$DRAW" --entrants E.csv --capacity C.csv --slots S.csv --seed $SEED --label 2023-06-30 \
        --alternates 2 --out R.csv --receipt R.json > draw.txt
cmp R.csv "$CBPQ_SRC/tests/golden/draw_cli_out.csv" || fail "R.csv differs from the golden file"
head -1 R.csv | grep -qx 'id,port,status,rank,slot' || fail "R.csv header"
grep -q '^R[0-9]*,san-ysidro,selected,1,0[89]:00$' R.csv || fail "slot labels in R.csv"

# Same entrants, columns reordered, rows reversed, CRLF line ends: same R.csv.
{
  printf 'party,name,port,id\r\n'
  for i in $(seq 60 -1 1); do
    case $((i % 3)) in 0) p=nogales ;; 1) p=san-ysidro ;; 2) p=laredo ;; esac
    printf '%s,"Person, %s",%s,R%s\r\n' $((1 + (i * 5) % 4)) $i $p $((1000 + i * 7))
  done
} > E2.csv
"$DRAW" --entrants E2.csv --capacity C.csv --slots S.csv --seed $SEED --label 2023-06-30 \
        --alternates 2 --out R2.csv > /dev/null
cmp R.csv R2.csv || fail "input order or line ends changed the result"

# --- receipts ----------------------------------------------------------------------------
out=$("$VERIFY" --receipt R.json --entrants E.csv --capacity C.csv --slots S.csv)
[ "$out" = verified ] || fail "verify printed '$out'"
"$VERIFY" --receipt R.json --entrants E2.csv --capacity C.csv --slots S.csv > /dev/null \
  || fail "verify of reordered entrants"

expect_unverified() { # $1 = what the difference starts with, rest = cbpq-verify arguments
  local want=$1; shift
  set +e
  out=$("$VERIFY" "$@"); rc=$?
  set -e
  [ $rc -eq 1 ] || fail "expected exit 1, got $rc: $out"
  case "$out" in "NOT verified: $want"*) ;; *) fail "expected '$want', got '$out'" ;; esac
}
# A tampered receipt: one selected id changed.
sed '0,/"id": "R/s//"id": "X/' R.json > T.json
expect_unverified "result_digest:" --receipt T.json --entrants E.csv --capacity C.csv --slots S.csv
# A changed label.
sed 's/"label": "2023-06-30"/"label": "2023-07-01"/' R.json > T2.json
expect_unverified "draw_key:" --receipt T2.json --entrants E.csv --capacity C.csv --slots S.csv
# A changed entrant set.
head -n -1 E.csv > E3.csv
expect_unverified "entrants:" --receipt R.json --entrants E3.csv --capacity C.csv --slots S.csv
# Changed capacity and slots.
sed 's/^nogales,12,/nogales,13,/' C.csv > C2.csv
expect_unverified "capacity:" --receipt R.json --entrants E.csv --capacity C2.csv --slots S.csv
sed 's/09:00,9/09:00,8/' S.csv > S2.csv
expect_unverified "capacity:" --receipt R.json --entrants E.csv --capacity C.csv --slots S2.csv

# Public values as the seed source.
"$DRAW" --entrants E.csv --capacity C.csv --public-values "9319/2 5 12 8 10/9 18 26 34 41 45" \
        --label pv --fill strict --out P.csv --receipt P.json > /dev/null
grep -q '"source": "public_values"' P.json || fail "public values in the receipt"
grep -q '"fill": "strict"' P.json || fail "fill rule in the receipt"
"$VERIFY" --receipt P.json --entrants E.csv --capacity C.csv > /dev/null || fail "verify P.json"

# --- bad input: exit 2, file:line:column on stderr, no output file ------------------------
expect_bad() { # $1 = text expected on stderr, rest = cbpq-draw arguments (out is X.csv)
  local want=$1; shift
  rm -f X.csv X.json
  set +e
  "$DRAW" "$@" --out X.csv --receipt X.json > /dev/null 2> err.txt; rc=$?
  set -e
  [ $rc -eq 2 ] || fail "expected exit 2, got $rc for: $want"
  grep -qF -- "$want" err.txt || fail "expected '$want' on stderr, got: $(cat err.txt)"
  [ ! -e X.csv ] && [ ! -e X.json ] || fail "an output file was written for: $want"
  ! ls X.csv.tmp.* X.json.tmp.* > /dev/null 2>&1 || fail "a temporary file was left for: $want"
}
ARGS=(--capacity C.csv --slots S.csv --seed $SEED --label t)
printf 'id,port,party\nA,nogales,1\n"B,nogales,1\n' > bad.csv
expect_bad "bad.csv:3:1" --entrants bad.csv "${ARGS[@]}"
expect_bad "quoted field is never closed" --entrants bad.csv "${ARGS[@]}"
printf 'id,party\nA,1\n' > bad.csv
expect_bad "bad.csv:1" --entrants bad.csv "${ARGS[@]}"
expect_bad "required column 'port' is missing" --entrants bad.csv "${ARGS[@]}"
expect_bad "bad.csv:1:1, field 'port'" --entrants bad.csv "${ARGS[@]}"
# An id that is not UTF-8 (Latin-1) can be drawn but not written into a JSON receipt.
printf 'id,port,party
Jos\351,nogales,1
' > bad.csv
expect_bad "field 'result[0].selected[0].id': text that is not valid UTF-8" --entrants bad.csv \
           "${ARGS[@]}"
printf 'id,port,party\nA,nogales,1\nB,nogales\n' > bad.csv
expect_bad "bad.csv:3" --entrants bad.csv "${ARGS[@]}"
printf 'id,port,party\nA,nogales,1\nB,nogales,0\n' > bad.csv
expect_bad "bad.csv:3:11" --entrants bad.csv "${ARGS[@]}"
printf 'id,port,party\nA,nogales,21\n' > bad.csv
expect_bad "bad.csv:2:11" --entrants bad.csv "${ARGS[@]}"
printf 'id,port,party\nA,nogales,two\n' > bad.csv
expect_bad "is not a whole number" --entrants bad.csv "${ARGS[@]}"
printf 'id,port,party\nA,nogales,1\nB,tijuana,1\n' > bad.csv
expect_bad "bad.csv:3:3" --entrants bad.csv "${ARGS[@]}"
expect_bad "unknown port 'tijuana'" --entrants bad.csv "${ARGS[@]}"
printf 'id,port,party\nA,nogales,1\nB,laredo,2\nA,laredo,1\n' > bad.csv
expect_bad "bad.csv:4:1" --entrants bad.csv "${ARGS[@]}"
expect_bad "duplicate id 'A' (first on line 2)" --entrants bad.csv "${ARGS[@]}"
printf 'id,port,party\n,nogales,1\n' > bad.csv
expect_bad "bad.csv:2:1" --entrants bad.csv "${ARGS[@]}"
expect_bad "seed" --entrants E.csv --capacity C.csv --seed 12zz --label t
expect_bad "give exactly one of --seed and --public-values" --entrants E.csv --capacity C.csv --label t
expect_bad "public values" --entrants E.csv --capacity C.csv --public-values "1/x" --label t
printf 'port,persons\nnogales,-4\n' > badc.csv
expect_bad "badc.csv:2:9" --entrants E.csv --capacity badc.csv --seed $SEED --label t
printf 'port,persons\nnogales,4\nnogales,5\n' > badc.csv
expect_bad "badc.csv:3:1" --entrants E.csv --capacity badc.csv --seed $SEED --label t
printf 'port,persons\nnogales,99999999999999999999\n' > badc.csv
expect_bad "badc.csv:2:9" --entrants E.csv --capacity badc.csv --seed $SEED --label t
printf 'port,slot,persons\ntijuana,08:00,3\n' > bads.csv
expect_bad "bads.csv:2:1" --entrants E.csv --capacity C.csv --slots bads.csv --seed $SEED --label t
printf 'port,slot,persons\nsan-ysidro,08:00,0\nsan-ysidro,09:00,0\n' > bads.csv
expect_bad "cannot hold any party" --entrants E.csv --capacity C.csv --slots bads.csv --seed $SEED --label t
printf 'port,slot,persons\nsan-ysidro,08:00,3\nsan-ysidro,08:00,3\n' > bads.csv
expect_bad "bads.csv:3:12" --entrants E.csv --capacity C.csv --slots bads.csv --seed $SEED --label t
expect_bad "cannot open file" --entrants missing.csv "${ARGS[@]}"
expect_bad "--fill takes skip or strict" --entrants E.csv "${ARGS[@]}" --fill sometimes
expect_bad "--alternates takes a whole number" --entrants E.csv "${ARGS[@]}" --alternates -1

# An existing output file is left alone on bad input.
echo keep > X.csv
set +e
"$DRAW" --entrants bad.csv "${ARGS[@]}" --out X.csv 2> /dev/null; rc=$?
set -e
[ $rc -eq 2 ] && [ "$(cat X.csv)" = keep ] || fail "an existing output was touched on bad input"
rm -f X.csv

# Malformed receipts: exit 2 with file, line and column.
printf '{"format": "cbpq-receipt-v0",\n "spec_version": }\n' > badr.json
set +e
"$VERIFY" --receipt badr.json --entrants E.csv --capacity C.csv > /dev/null 2> err.txt; rc=$?
set -e
[ $rc -eq 2 ] || fail "malformed receipt: exit $rc"
grep -qF "badr.json:2:18" err.txt || fail "malformed receipt location: $(cat err.txt)"
sed 's/"fill": "skip"/"fill": "maybe"/' R.json > badr.json
set +e
"$VERIFY" --receipt badr.json --entrants E.csv --capacity C.csv --slots S.csv > /dev/null 2> err.txt; rc=$?
set -e
[ $rc -eq 2 ] && grep -qF "field 'fill'" err.txt || fail "bad fill in receipt: $rc $(cat err.txt)"

if [ $fails -ne 0 ]; then
  echo "$fails check(s) failed" >&2
  exit 1
fi
echo "draw_tools: all checks passed"
