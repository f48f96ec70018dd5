#!/usr/bin/env bash
# cbpq-verify on a receipt's seed and capacity members (docs/receipts.md, "The JSON
# document"): a seed.seed or seed.commitment that is not 64 lower-case hex digits, or a
# seed.secret that is not lower-case hex bytes, is a bad file (exit 2, naming the member);
# capacity numbers may be any 64-bit signed integer, INT64_MIN included, and a wrong one is a
# difference (exit 1). The independent Python verifier (docs/receipt_check.py), when python3
# is there, exits the same way.
set -euo pipefail
# shellcheck source=lib/draw_setup.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib/draw_setup.bash" # DRAW, VERIFY, SEED, fail, finish

printf 'id,port,party\nA,p,1\nB,p,3\nC,p,2\nD,q,1\nE,q,2\nF,q,1\n' > E.csv
printf 'port,persons,parties\np,4,\nq,3,2\n' > C.csv
"$DRAW" --entrants E.csv --capacity C.csv --seed $SEED --label 2023-06-30 --alternates 1 \
        --out R.csv --receipt R.json > /dev/null
grep -qF "\"seed\": \"$SEED\"" R.json || fail "the seed in R.json"

# expect CODE WANT FILE: cbpq-verify on receipt FILE exits CODE, printing WANT (stdout or
# stderr); receipt_check.py exits CODE too.
expect() {
  local code=$1 want=$2 file=$3 got
  set +e
  "$VERIFY" --receipt "$file" --entrants E.csv --capacity C.csv > out.txt 2>&1; got=$?
  set -e
  [ "$got" = "$code" ] || fail "$file: cbpq-verify exited $got, expected $code: $(cat out.txt)"
  grep -qF -- "$want" out.txt || fail "$file: expected '$want', got: $(cat out.txt)"
  if command -v python3 > /dev/null; then
    set +e
    python3 "$CBPQ_SRC/docs/receipt_check.py" --receipt "$file" --entrants E.csv \
            --capacity C.csv > py.txt 2>&1; got=$?
    set -e
    [ "$got" = "$code" ] || fail "$file: receipt_check.py exited $got, expected $code: $(cat py.txt)"
  fi
}
expect 0 verified R.json

# --- seed, commitment and secret: lower-case hex or a bad file ----------------------------
sed "s/\"$SEED\"/\"${SEED^^}\"/" R.json > upper.json
expect 2 "upper.json:" upper.json
expect 2 "field 'seed'" upper.json
sed "s/\"$SEED\"/\"${SEED:1}\"/" R.json > short.json
expect 2 "field 'seed'" short.json
# A reveal source with a given commitment and secret (cbpq-draw writes only given and
# public_values receipts, so these are edited in).
reveal() { # $1 = commitment, $2 = secret, $3 = output file
  sed "s/\"source\": \"given\"/\"source\": \"reveal\", \"commitment\": \"$1\", \"secret\": \"$2\"/" \
      R.json > "$3"
  grep -qF '"source": "reveal"' "$3" || fail "could not edit the seed source into $3"
}
A64=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
SECRET=00112233445566778899aabbccddeeff
reveal abc $SECRET commit_short.json
expect 2 "field 'commitment'" commit_short.json
reveal "${A64^^}" $SECRET commit_upper.json
expect 2 "field 'commitment'" commit_upper.json
reveal $A64 zz secret_zz.json
expect 2 "field 'secret'" secret_zz.json
reveal $A64 "${SECRET}0" secret_odd.json
expect 2 "field 'secret'" secret_odd.json
reveal $A64 "${SECRET^^}" secret_upper.json
expect 2 "field 'secret'" secret_upper.json
# Well-formed but not the seed's source: a difference, not a bad file.
reveal $A64 $SECRET reveal_wrong.json
expect 1 "NOT verified: seed:" reveal_wrong.json

# --- capacity numbers: the whole 64-bit signed range -------------------------------------
capacity() { # $1 = sed expression applied to the capacity section only, $2 = output file
  sed "/\"capacity\": \[/,/\"entrants\":/ $1" R.json > "$2"
  ! cmp -s R.json "$2" || fail "could not edit the capacity of $2"
}
capacity 's/"persons": 4,/"persons": -9223372036854775808,/' cap_min.json
expect 1 "NOT verified: capacity: port 1 ('p') persons: receipt -9223372036854775808, given 4" \
       cap_min.json
capacity 's/"persons": 4,/"persons": -9223372036854775807,/' cap_min1.json
expect 1 "persons: receipt -9223372036854775807, given 4" cap_min1.json
capacity 's/"persons": 4,/"persons": 9223372036854775807,/' cap_max.json
expect 1 "persons: receipt 9223372036854775807, given 4" cap_max.json
capacity 's/"parties": 2,/"parties": -9223372036854775808,/' parties_min.json
expect 1 "NOT verified: capacity: port 2 ('q') parties: receipt -9223372036854775808, given 2" \
       parties_min.json
# One beyond the range is out of range: a bad file.
capacity 's/"persons": 4,/"persons": -9223372036854775809,/' cap_below.json
expect 2 "field 'persons'" cap_below.json
capacity 's/"persons": 4,/"persons": 9223372036854775808,/' cap_above.json
expect 2 "field 'persons'" cap_above.json

finish verify_receipt_fields
