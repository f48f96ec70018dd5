#!/usr/bin/env bash
# Crash safety of cbpq-registry: kill -9 during register and run-day, at every write step
# (CBPQ_REGISTRY_CRASH_AT=N raises SIGKILL at the N-th step) and at timed moments, and check
# after each kill that the database holds the whole file / the whole day or none of it, that it
# passes SQLite's integrity check, and that simply running the command again gives the result
# an uninterrupted run gives.
set -euo pipefail
source "$(dirname "$0")/registry_common.inc"
command -v sqlite3 >/dev/null || { echo "sqlite3 shell not found: skipping"; exit 0; }
T="$CBPQ_TMP"
rm -rf "$T"/*
write_plan "$T/plan"
gen 40 0 > "$T/regs1.csv"
gen 30 40 > "$T/regs2.csv"
D=2024-05-01

BASE="$T/base.db"
"$REG" --db "$BASE" init --plan "$T/plan" > /dev/null
"$REG" --db "$BASE" register --in "$T/regs1.csv" > /dev/null

# Reference runs, uninterrupted.
REF="$T/ref.db"
cp "$BASE" "$REF"
"$REG" --db "$REF" register --in "$T/regs2.csv" > /dev/null
q "$REF" "SELECT id, decision, rule FROM registration ORDER BY seq" > "$T/ref-regs"
"$REG" --db "$REF" run-day --date $D --seed $SEED1 > /dev/null
"$REG" --db "$REF" export --date $D --receipt "$T/ref.json" --entrants "$T/ref-e.csv" \
    --capacity "$T/ref-c.csv" --slots "$T/ref-s.csv" > /dev/null
q "$REF" "SELECT id, port, slot, persons, state FROM reservation ORDER BY id" > "$T/ref-res"
ref_entrants=$(q "$REF" "SELECT count(*) FROM day_entrant")

check_integrity() {
    [ "$(q "$1" "PRAGMA integrity_check")" = ok ] || fail "integrity check of $1"
}

# 1. register, killed at every step.
kills=0
for n in $(seq 1 40); do
    DB="$T/r$n.db"
    cp "$BASE" "$DB"
    set +e
    CBPQ_REGISTRY_CRASH_AT=$n "$REG" --db "$DB" register --in "$T/regs2.csv" > /dev/null 2>&1
    rc=$?
    set -e
    count=$(q "$DB" "SELECT count(*) FROM registration")
    check_integrity "$DB"
    if [ $rc -eq 137 ]; then
        kills=$((kills + 1))
        [ "$count" = 40 ] || fail "register killed at step $n left $count registrations (want 40)"
        "$REG" --db "$DB" register --in "$T/regs2.csv" > /dev/null || fail "re-run after kill $n"
    else
        [ $rc -eq 0 ] || fail "register exited $rc at step $n"
        [ "$count" = 70 ] || fail "completed register left $count"
    fi
    q "$DB" "SELECT id, decision, rule FROM registration ORDER BY seq" | cmp -s - "$T/ref-regs" \
        || fail "register after kill at step $n differs from the uninterrupted run"
    rm -f "$DB" "$DB-wal" "$DB-shm"
done
[ $kills -ge 30 ] || fail "only $kills register runs were killed"
echo "register: killed at $kills different steps, each time all or nothing"

# 2. run-day, killed at every step.
DAYBASE="$T/daybase.db"
cp "$BASE" "$DAYBASE"
"$REG" --db "$DAYBASE" register --in "$T/regs2.csv" > /dev/null
kills=0
for n in $(seq 1 40); do
    DB="$T/d$n.db"
    cp "$DAYBASE" "$DB"
    set +e
    CBPQ_REGISTRY_CRASH_AT=$n "$REG" --db "$DB" run-day --date $D --seed $SEED1 > /dev/null 2>&1
    rc=$?
    set -e
    check_integrity "$DB"
    days=$(q "$DB" "SELECT count(*) FROM day")
    ents=$(q "$DB" "SELECT count(*) FROM day_entrant")
    res=$(q "$DB" "SELECT count(*) FROM reservation")
    caps=$(q "$DB" "SELECT count(*) FROM capacity")
    if [ $rc -eq 137 ]; then
        kills=$((kills + 1))
        [ "$days$ents$res$caps" = 0000 ] || fail "run-day killed at step $n left day=$days entrants=$ents reservations=$res capacity=$caps"
        "$REG" --db "$DB" run-day --date $D --seed $SEED1 > /dev/null || fail "re-run after kill $n"
    else
        [ $rc -eq 0 ] || fail "run-day exited $rc at step $n"
    fi
    [ "$(q "$DB" "SELECT count(*) FROM day_entrant")" = "$ref_entrants" ] || fail "entrants after $n"
    q "$DB" "SELECT id, port, slot, persons, state FROM reservation ORDER BY id" | cmp -s - "$T/ref-res" \
        || fail "reservations after kill at step $n differ"
    "$REG" --db "$DB" export --date $D --receipt "$T/x.json" --entrants "$T/x-e.csv" \
        --capacity "$T/x-c.csv" --slots "$T/x-s.csv" > /dev/null
    cmp -s "$T/x.json" "$T/ref.json" || fail "receipt after kill at step $n differs"
    rm -f "$DB" "$DB-wal" "$DB-shm"
    if [ $rc -eq 0 ]; then
        break
    fi
done
[ $kills -ge 8 ] || fail "only $kills run-day runs were killed"
echo "run-day: killed at $kills different steps, each time all or nothing"

# 3. Timed kills of a bigger run-day and register, at moments chosen by the clock.
BIG="$T/big.db"
"$REG" --db "$BIG" init --plan "$T/plan" > /dev/null
gen 20000 0 > "$T/big1.csv"
gen 20000 20000 > "$T/big2.csv"
"$REG" --db "$BIG" register --in "$T/big1.csv" > /dev/null
timed=0
for delay in 0.01 0.03 0.06 0.1 0.15 0.2 0.3 0.45; do
    DB="$T/t.db"
    cp "$BIG" "$DB"
    "$REG" --db "$DB" register --in "$T/big2.csv" > /dev/null 2>&1 &
    pid=$!
    sleep $delay
    kill -9 $pid 2> /dev/null || true
    wait $pid 2> /dev/null || true
    check_integrity "$DB"
    count=$(q "$DB" "SELECT count(*) FROM registration")
    [ "$count" = 20000 ] || [ "$count" = 40000 ] || fail "timed kill ($delay s) of register left $count"
    [ "$count" = 40000 ] || "$REG" --db "$DB" register --in "$T/big2.csv" > /dev/null
    "$REG" --db "$DB" run-day --date $D --seed $SEED1 > /dev/null 2>&1 &
    pid=$!
    sleep $delay
    kill -9 $pid 2> /dev/null || true
    wait $pid 2> /dev/null || true
    check_integrity "$DB"
    days=$(q "$DB" "SELECT count(*) FROM day")
    ents=$(q "$DB" "SELECT count(*) FROM day_entrant")
    if [ "$days" = 0 ]; then
        [ "$ents" = 0 ] || fail "timed kill left entrants without a day"
        timed=$((timed + 1))
        "$REG" --db "$DB" run-day --date $D --seed $SEED1 > /dev/null
    fi
    [ "$(q "$DB" "SELECT count(*) FROM day_entrant")" = \
      "$(q "$DB" "SELECT count(*) FROM registration WHERE decision <> 'cancel'")" ] \
        || fail "timed kill ($delay s): the day does not hold every entrant"
    rm -f "$DB" "$DB-wal" "$DB-shm"
done
echo "timed kills: $timed run-day runs interrupted before commit; all consistent"
echo "registry_crash: all checks passed"
