#!/usr/bin/env bash
# cbpq-draw --plan: capacity for the label's date from a capacity plan, same result as the
# equivalent capacity CSV, and refused combinations.
set -euo pipefail
mkdir -p "$CBPQ_TMP"; cd "$CBPQ_TMP"
draw="$CBPQ_BIN/cbpq-draw"; cap="$CBPQ_BIN/cbpq-capacity"; verify="$CBPQ_BIN/cbpq-verify"
plan="$CBPQ_SRC/examples/plans/cbp-one-2023.plan"
seed=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f

# 3,000 entrants spread over the eight ports, parties 1-4.
ports=(nogales brownsville eagle-pass hidalgo laredo el-paso calexico san-ysidro)
{ echo "id,port,party"; for i in $(seq 1 3000); do echo "e$i,${ports[$((i % 8))]},$((i % 4 + 1))"; done; } > E.csv

"$draw" --entrants E.csv --plan "$plan" --seed $seed --label 2023-07-04/all --alternates 5 --out plan.csv --receipt plan.json > plan.txt

# The same capacity as a CSV, from cbpq-capacity, gives byte-identical output.
"$cap" --plan "$plan" --from 2023-07-04 --to 2023-07-04 | awk -F, 'NR > 1 { print $2 "," $3 }' > body.csv
{ echo "port,persons"; cat body.csv; } > C.csv
"$draw" --entrants E.csv --capacity C.csv --seed $seed --label 2023-07-04/all --alternates 5 --out csv.csv > /dev/null
cmp plan.csv csv.csv || { echo "--plan and --capacity disagree"; exit 1; }
"$verify" --receipt plan.json --entrants E.csv --capacity C.csv > verify.txt
grep -qx verified verify.txt

# 1,450 persons in all that day (national total), never more.
total=$(awk -F, 'NR > 1 { s += $2 } END { print s }' C.csv)
[ "$total" = 1450 ] || { echo "plan total on 2023-07-04 is $total, expected 1450"; exit 1; }

expect_fail() {
    set +e; "$@" > out.txt 2> err.txt; local got=$?; set -e
    [ "$got" = 2 ] || { echo "expected exit 2, got $got: $*"; cat err.txt; exit 1; }
}
rm -f bad.csv
expect_fail "$draw" --entrants E.csv --plan "$plan" --capacity C.csv --seed $seed --label 2023-07-04 --out bad.csv
expect_fail "$draw" --entrants E.csv --plan "$plan" --seed $seed --label all-ports --out bad.csv
expect_fail "$draw" --entrants E.csv --plan "$plan" --seed $seed --label 2023-02-30/x --out bad.csv
grep -q "label" err.txt || { echo "bad label date not named"; cat err.txt; exit 1; }
printf 'cbpq-capacity-plan 1\nport a persons=-3\n' > broken.plan
expect_fail "$draw" --entrants E.csv --plan broken.plan --seed $seed --label 2023-07-04 --out bad.csv
grep -q "broken.plan:2" err.txt || { echo "plan error not located"; cat err.txt; exit 1; }
[ ! -e bad.csv ] || { echo "an output file was written on bad input"; exit 1; }
echo "cbpq-draw --plan: all checks passed"
