#!/usr/bin/env bash
# cbpq-simulate: the flagship runs (shortened with --until), its CSV files have the documented
# columns, the same seed gives byte-identical CSV and SVG twice, --plan with the example plan
# gives the same output as the built-in copy, and bad options exit 2.
set -euo pipefail
: "${CBPQ_BIN:?}" "${CBPQ_SRC:?}" "${CBPQ_TMP:?}"
mkdir -p "$CBPQ_TMP"
tool="$CBPQ_BIN/cbpq-simulate"
tmp="$CBPQ_TMP/simulate_tool"
rm -rf "$tmp"
mkdir -p "$tmp"
fail() { echo "FAIL: $*" >&2; exit 1; }

# A shortened run that crosses 10 May (race -> allocation) and the end of June.
"$tool" --scenario cbp-one-2023 --seed 7 --until 2023-07-05 --out "$tmp/a" > "$tmp/a.txt" 2> "$tmp/a.err"
grep -q "ASSUMPTION capacity_before_plan" "$tmp/a.txt" || fail "assumptions not printed"
grep -q "ASSUMPTION confirm_rate" "$tmp/a.txt" || fail "confirm_rate not labelled"
grep -q "2023-06-30  allocation" "$tmp/a.txt" || fail "no progress line for June"
grep -q "end of June 2023 .* over 170,000" "$tmp/a.txt" || fail "no June milestone"
grep -q "end of January 2024" "$tmp/a.txt" && fail "milestone after --until printed"
grep -q "duplicate accounts (duplicates.hpp default rules" "$tmp/a.txt" || fail "no duplicate section"
grep -q "extra accounts: .* cancelled at once, .* sent to review, .* missed; recall" "$tmp/a.txt" \
    || fail "no duplicate recall"
grep -q "precision of cancellations" "$tmp/a.txt" || fail "no duplicate precision"
grep -q "ASSUMPTION identity_records" "$tmp/a.txt" || fail "identity records not labelled"
grep -q "san-ysidro" "$tmp/a.txt" || fail "no per-port waits"

for f in daily.csv milestones.csv waits.csv assumptions.csv dedup.csv cumulative.svg p95_by_port.svg waits_ecdf.svg; do
    [ -s "$tmp/a/$f" ] || fail "missing $f"
done
[ "$(head -1 "$tmp/a/daily.csv")" = "seed,policy,date,port,phase,capacity,seniority_capacity,lottery_capacity,requests,seniority_persons,lottery_persons,confirmed_persons,no_show_persons,missed_persons,duplicates_cancelled,cumulative_persons" ] || fail "daily.csv header"
[ "$(head -1 "$tmp/a/milestones.csv")" = "seed,policy,date,label,simulated,published,published_text" ] || fail "milestones.csv header"
[ "$(head -1 "$tmp/a/waits.csv")" = "seed,policy,window,group,appointments,mean,p50,p90,p95,p99,max,jain,gini" ] || fail "waits.csv header"
[ "$(head -1 "$tmp/a/assumptions.csv")" = "seed,policy,name,value,reasoning" ] || fail "assumptions.csv header"
[ "$(head -1 "$tmp/a/dedup.csv")" = "seed,policy,identity_share,accounts_checked,first_accounts,extra_accounts,candidates,extra_cancelled,extra_review,extra_kept,extra_cancelled_wrong_link,first_cancelled,first_review,precision,recall,recall_with_review,cancelled_at_confirmation,withdrawn_after_appointment" ] || fail "dedup.csv header"
# One row; checked = first + extra; extra = cancelled + review + kept; shares within 0..1.
[ "$(tail -n +2 "$tmp/a/dedup.csv" | wc -l)" -eq 1 ] || fail "dedup.csv rows"
tail -n +2 "$tmp/a/dedup.csv" | awk -F, '$1 != "7" || $3 != "0.1" || $4 != $5 + $6 || $6 != $8 + $9 + $10 \
    || $6 < 1000 || $14 < 0 || $14 > 1 || $15 < 0.5 || $15 > 1 || $16 < $15 { exit 1 }' \
    || fail "dedup.csv row inconsistent"
# 169 days x 8 ports, every row carries the seed.
[ "$(tail -n +2 "$tmp/a/daily.csv" | wc -l)" -eq $((169 * 8)) ] || fail "daily.csv rows"
tail -n +2 "$tmp/a/daily.csv" | awk -F, '$1 != "7" { exit 1 }' || fail "seed missing in daily.csv"
tail -n +2 "$tmp/a/waits.csv" | awk -F, '$1 != "7" { exit 1 }' || fail "seed missing in waits.csv"
# Only the documented groups, each once per window (a port's row was once written twice).
tail -n +2 "$tmp/a/waits.csv" | awk -F, '$4 !~ /^(port:|party:|connectivity:(good|poor)$|overall$)/ { exit 1 }' \
    || fail "undocumented group in waits.csv"
[ -z "$(tail -n +2 "$tmp/a/waits.csv" | cut -d, -f3,4 | sort | uniq -d)" ] || fail "a group twice in waits.csv"
# Capacity per port-day is respected; cumulative persons never fall.
tail -n +2 "$tmp/a/daily.csv" | awk -F, '$10 + $11 > $6 { exit 1 } $16 < last { exit 1 } { last = $16 }' \
    || fail "capacity exceeded or cumulative falling"
# The race before 10 May, the allocation with a 50% seniority part after it.
grep -q "^7,seniority:0.5,2023-05-09,san-ysidro,race,272,0,272," "$tmp/a/daily.csv" || fail "race row"
grep -q "^7,seniority:0.5,2023-06-30,san-ysidro,allocation,395,198,"  "$tmp/a/daily.csv" || fail "allocation row"

# Same seed: byte-identical files; the example plan file gives the same output.
"$tool" --scenario cbp-one-2023 --seed 7 --until 2023-07-05 --out "$tmp/b" \
    --plan "$CBPQ_SRC/examples/plans/cbp-one-2023.plan" > "$tmp/b.txt" 2> /dev/null
for f in daily.csv milestones.csv waits.csv assumptions.csv dedup.csv cumulative.svg p95_by_port.svg waits_ecdf.svg; do
    cmp -s "$tmp/a/$f" "$tmp/b/$f" || fail "$f differs between identical runs"
done
cmp -s "$tmp/a.txt" "$tmp/b.txt" || fail "stdout differs between identical runs"
# Another seed: different results.
"$tool" --scenario cbp-one-2023 --seed 8 --until 2023-06-01 --out "$tmp/c" > /dev/null 2>&1
head -c 100000 "$tmp/c/daily.csv" | tail -n +2 | cut -d, -f2- > "$tmp/c.rows"
head -n "$(wc -l < "$tmp/c/daily.csv")" "$tmp/a/daily.csv" | tail -n +2 | cut -d, -f2- > "$tmp/a.rows"
cmp -s "$tmp/a.rows" "$tmp/c.rows" && fail "seed 8 gave seed 7's days"
"$tool" --scenario cbp-one-2023 --seed 7 --until 2023-05-20 --policy uniform --out "$tmp/u" > /dev/null 2>&1
# Another policy is recorded in the rows; the race before 10 May does not depend on it or on
# --until.
cmp -s <(grep ',race,' "$tmp/a/daily.csv" | cut -d, -f3-) <(grep ',race,' "$tmp/u/daily.csv" | cut -d, -f3-) \
    || fail "the race differs with the policy or --until"
grep -q "^7,uniform,2023-05-20,san-ysidro,allocation,272,0,272," "$tmp/u/daily.csv" || fail "uniform row"

# Bad options exit 2 and write nothing.
expect2() {
    set +e
    "$tool" "$@" > "$tmp/bad.out" 2> "$tmp/bad.err"
    local rc=$?
    set -e
    [ "$rc" -eq 2 ] || fail "expected exit 2, got $rc for: $*"
}
expect2
expect2 --scenario steady
expect2 --scenario cbp-one-2023 --bogus 1
expect2 --scenario cbp-one-2023 --seed 'bad seed!'
expect2 --scenario cbp-one-2023 --policy lottery
expect2 --scenario cbp-one-2023 --policy seniority:1.5
expect2 --scenario cbp-one-2023 --until 2023-02-30
expect2 --scenario cbp-one-2023 --until 2024-03-01
expect2 --scenario cbp-one-2023 --plan "$tmp/no-such.plan"
expect2 --scenario cbp-one-2023 --identity-share 0
expect2 --scenario cbp-one-2023 --identity-share 0.04 # below the duplicate rate 0.05
expect2 --scenario cbp-one-2023 --identity-share 1.5
expect2 --scenario cbp-one-2023 --identity-share abc
printf 'cbpq-capacity-plan 1\nport x weight=abc\n' > "$tmp/bad.plan"
expect2 --scenario cbp-one-2023 --plan "$tmp/bad.plan" --out "$tmp/never"
[ ! -e "$tmp/never/daily.csv" ] || fail "output written for a bad plan"
grep -q "bad.plan:2" "$tmp/bad.err" || fail "bad plan error without line"
# A plan whose national rules start before the replay's assumed pre-plan rule ends: the error
# names that added rule and the plan's line, not a line past the end of the file.
sed 's/national persons=1000 from=2023-05-12/national persons=1000 from=2023-05-01/' \
    "$CBPQ_SRC/examples/plans/cbp-one-2023.plan" > "$tmp/overlap.plan"
grep -q "from=2023-05-01" "$tmp/overlap.plan" || fail "overlap.plan not made"
expect2 --scenario cbp-one-2023 --plan "$tmp/overlap.plan"
grep -q "replay's assumed rule" "$tmp/bad.err" || fail "overlap not blamed on the added rule"
if grep -q "overlap.plan:" "$tmp/bad.err"; then fail "overlap error names a line the file does not have"; fi
expect2 --scenario cbp-one-2023 extra
echo "simulate_tool: ok"
