#!/usr/bin/env bash
# cbpq-rfc3797: the RFC 3797 section 6 example, a named pool, and refused input.
set -euo pipefail
tool="$CBPQ_BIN/cbpq-rfc3797"
mkdir -p "$CBPQ_TMP"; cd "$CBPQ_TMP"
src="9319/2 5 12 8 10/9 18 26 34 41 45"

out=$("$tool" --size 25 --sources "$src" --count 16)
selected=$(printf '%s\n' "$out" | cut -f5 | tr '\n' ' ')
[ "$selected" = "17 7 2 16 25 23 8 24 19 13 22 5 18 9 1 4 " ] || { echo "wrong selection: $selected"; exit 1; }
first=${out%%$'\n'*}  # not "| head -1": with pipefail, head leaving early fails the writer (SIGPIPE)
[ "$first" = "$(printf '1\t990DD0A5692A029A98B5E01AA28F3459\t25\t17\t17')" ] || { echo "wrong first line: $first"; exit 1; }

# A named pool gives the same positions, names instead of numbers.
: > pool.txt
for i in $(seq 1 25); do echo "member-$i" >> pool.txt; done
named=$("$tool" --pool pool.txt --sources "$src" --count 2 | cut -f5 | tr '\n' ' ')
[ "$named" = "member-17 member-7 " ] || { echo "wrong named selection: $named"; exit 1; }

expect_fail() {
    local code=$1; shift
    set +e; "$@" >out.txt 2>err.txt; local got=$?; set -e
    [ "$got" = "$code" ] || { echo "expected exit $code, got $got: $*"; cat err.txt; exit 1; }
}
printf 'a\nb\na\n' > dup.txt
expect_fail 2 "$tool" --pool dup.txt --sources "$src" --count 1
grep -q 'dup.txt:3' err.txt || { echo "duplicate name not located"; cat err.txt; exit 1; }
expect_fail 2 "$tool" --size 65536 --sources "$src" --count 1
expect_fail 2 "$tool" --size 25 --sources "9319/x" --count 1
grep -q "source 2" err.txt || { echo "bad source not named"; cat err.txt; exit 1; }
expect_fail 2 "$tool" --size 3 --sources "$src" --count 4
expect_fail 2 "$tool" --size 3 --sources "$src"
expect_fail 2 "$tool" --pool missing.txt --sources "$src" --count 1
echo "cbpq-rfc3797: all checks passed"
