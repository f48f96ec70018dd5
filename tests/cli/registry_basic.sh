#!/usr/bin/env bash
# cbpq-registry end to end: init, register (with duplicates and a malformed file), run-day
# (idempotent, refused with another seed), export checked by cbpq-verify, confirm, no-show and
# cancel with promotion, and two concurrent run-day that commit exactly once.
set -euo pipefail
source "$(dirname "$0")/registry_common.inc"
command -v sqlite3 >/dev/null || { echo "sqlite3 shell not found: skipping"; exit 0; }
T="$CBPQ_TMP"
rm -rf "$T"/*
DB="$T/reg.db"
write_plan "$T/plan"

"$REG" --db "$DB" init --plan "$T/plan" > "$T/out"
grep -q "initialised: 2 ports" "$T/out" || fail "init output"
set +e
"$REG" --db "$DB" init --plan "$T/plan" 2> "$T/err"; rc=$?
set -e
[ $rc -eq 2 ] || fail "second init should exit 2, got $rc"

gen 60 0 > "$T/regs.csv"
"$REG" --db "$DB" register --in "$T/regs.csv" > "$T/out"
cat "$T/out"
grep -q "registered 60: kept" "$T/out" || fail "register output"
grep -q "cancelled 6 as duplicates" "$T/out" || fail "six duplicates expected"
[ "$(q "$DB" "SELECT count(*) FROM registration WHERE decision='cancel'")" = 6 ] || fail "cancel rows"
[ "$(q "$DB" "SELECT count(*) FROM registration WHERE decision='cancel' AND rule IS NOT NULL AND other IS NOT NULL")" = 6 ] \
    || fail "cancellations carry their rule and the other registration"

# A malformed file is refused whole, with line and column; nothing written.
gen 5 100 > "$T/bad.csv"
sed -i '4s/,x$/,x/; 4s/,[0-9],x$/,7x,x/' "$T/bad.csv"
set +e
"$REG" --db "$DB" register --in "$T/bad.csv" 2> "$T/err"; rc=$?
set -e
[ $rc -eq 2 ] || fail "malformed file should exit 2, got $rc"
grep -q "bad.csv:4:" "$T/err" || { cat "$T/err"; fail "line and column expected"; }
[ "$(q "$DB" "SELECT count(*) FROM registration")" = 60 ] || fail "nothing may be written"
# Re-registering a known id is refused too.
set +e
"$REG" --db "$DB" register --in "$T/regs.csv" 2> "$T/err"; rc=$?
set -e
[ $rc -eq 2 ] || fail "known ids should exit 2"
grep -q "already registered" "$T/err" || fail "known id message"

D=2024-05-01
"$REG" --db "$DB" run-day --date $D --seed $SEED1 --alternates 5 > "$T/day1"
cat "$T/day1"
grep -q "^committed $D" "$T/day1" || fail "run-day committed"
grep -q "^port a: selected [0-9]* persons" "$T/day1" || fail "per-port line"
grep -q "capacity 6 persons" "$T/day1" || fail "capacity of b"
"$REG" --db "$DB" run-day --date $D --seed $SEED1 --alternates 5 > "$T/day1b"
grep -q "^already_committed $D" "$T/day1b" || fail "second run returns the committed day"
set +e
"$REG" --db "$DB" run-day --date $D --seed $SEED2 > "$T/out"; rc=$?
set -e
[ $rc -eq 1 ] || fail "another seed must be refused with 1, got $rc"
grep -q "refused" "$T/out" || fail "refused message"
[ "$(q "$DB" "SELECT count(*) FROM day")" = 1 ] || fail "one day row"

"$REG" --db "$DB" export --date $D --receipt "$T/r.json" --entrants "$T/e.csv" \
    --capacity "$T/c.csv" --slots "$T/s.csv" > /dev/null
"$CBPQ_BIN/cbpq-verify" --receipt "$T/r.json" --entrants "$T/e.csv" --capacity "$T/c.csv" \
    --slots "$T/s.csv" > "$T/out" || { cat "$T/out"; fail "cbpq-verify rejected the export"; }
grep -q "^verified" "$T/out" || fail "verified"
set +e
"$REG" --db "$DB" export --date $D --receipt "$T/r2.json" --entrants "$T/e2.csv" \
    --capacity "$T/c2.csv" 2> /dev/null; rc=$?
set -e
[ $rc -eq 2 ] || fail "export of a slotted day without --slots should exit 2"
# A tampered export fails verification.
sed '2d' "$T/e.csv" > "$T/e-bad.csv"
set +e
"$CBPQ_BIN/cbpq-verify" --receipt "$T/r.json" --entrants "$T/e-bad.csv" --capacity "$T/c.csv" \
    --slots "$T/s.csv" > /dev/null; rc=$?
set -e
[ $rc -eq 1 ] || fail "tampered entrants must fail verification"

# Confirm, no-show and cancel; released capacity goes to alternates in order.
first=$(q "$DB" "SELECT id FROM reservation WHERE port='a' ORDER BY rowid LIMIT 1")
"$REG" --db "$DB" confirm --date $D --id "$first" > "$T/out"
grep -q "confirmed $first" "$T/out" || fail confirm
set +e
"$REG" --db "$DB" confirm --date $D --id "$first" > /dev/null; rc=$?
set -e
[ $rc -eq 1 ] || fail "confirming twice exits 1"
before=$(q "$DB" "SELECT persons_used FROM capacity WHERE date='$D' AND port='a' AND slot=''")
"$REG" --db "$DB" no-show --date $D --id "$first" > "$T/out"
cat "$T/out"
grep -q "no_show $first" "$T/out" || fail "no-show output"
after=$(q "$DB" "SELECT persons_used FROM capacity WHERE date='$D' AND port='a' AND slot=''")
[ "$after" -le 8 ] || fail "capacity exceeded"
promoted=$(grep -c "^promoted" "$T/out" || true)
[ "$(q "$DB" "SELECT count(*) FROM reservation WHERE state='held' AND port='a'")" -ge 1 ] || fail "holders"
echo "a: used $before -> $after, promoted $promoted"
second=$(q "$DB" "SELECT id FROM reservation WHERE port='b' AND state='held' ORDER BY rowid LIMIT 1")
"$REG" --db "$DB" cancel --date $D --id "$second" > "$T/out"
grep -q "cancelled $second" "$T/out" || fail cancel
set +e
"$REG" --db "$DB" cancel --date $D --id "$second" > /dev/null; rc=$?
set -e
[ $rc -eq 1 ] || fail "cancelling twice exits 1"
# Invariants: no slot or port-day over its limit.
[ "$(q "$DB" "SELECT count(*) FROM capacity WHERE persons_used > persons_limit OR persons_used < 0")" = 0 ] \
    || fail "capacity rows out of range"
[ "$(q "$DB" "SELECT sum(persons) FROM reservation WHERE state IN ('held','confirmed') AND port='b'")" = \
  "$(q "$DB" "SELECT persons_used FROM capacity WHERE date='$D' AND port='b' AND slot=''")" ] \
    || fail "port b usage equals its reservations"

# Public values fix the seed of the next day; the receipt records them.
"$REG" --db "$DB" run-day --date 2024-05-02 --public-values "1 2 3 / 4 5 6" > "$T/out"
grep -q "^committed 2024-05-02" "$T/out" || fail "public values day"
"$REG" --db "$DB" export --date 2024-05-02 --receipt "$T/r2.json" --entrants "$T/e2.csv" \
    --capacity "$T/c2.csv" --slots "$T/s2.csv" > /dev/null
"$CBPQ_BIN/cbpq-verify" --receipt "$T/r2.json" --entrants "$T/e2.csv" --capacity "$T/c2.csv" \
    --slots "$T/s2.csv" > "$T/out"
grep -q "^verified" "$T/out" || fail "verify public-values day"

# Bad command lines.
set +e
"$REG" --db "$DB" run-day --date 2024-02-30 --seed $SEED1 2> /dev/null; rc1=$?
"$REG" --db "$DB" run-day --date 2024-05-03 2> /dev/null; rc2=$?
"$REG" --db "$DB" frobnicate 2> /dev/null; rc3=$?
"$REG" --db "$T/none.db" run-day --date 2024-05-03 --seed $SEED1 2> /dev/null; rc4=$?
set -e
[ $rc1 -eq 2 ] && [ $rc2 -eq 2 ] && [ $rc3 -eq 2 ] && [ $rc4 -eq 2 ] \
    || fail "bad command lines exit 2 ($rc1 $rc2 $rc3 $rc4)"

# Two run-day for one date at once commit exactly once.
for round in 1 2 3 4 5; do
    C="$T/conc$round.db"
    "$REG" --db "$C" init --plan "$T/plan" > /dev/null
    "$REG" --db "$C" register --in "$T/regs.csv" > /dev/null
    "$REG" --db "$C" run-day --date $D --seed $SEED1 > "$T/c1" &
    p1=$!
    "$REG" --db "$C" run-day --date $D --seed $SEED1 > "$T/c2" &
    p2=$!
    wait $p1 || fail "first concurrent run failed"
    wait $p2 || fail "second concurrent run failed"
    n=$(cat "$T/c1" "$T/c2" | grep -c "^committed" || true)
    m=$(cat "$T/c1" "$T/c2" | grep -c "^already_committed" || true)
    [ "$n" = 1 ] && [ "$m" = 1 ] || fail "round $round: committed $n times, already $m times"
    [ "$(q "$C" "SELECT count(*) FROM day")" = 1 ] || fail "one day row"
    # The day committed is the one a single run commits (same seed, same pool).
    "$REG" --db "$C" export --date $D --receipt "$T/rc.json" --entrants "$T/ec.csv" \
        --capacity "$T/cc.csv" --slots "$T/sc.csv" > /dev/null
    cmp -s "$T/rc.json" "$T/conc-ref.json" 2>/dev/null || [ $round = 1 ] || fail "round $round: different day"
    cp "$T/rc.json" "$T/conc-ref.json"
done
echo "registry_basic: all checks passed"
