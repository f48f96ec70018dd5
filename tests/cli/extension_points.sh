#!/usr/bin/env bash
# cbpq-extension-points: its report is compared byte for byte with tests/golden/extension_points.txt
# (the same on GCC and Clang: nothing machine-dependent is printed), another seed changes the
# draws but not the shape of the report, and bad command lines exit 2 with a message and no
# report. Set CBPQ_UPDATE_GOLDEN=1 to rewrite the golden file.
set -euo pipefail
: "${CBPQ_BIN:?}" "${CBPQ_SRC:?}" "${CBPQ_TMP:?}"
mkdir -p "$CBPQ_TMP"
cd "$CBPQ_TMP"
rm -f ./*.txt
TOOL="$CBPQ_BIN/cbpq-extension-points"
GOLDEN="$CBPQ_SRC/tests/golden/extension_points.txt"
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# --- the default report is the golden one ------------------------------------------------------
"$TOOL" > out.txt 2> err.txt || fail "default run exited $?"
[ -s err.txt ] && fail "default run wrote to stderr: $(cat err.txt)"
if [ "${CBPQ_UPDATE_GOLDEN:-0}" = 1 ]; then
  cp out.txt "$GOLDEN"
fi
cmp out.txt "$GOLDEN" || { diff out.txt "$GOLDEN" | head -20 >&2; fail "report differs from golden"; }

# The default seed given explicitly (either case) is the same report.
SEED=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
"$TOOL" --seed "$SEED" > out_seed.txt || fail "--seed run exited $?"
cmp out.txt out_seed.txt || fail "--seed with the default seed differs"
"$TOOL" --seed="$(printf '%s' "$SEED" | tr a-f A-F)" > out_upper.txt || fail "upper-case seed"
cmp out.txt out_upper.txt || fail "upper-case seed differs"

# --- every section says its check held ---------------------------------------------------------
for want in "traits and projections give the same result: yes" \
            "finish_draw(merged) == draw(whole pool): yes" \
            "partial_from_json gives it back: yes" \
            "traits and projections give the same result (seniority, weighted, aging): yes" \
            "shipped, merged and finished == draw_seniority: yes" \
            "shipped, merged and finished == draw_weighted: yes" \
            "receipt_from_json gives it back: yes" \
            "verify(all applicants): ok" \
            "fails" \
            "rule host:resubmitted-within-10min" \
            "commit_day again, another seed: refused"; do
  grep -qF "$want" out.txt || fail "report lacks '$want'"
done

# --- another seed: other draws, same checks, still deterministic ------------------------------
OTHER=ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100
"$TOOL" --seed $OTHER > other1.txt || fail "other seed exited $?"
"$TOOL" --seed $OTHER > other2.txt || fail "other seed exited $? (second run)"
cmp other1.txt other2.txt || fail "two runs with one seed differ"
cmp -s out.txt other1.txt && fail "another seed gave the same report"
[ "$(grep -c ': yes$' other1.txt)" = "$(grep -c ': yes$' out.txt)" ] || fail "a check failed under another seed"
grep -qF "verify(all applicants): ok" other1.txt || fail "verify under another seed"

# --- bad command lines: exit 2, a message, no report -------------------------------------------
bad() { # $1 = description, $2 = expected stderr text, rest = arguments
  local what=$1 msg=$2
  shift 2
  set +e
  "$TOOL" "$@" > bad_out.txt 2> bad_err.txt
  local rc=$?
  set -e
  [ "$rc" = 2 ] || fail "$what: exit $rc, want 2"
  grep -qF -- "$msg" bad_err.txt || fail "$what: stderr lacks '$msg': $(cat bad_err.txt)"
  [ -s bad_out.txt ] && fail "$what: printed a report"
  return 0
}
bad "short seed" "expected 64 hexadecimal digits" --seed 0123
bad "non-hex seed" "expected 64 hexadecimal digits" --seed "${SEED%?}g"
bad "empty seed" "expected 64 hexadecimal digits" --seed ""
bad "missing seed value" "option --seed needs a value" --seed
bad "seed twice" "given more than once" --seed "$SEED" --seed "$SEED"
bad "unknown option" "unknown option --label" --label x
bad "positional argument" "unexpected argument" extra

if [ "$fails" -ne 0 ]; then
  echo "$fails check(s) failed" >&2
  exit 1
fi
echo "extension_points: all checks passed"
