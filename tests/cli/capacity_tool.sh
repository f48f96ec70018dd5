#!/usr/bin/env bash
# cbpq-capacity: plan CSV, slot rows, pools, apportionment, and refusals of bad input (exit 2
# with file:line:column).
set -euo pipefail
: "${CBPQ_BIN:?}" "${CBPQ_SRC:?}" "${CBPQ_TMP:?}"
mkdir -p "$CBPQ_TMP"
tool="$CBPQ_BIN/cbpq-capacity"
plan="$CBPQ_SRC/examples/plans/cbp-one-2023.plan"
fail() { echo "FAIL: $*" >&2; exit 1; }

# 1. The example plan: totals per date and the 1,450 split.
"$tool" --plan "$plan" --from 2023-05-11 --to 2023-07-01 > "$CBPQ_TMP/out.csv"
[ "$(head -1 "$CBPQ_TMP/out.csv")" = "date,port,persons,parties" ] || fail "header"
[ "$(wc -l < "$CBPQ_TMP/out.csv")" -eq $((1 + 52 * 8)) ] || fail "row count"
total() { awk -F, -v d="$1" '$1 == d { s += $3 } END { print s + 0 }' "$CBPQ_TMP/out.csv"; }
[ "$(total 2023-05-11)" = 0 ] || fail "before 12 May"
[ "$(total 2023-05-12)" = 1000 ] || fail "12 May: $(total 2023-05-12)"
[ "$(total 2023-06-01)" = 1250 ] || fail "June"
[ "$(total 2023-06-29)" = 1250 ] || fail "29 June"
[ "$(total 2023-06-30)" = 1450 ] || fail "30 June"
grep -qx '2023-07-01,san-ysidro,395,' "$CBPQ_TMP/out.csv" || fail "san-ysidro 395"
grep -qx '2023-07-01,brownsville,380,' "$CBPQ_TMP/out.csv" || fail "brownsville 380"
grep -qx '2023-07-01,nogales,100,' "$CBPQ_TMP/out.csv" || fail "nogales 100"

# 2. Slots, parties and a closure.
cat > "$CBPQ_TMP/slots.plan" <<'PLAN'
cbpq-capacity-plan 1
port east
port west
capacity * persons=100
parties east max=40
slots east start=08:00 end=10:00 length=30 step=60 persons=20
close west on=2024-01-02
PLAN
"$tool" --plan "$CBPQ_TMP/slots.plan" --from 2024-01-01 --to 2024-01-02 --slots > "$CBPQ_TMP/slots.csv"
cat > "$CBPQ_TMP/slots.expected" <<'CSV'
date,port,persons,parties,slot
2024-01-01,east,40,40,
2024-01-01,east,20,,08:00
2024-01-01,east,20,,09:00
2024-01-01,west,100,,
2024-01-02,east,40,40,
2024-01-02,east,20,,08:00
2024-01-02,east,20,,09:00
2024-01-02,west,0,,
CSV
cmp "$CBPQ_TMP/slots.csv" "$CBPQ_TMP/slots.expected" || fail "--slots output"

# 3. Pools.
"$tool" --plan "$plan" --from 2023-07-01 --to 2023-07-01 --pools > "$CBPQ_TMP/pools.csv"
grep -qx '2023-07-01,san-ysidro,seniority,198' "$CBPQ_TMP/pools.csv" || fail "pools"
grep -qx '2023-07-01,san-ysidro,lottery,197' "$CBPQ_TMP/pools.csv" || fail "pools lottery"

# 4. Apportionment: Balinski-Young vectors.
w="a=5117,b=4400,c=162,d=161,e=160"
[ "$("$tool" --apportion 100 --weights "$w" | tr '\n' ' ')" = "port,seats a,51 b,44 c,2 d,2 e,1 " ] || fail hamilton
[ "$("$tool" --apportion 100 --weights "$w" --method dhondt | tr '\n' ' ')" = "port,seats a,52 b,45 c,1 d,1 e,1 " ] || fail dhondt
[ "$("$tool" --apportion 100 --weights "$w" --method webster | tr '\n' ' ')" = "port,seats a,51 b,43 c,2 d,2 e,2 " ] || fail webster
[ "$("$tool" --apportion 100 --weights "$w" --method huntington-hill | tr '\n' ' ')" = "port,seats a,51 b,43 c,2 d,2 e,2 " ] || fail huntington-hill

# 5. Bad input exits 2 and names file, line and column.
expect_bad() { # expected-message-part, then the command
    local want="$1"; shift
    set +e
    "$@" > "$CBPQ_TMP/bad.out" 2> "$CBPQ_TMP/bad.err"
    local rc=$?
    set -e
    [ "$rc" -eq 2 ] || fail "exit $rc for: $* ($(cat "$CBPQ_TMP/bad.err"))"
    grep -qF -- "$want" "$CBPQ_TMP/bad.err" || fail "message for $*: $(cat "$CBPQ_TMP/bad.err")"
    [ ! -s "$CBPQ_TMP/bad.out" ] || fail "output on error for $*"
}
bad_plan() { # name, line to append, expected location
    printf 'cbpq-capacity-plan 1\nport a\n%s\n' "$2" > "$CBPQ_TMP/$1.plan"
    expect_bad "$CBPQ_TMP/$1.plan:$3" "$tool" --plan "$CBPQ_TMP/$1.plan" --from 2024-01-01 --to 2024-01-02
}
bad_plan unknown-keyword "capacty a persons=5" "3:1"
bad_plan bad-date "capacity a persons=5 from=2024-13-01" "3:27"
bad_plan negative "capacity a persons=-1" "3:20"
bad_plan unknown-port "capacity b persons=5" "3:10"
bad_plan slot-length "slots a start=08:00 end=12:00 length=0 step=30 persons=5" "3:38"
bad_plan rrule "recur a persons=0 start=2024-01-01 rrule=FREQ=DAILY;BYHOUR=9" "3:53"
printf 'cbpq-capacity-plan 1\nport a\noverride a persons=1 from=2024-01-01 until=2024-01-05\nclose a on=2024-01-05\n' > "$CBPQ_TMP/overlap.plan"
expect_bad "overlap.plan:4:9" "$tool" --plan "$CBPQ_TMP/overlap.plan" --from 2024-01-01 --to 2024-01-02
expect_bad "overlaps the rule on line 3" "$tool" --plan "$CBPQ_TMP/overlap.plan" --from 2024-01-01 --to 2024-01-02
expect_bad "--weights:1:7" "$tool" --apportion 10 --weights "a=1,b=-2"
expect_bad "--weights:1:5" "$tool" --apportion 10 --weights "a=1,=2"
expect_bad "unknown method" "$tool" --apportion 10 --weights "a=1" --method adams
expect_bad "--from" "$tool" --plan "$plan" --from 2023-02-30 --to 2023-03-01
expect_bad "cannot open" "$tool" --plan "$CBPQ_TMP/missing.plan" --from 2024-01-01 --to 2024-01-02
expect_bad "exactly one" "$tool" --from 2024-01-01
expect_bad "run forward" "$tool" --plan "$plan" --from 2023-06-02 --to 2023-06-01
echo "capacity_tool: ok"
