#!/usr/bin/env bash
# cbpq-draw --policy preferences and cbpq-verify: ranked lists in the `preferences` column
# (ports separated by '|', best first). Golden output and receipt (byte for byte), a receipt
# that verifies (also with rows and columns reordered), a tampered list or a tampered receipt
# that does not, and malformed lists that exit 2 naming file, line and column with no output
# left behind. Set CBPQ_UPDATE_GOLDEN=1 to rewrite the golden files.
set -euo pipefail
# shellcheck source=lib/draw_setup.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib/draw_setup.bash"

# --- inputs: 40 entrants listing 1-3 of three ports, parties 1-3 ----------------------------
ports=(nogales laredo san-ysidro)
{
  echo "id,party,preferences"
  for i in $(seq 1 40); do
    a=${ports[$((i % 3))]}
    b=${ports[$(((i / 3 + 1 + i) % 3))]}
    c=${ports[$(((i * 2 + 2) % 3))]}
    case $((i % 4)) in
      0) list="$a" ;;
      1) list="$a|$b" ;;
      *) list="$a|$b|$c" ;;
    esac
    # Drop repeated ports from the generated list, keeping the first occurrence.
    list=$(printf '%s' "$list" | tr '|' '\n' | awk '!seen[$0]++' | paste -sd'|')
    echo "P$((100 + i * 3)),$((1 + (i * 7) % 3)),$list"
  done
} > E.csv
printf 'port,persons,parties\nnogales,8,\nlaredo,6,3\nsan-ysidro,10,\n' > C.csv

"$DRAW" --entrants E.csv --capacity C.csv --seed $SEED --label 2023-06-30 --alternates 2 \
        --policy preferences --out R.csv --receipt R.json > draw.txt || fail "cbpq-draw"
golden R.csv draw_preferences.csv
golden R.json draw_preferences_receipt.json
grep -q '"name": "preferences"' R.json || fail "the receipt names the policy"
grep -q '^drew ' draw.txt || fail "summary line: $(cat draw.txt)"
out=$("$VERIFY" --receipt R.json --entrants E.csv --capacity C.csv)
[ "$out" = verified ] || fail "verify printed '$out'"

# Every selected entrant got a port from its own list, and its choice column says which.
awk -F, 'NR == FNR { if (FNR > 1) list[$1] = $3; next }
         FNR > 1 && $3 == "selected" {
           n = split(list[$1], l, "|"); found = 0
           for (k = 1; k <= n; k++) if (l[k] == $2) found = k
           if (found == 0 || found != $6) { print "bad row: " $0; bad = 1 }
         }
         END { exit bad }' E.csv R.csv || fail "a selected entrant's port or choice is wrong"

# Reordered rows and columns: the same result, and the receipt still verifies.
{
  echo "preferences,id,party"
  tail -n +2 E.csv | tac | awk -F, '{print $3","$1","$2}'
} > E2.csv
"$DRAW" --entrants E2.csv --capacity C.csv --seed $SEED --label 2023-06-30 --alternates 2 \
        --policy preferences --out R2.csv > /dev/null
cmp R2.csv R.csv || fail "input order changed the result"
out=$("$VERIFY" --receipt R.json --entrants E2.csv --capacity C.csv)
[ "$out" = verified ] || fail "verify of reordered entrants printed '$out'"

# One-port lists give the uniform lottery: same selections as --policy uniform with `port`.
{
  echo "id,party,port,preferences"
  tail -n +2 E.csv | awk -F, '{ split($3, l, "|"); print $1","$2","l[1]","l[1] }'
} > E1.csv
"$DRAW" --entrants E1.csv --capacity C.csv --seed $SEED --label 2023-06-30 --alternates 2 \
        --policy preferences --out R1p.csv > /dev/null
"$DRAW" --entrants E1.csv --capacity C.csv --seed $SEED --label 2023-06-30 --alternates 2 \
        --out R1u.csv > /dev/null
cut -d, -f1-5 R1p.csv > R1p5.csv
cmp R1p5.csv R1u.csv || fail "one-port lists differ from the uniform lottery"

# --- changed inputs do not verify ------------------------------------------------------------
# The same ports in another order is another list.
awk -F, 'BEGIN { OFS = "," } NR == 3 { n = split($3, l, "|"); s = l[n]
           for (k = n - 1; k >= 1; k--) s = s "|" l[k]; $3 = s } { print }' E.csv > E_list.csv
cmp -s E.csv E_list.csv && fail "the list edit changed nothing"
expect_unverified "entrants:" --receipt R.json --entrants E_list.csv --capacity C.csv
grep -q 'preferences' <<< "$out" || fail "the difference names the preferences: $out"
# A receipt whose result was edited.
sed '0,/"rank": 1/s//"rank": 9/' R.json > T.json
cmp -s R.json T.json && fail "the receipt edit changed nothing"
set +e
out=$("$VERIFY" --receipt T.json --entrants E.csv --capacity C.csv); rc=$?
set -e
[ $rc -ne 0 ] || fail "a tampered receipt verified"

# --- malformed lists: exit 2, file, line and column named, no output -------------------------
expect_bad() { # $1 = expected message part, $2 = replacement for line 5 of E.csv
  awk -v row="$2" 'NR == 5 { print row; next } { print }' E.csv > Ebad.csv
  expect_draw_refused "$1" --entrants Ebad.csv --policy preferences
}
expect_bad "Ebad.csv:5:8" "P900,1,"
expect_bad "no port listed" "P900,1,"
expect_bad "Ebad.csv:5:8" "P900,1,nogales|tijuana"
expect_bad "unknown port 'tijuana'" "P900,1,nogales|tijuana"
expect_bad "listed twice" "P900,1,laredo|nogales|laredo"
expect_bad "empty port name" "P900,1,laredo||nogales"
expect_bad "Ebad.csv:5:6" "P900,0,laredo"
# The preferences column is required by the policy.
cut -d, -f1,2 E.csv > Enocol.csv
set +e
"$DRAW" --entrants Enocol.csv --capacity C.csv --seed $SEED --label 2023-06-30 \
        --policy preferences --out Rbad.csv > /dev/null 2> err.txt
rc=$?
set -e
[ $rc -eq 2 ] || fail "a missing preferences column: exit $rc"
grep -q "preferences" err.txt || fail "a missing column is named: $(cat err.txt)"
[ ! -e Rbad.csv ] || fail "output left behind for a missing column"

finish draw_preferences
