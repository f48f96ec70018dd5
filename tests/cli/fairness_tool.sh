#!/usr/bin/env bash
# cbpq-fairness: the output contract, golden CSV and SVG (byte for byte), the per-run file with
# seeds, thread independence, scenario files, and exit code 2 on bad input.
set -euo pipefail
: "${CBPQ_BIN:?}" "${CBPQ_SRC:?}" "${CBPQ_TMP:?}"
mkdir -p "$CBPQ_TMP"
T="$CBPQ_TMP"
F="$CBPQ_BIN/cbpq-fairness"
G="$CBPQ_SRC/tests/golden"
fail() { echo "FAIL: $*" >&2; exit 1; }

args=(--scenario steady --pool 2000 --slots 100 --days 120 --seeds 2
      --policies uniform,fifo,seniority:0.3,seniority:0.5,aging:linear/20)

rm -rf "$T/svg" "$T/out.csv" "$T/runs.csv"
"$F" "${args[@]}" --csv "$T/out.csv" --svg "$T/svg" --runs "$T/runs.csv" >"$T/stdout" 2>"$T/stderr" \
    || fail "steady run exited $?"
head -1 "$T/stdout" | grep -qx 'policy,mean,p50,p90,p95,p99,max,jain,gini,chi2_p_party,utilisation' \
    || fail "header"
[ "$(wc -l <"$T/stdout")" -eq 6 ] || fail "one row per policy expected"
cmp -s "$T/stdout" "$T/out.csv" || fail "--csv differs from stdout"
cmp -s "$T/stdout" "$G/fairness_steady_small.csv" || { diff "$G/fairness_steady_small.csv" "$T/stdout" >&2; fail "golden CSV"; }
cmp -s "$T/svg/ecdf.svg" "$G/fairness_steady_small_ecdf.svg" || fail "golden ECDF SVG"
cmp -s "$T/svg/p95_by_port.svg" "$G/fairness_steady_small_p95.svg" || fail "golden p95 SVG"
grep -q 'base seed 44bbe0540848f703d9e7aad240020dc0473d969a0837cd3cf3748916e23317a0' "$T/stderr" \
    || fail "base seed not reported"
# FIFO with N/S = 20: every wait is 20.
grep -qx 'fifo,20.000,20,20,20,20,20,1.0000,0.0000,[0-9.]*,1.0000' "$T/stdout" || fail "fifo row"

# Per-run rows carry their seed: 5 policies x 2 seeds, 64 hex digits each.
[ "$(wc -l <"$T/runs.csv")" -eq 11 ] || fail "runs rows"
! awk -F, 'NR > 1 { print $3 }' "$T/runs.csv" | grep -Evq '^[0-9a-f]{64}$' || fail "seed column"
[ "$(awk -F, 'NR > 1 { print $3 }' "$T/runs.csv" | sort -u | wc -l)" -eq 2 ] || fail "two run seeds"

# The same with two threads and the explicit default seed: identical bytes.
"$F" "${args[@]}" --threads 2 --seed 44bbe0540848f703d9e7aad240020dc0473d969a0837cd3cf3748916e23317a0 \
    >"$T/stdout2" 2>/dev/null || fail "threads run"
cmp -s "$T/stdout" "$T/stdout2" || fail "output depends on threads"
# Another seed gives other numbers.
"$F" "${args[@]}" --seed "$(printf '1%.0s' {1..64})" >"$T/stdout3" 2>/dev/null || fail "seed run"
! cmp -s "$T/stdout" "$T/stdout3" || fail "seed ignored"

# A scenario file with three ports.
rm -rf "$T/svg3"
"$F" --scenario "$G/fairness_scenario_ports.txt" --seeds 1 --policies uniform,seniority:0.5 \
    --svg "$T/svg3" --runs "$T/runs3.csv" >"$T/ports.csv" 2>/dev/null || fail "ports scenario"
[ "$(wc -l <"$T/ports.csv")" -eq 3 ] || fail "ports rows"
for p in nogales san-ysidro brownsville; do
    grep -q ">$p</text>" "$T/svg3/p95_by_port.svg" || fail "port $p missing from figure"
done
[ "$(grep -c ',overall,' "$T/runs3.csv")" -eq 2 ] || fail "overall rows"

# Bad input: exit 2, nothing on stdout.
bad() {
    local rc=0
    "$F" "$@" >"$T/bad.out" 2>"$T/bad.err" || rc=$?
    [ "$rc" -eq 2 ] || fail "expected exit 2, got $rc for: $*"
    [ ! -s "$T/bad.out" ] || fail "stdout not empty for: $*"
    [ -s "$T/bad.err" ] || fail "no message for: $*"
}
small=(--scenario steady --pool 100 --slots 10 --days 20)
bad "${small[@]}"                                   # no --policies
bad "${small[@]}" --policies lottery
bad "${small[@]}" --policies uniform,uniform
bad "${small[@]}" --policies seniority:2
bad "${small[@]}" --policies aging:linear/0
bad --scenario steady --pool 10 --slots 20 --policies uniform
bad --scenario steady --pool 4000000 --slots 8 --policies uniform # pool / slots above 50,000
: > "$T/empty-scenario.txt"
bad --scenario "$T/empty-scenario.txt" --policies uniform
grep -q "empty-scenario.txt:1:1" "$T/bad.err" || { cat "$T/bad.err"; fail "empty scenario not located"; }
bad --scenario "$T" --policies uniform
grep -q "is a directory" "$T/bad.err" || { cat "$T/bad.err"; fail "a directory as scenario"; }
bad --scenario steady --pool 100 --policies uniform
bad --scenario steady --pool abc --slots 10 --policies uniform
bad "${small[@]}" --seeds 0 --policies uniform
bad "${small[@]}" --days 0 --policies uniform
bad "${small[@]}" --burn-in 20 --policies uniform
bad "${small[@]}" --seed xyz --policies uniform
bad "${small[@]}" --policies uniform --frobnicate 1
bad "${small[@]}" --policies uniform extra
bad --scenario "$G/fairness_scenario_ports.txt" --pool 10 --policies uniform
bad --scenario "$T/no-such-file.txt" --policies uniform
printf 'scenario steady\nport a pool 10 slots x\n' >"$T/bad-scenario.txt"
bad --scenario "$T/bad-scenario.txt" --policies uniform
grep -q 'bad-scenario.txt:2:22' "$T/bad.err" || fail "parse error does not name line and column"

echo "fairness_tool: ok"
