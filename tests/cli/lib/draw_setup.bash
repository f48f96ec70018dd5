# shellcheck shell=bash
# Shared setup of the cbpq-draw --policy tests (tests/cli/draw_policies.sh,
# tests/cli/draw_preferences.sh), sourced by them. It lives in tests/cli/lib/ and does not end
# in .sh, so tests/CMakeLists.txt's glob of tests/cli/*.sh does not run it as a test.
#
# It checks the environment, moves into a clean $CBPQ_TMP, and defines DRAW, VERIFY, GOLDEN,
# SEED, the failure counter and these helpers:
#   fail MESSAGE                      count a failure and print it
#   golden FILE NAME                  FILE must equal tests/golden/NAME byte for byte
#                                     (CBPQ_UPDATE_GOLDEN=1 rewrites the golden file)
#   expect_unverified WANT ARGS...    cbpq-verify ARGS exits 1 printing "NOT verified: WANT..."
#                                     (its output stays in $out for further checks)
#   expect_draw_refused WANT ARGS...  cbpq-draw ARGS --capacity C.csv --seed SEED --label
#                                     2023-06-30 exits 2, names WANT on stderr, leaves no output
#   finish NAME                       exit 1 if anything failed, else print that NAME passed
set -euo pipefail
: "${CBPQ_BIN:?}" "${CBPQ_SRC:?}" "${CBPQ_TMP:?}"
mkdir -p "$CBPQ_TMP"
cd "$CBPQ_TMP"
rm -f ./*.csv ./*.json ./*.txt ./*.tmp.*
DRAW="$CBPQ_BIN/cbpq-draw"
VERIFY="$CBPQ_BIN/cbpq-verify"
GOLDEN="$CBPQ_SRC/tests/golden"
SEED=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

golden() { # $1 = output file, $2 = golden name
  if [ "${CBPQ_UPDATE_GOLDEN:-0}" = 1 ]; then
    cp "$1" "$GOLDEN/$2"
  fi
  cmp "$1" "$GOLDEN/$2" || fail "$1 differs from tests/golden/$2"
}

expect_unverified() { # $1 = what the difference starts with, rest = cbpq-verify arguments
  local want=$1; shift
  set +e
  out=$("$VERIFY" "$@"); rc=$?
  set -e
  [ $rc -eq 1 ] || fail "expected exit 1, got $rc: $out"
  case "$out" in "NOT verified: $want"*) ;; *) fail "expected '$want', got '$out'" ;; esac
}

expect_draw_refused() { # $1 = expected message part, rest = cbpq-draw arguments
  local want=$1; shift
  rm -f Rbad.csv Rbad.json
  set +e
  "$DRAW" "$@" --capacity C.csv --seed $SEED --label 2023-06-30 --out Rbad.csv \
          --receipt Rbad.json > /dev/null 2> err.txt
  rc=$?
  set -e
  [ $rc -eq 2 ] || fail "expected exit 2, got $rc for: $want"
  grep -q -- "$want" err.txt || fail "expected '$want' in: $(cat err.txt)"
  [ ! -e Rbad.csv ] && [ ! -e Rbad.json ] || fail "output left behind for: $want"
  ls ./*.tmp.* > /dev/null 2>&1 && fail "temporary file left behind for: $want"
  return 0
}

finish() { # $1 = the script's name
  if [ "$fails" != 0 ]; then
    echo "$fails failure(s)" >&2
    exit 1
  fi
  echo "$1: all checks passed"
}
