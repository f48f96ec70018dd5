#!/usr/bin/env bash
# cbpq-draw --policy and cbpq-verify over the policies: golden outputs for seniority, weighted
# and aging (byte for byte, the same on GCC and Clang), receipts that verify, a tampered weight
# or registration date that does not, and malformed columns that exit 2 with file, line and
# column and leave no output behind. Set CBPQ_UPDATE_GOLDEN=1 to rewrite the golden files.
set -euo pipefail
# shellcheck source=lib/draw_setup.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib/draw_setup.bash"

# --- inputs: 60 entrants, H-1B style weights 1-4 and one real weight, registrations over
# --- 90 days -------------------------------------------------------------------------------
{
  echo "id,port,party,registered,weight"
  for i in $(seq 1 60); do
    case $((i % 3)) in 0) p=nogales ;; 1) p=san-ysidro ;; 2) p=laredo ;; esac
    w=$((1 + (i * 7) % 4))
    [ "$i" -eq 17 ] && w=2.5
    d=$(date -u -d "2023-04-01 + $(((i * 37) % 90)) days" +%F)
    echo "R$((1000 + i * 7)),$p,$((1 + (i * 5) % 3)),$d,$w"
  done
} > E.csv
printf 'port,persons,parties\nnogales,12,\nsan-ysidro,15,5\nlaredo,6,3\n' > C.csv

for policy in seniority:0.5 weighted aging:linear/30/3 aging:double/20; do
  name=$(printf '%s' "$policy" | tr ':/.' '___')
  "$DRAW" --entrants E.csv --capacity C.csv --seed $SEED --label 2023-06-30 --alternates 2 \
          --policy "$policy" --out "R_$name.csv" --receipt "R_$name.json" > "draw_$name.txt" \
    || fail "cbpq-draw --policy $policy"
  golden "R_$name.csv" "draw_policy_$name.csv"
  grep -q "\"name\": \"${policy%%:*}\"" "R_$name.json" || fail "$policy: receipt names the policy"
  out=$("$VERIFY" --receipt "R_$name.json" --entrants E.csv --capacity C.csv)
  [ "$out" = verified ] || fail "$policy: verify printed '$out'"
done
golden R_weighted.json draw_policy_weighted_receipt.json
grep -q '"share": 0.5' R_seniority_0_5.json || fail "seniority receipt records the share"
grep -q '"weights": "entrants"' R_weighted.json || fail "weighted receipt records the weights"
grep -q '"aging": "linear/30/3"' R_aging_linear_30_3.json || fail "aging receipt records the rule"
grep -q '"draw_date": "2023-06-30"' R_aging_linear_30_3.json || fail "aging receipt records the date"

# The uniform policy is the default and is unchanged.
"$DRAW" --entrants E.csv --capacity C.csv --seed $SEED --label 2023-06-30 --alternates 2 \
        --out R_default.csv > /dev/null
"$DRAW" --entrants E.csv --capacity C.csv --seed $SEED --label 2023-06-30 --alternates 2 \
        --policy uniform --out R_uniform.csv > /dev/null
cmp R_default.csv R_uniform.csv || fail "--policy uniform differs from the default"
cmp R_weighted.csv R_uniform.csv > /dev/null && fail "weighted gave the uniform result"

# Reordered rows and columns: the same weighted and aging results.
{
  echo "weight,registered,id,party,port"
  tail -n +2 E.csv | tac | awk -F, '{print $5","$4","$1","$3","$2}'
} > E2.csv
for policy in weighted aging:linear/30/3; do
  name=$(printf '%s' "$policy" | tr ':/.' '___')
  "$DRAW" --entrants E2.csv --capacity C.csv --seed $SEED --label 2023-06-30 --alternates 2 \
          --policy "$policy" --out R2.csv > /dev/null
  cmp R2.csv "R_$name.csv" || fail "$policy: input order changed the result"
  out=$("$VERIFY" --receipt "R_$name.json" --entrants E2.csv --capacity C.csv)
  [ "$out" = verified ] || fail "$policy: verify of reordered entrants printed '$out'"
done

# --- changed inputs do not verify ------------------------------------------------------------
sed 's/^\(R1007,.*\),[0-9.]*$/\1,1.5/' E.csv > E_weight.csv
cmp -s E.csv E_weight.csv && fail "the weight edit changed nothing"
expect_unverified "entrants:" --receipt R_weighted.json --entrants E_weight.csv --capacity C.csv
grep -q 'weights' <<< "$out" || fail "the weight difference names weights: $out"
sed 's/^\(R1007,[^,]*,[^,]*\),[0-9-]*,/\1,2023-01-01,/' E.csv > E_date.csv
cmp -s E.csv E_date.csv && fail "the date edit changed nothing"
expect_unverified "entrants:" --receipt R_aging_linear_30_3.json --entrants E_date.csv \
                  --capacity C.csv
expect_unverified "entrants:" --receipt R_seniority_0_5.json --entrants E_date.csv \
                  --capacity C.csv
# A weight change does not matter to an aging receipt (it reads registration dates only).
out=$("$VERIFY" --receipt R_aging_linear_30_3.json --entrants E_weight.csv --capacity C.csv)
[ "$out" = verified ] || fail "aging receipt depends on weights: '$out'"
# A tampered receipt parameter: the result no longer matches.
sed 's/"aging": "linear\/30\/3"/"aging": "linear\/30\/2"/' R_aging_linear_30_3.json > T.json
expect_unverified "result:" --receipt T.json --entrants E.csv --capacity C.csv

# --- malformed columns: exit 2, file, line and column named, no output -----------------------
expect_bad() { expect_draw_refused "$@"; } # $1 = expected message part, rest = cbpq-draw arguments
bad_row() { # $1 = file, $2 = row replacing line 5
  awk -v row="$2" 'NR == 5 { print row; next } { print }' E.csv > "$1"
}
bad_row Ew0.csv "R9,laredo,1,2023-04-02,0"
expect_bad "Ew0.csv:5:24" --entrants Ew0.csv --policy weighted
bad_row Ewn.csv "R9,laredo,1,2023-04-02,-2"
expect_bad "Ewn.csv:5:24" --entrants Ewn.csv --policy weighted
bad_row Ewnan.csv "R9,laredo,1,2023-04-02,nan"
expect_bad "Ewnan.csv:5:24" --entrants Ewnan.csv --policy weighted
bad_row Ewinf.csv "R9,laredo,1,2023-04-02,inf"
expect_bad "Ewinf.csv:5:24" --entrants Ewinf.csv --policy weighted
bad_row Ewx.csv "R9,laredo,1,2023-04-02,3x"
expect_bad "Ewx.csv:5:24" --entrants Ewx.csv --policy weighted
bad_row Ed.csv "R9,laredo,1,2023-02-30,1"
expect_bad "Ed.csv:5:13" --entrants Ed.csv --policy aging:linear/30
expect_bad "Ed.csv:5:13" --entrants Ed.csv --policy seniority:0.3
bad_row Ed2.csv "R9,laredo,1,04/02/2023,1"
expect_bad "Ed2.csv:5:13" --entrants Ed2.csv --policy seniority:0.3
cut -d, -f1-3 E.csv > Enocol.csv
expect_bad "weight" --entrants Enocol.csv --policy weighted
expect_bad "registered" --entrants Enocol.csv --policy aging:double/7
bad_row Efuture.csv "R9,laredo,1,2023-07-01,1"
expect_bad "registered" --entrants Efuture.csv --policy aging:linear/30
# Malformed policies.
for p in seniority:1.5 seniority: seniority:x weighted:2 aging:linear aging:linear/0 \
         aging:triple/3 aging:double/3/0.5 lottery; do
  expect_bad "policy\|aging" --entrants E.csv --policy "$p"
done
expect_bad "draw-date" --entrants E.csv --policy weighted --draw-date 2023-06-30
expect_bad "draw date" --entrants E.csv --policy aging:linear/30 --draw-date 2023-13-01

# The date for aging: --draw-date overrides the label.
"$DRAW" --entrants E.csv --capacity C.csv --seed $SEED --label 2023-06-30 --alternates 2 \
        --policy aging:linear/30/3 --draw-date 2023-06-30 --out R3.csv > /dev/null
cmp R3.csv R_aging_linear_30_3.csv || fail "--draw-date equal to the label's date differs"

finish draw_policies
