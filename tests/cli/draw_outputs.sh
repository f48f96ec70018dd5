#!/usr/bin/env bash
# cbpq-draw writes R.csv and the receipt together or not at all (docs/draw.md; the tool's
# header comment): when one of them cannot be written (a folder that does not exist, a
# receipt path that is a folder) it exits 3 and leaves neither file nor any temporary file,
# and an existing file at the other path is left as it was where the failure comes before any
# rename.
set -euo pipefail
# shellcheck source=lib/draw_setup.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib/draw_setup.bash" # DRAW, VERIFY, SEED, fail, finish
rm -rf missing Rdir

printf 'id,port,party\nA,p,1\nB,p,3\nC,p,2\nD,q,1\nE,q,2\nF,q,1\n' > E.csv
printf 'port,persons,parties\np,4,\nq,3,2\n' > C.csv
ARGS=(--entrants E.csv --capacity C.csv --seed "$SEED" --label 2023-06-30 --alternates 1)

# expect_storage_failure WANT ARGS...: cbpq-draw ARGS exits 3 naming WANT on stderr, and no
# temporary file is left in this folder.
expect_storage_failure() {
  local want=$1 rc
  shift
  set +e
  "$DRAW" "${ARGS[@]}" "$@" > /dev/null 2> err.txt; rc=$?
  set -e
  [ $rc -eq 3 ] || fail "expected exit 3, got $rc for: $* ($(cat err.txt))"
  grep -qF -- "$want" err.txt || fail "expected '$want' on stderr, got: $(cat err.txt)"
  ! ls ./*.tmp.* > /dev/null 2>&1 || fail "a temporary file was left for: $*"
}

# A receipt in a folder that does not exist: no R.csv either.
rm -f R.csv R.json
expect_storage_failure "missing/R.json" --out R.csv --receipt missing/R.json
[ ! -e R.csv ] || fail "R.csv was written although the receipt could not be"
# ... and an R.csv already there is left as it was.
echo keep > R.csv
expect_storage_failure "missing/R.json" --out R.csv --receipt missing/R.json
[ "$(cat R.csv)" = keep ] || fail "an existing R.csv was replaced although the receipt failed"
# R.csv in a folder that does not exist: no receipt either, an existing one left alone.
rm -f R.csv
expect_storage_failure "missing/R.csv" --out missing/R.csv --receipt R.json
[ ! -e R.json ] || fail "R.json was written although R.csv could not be"
echo keep > R.json
expect_storage_failure "missing/R.csv" --out missing/R.csv --receipt R.json
[ "$(cat R.json)" = keep ] || fail "an existing R.json was replaced although R.csv failed"
rm -f R.json
# A receipt path that is a folder: both temporaries are written, the second rename fails,
# and the R.csv already renamed into place is removed again.
mkdir Rdir
expect_storage_failure "Rdir" --out R.csv --receipt Rdir
[ ! -e R.csv ] || fail "R.csv was left although the receipt could not be renamed into place"
[ -d Rdir ] && [ -z "$(ls -A Rdir)" ] || fail "the folder Rdir was changed"
rmdir Rdir

# And when both can be written: both are there, no temporary, and the receipt verifies.
"$DRAW" "${ARGS[@]}" --out R.csv --receipt R.json > /dev/null
[ -s R.csv ] && [ -s R.json ] || fail "R.csv and R.json after a successful draw"
! ls ./*.tmp.* > /dev/null 2>&1 || fail "a temporary file was left after a successful draw"
out=$("$VERIFY" --receipt R.json --entrants E.csv --capacity C.csv)
[ "$out" = verified ] || fail "verify printed '$out'"
# Without --receipt, only R.csv.
rm -f R.csv R.json
"$DRAW" "${ARGS[@]}" --out R.csv > /dev/null
[ -s R.csv ] && [ ! -e R.json ] || fail "R.csv alone without --receipt"
! ls ./*.tmp.* > /dev/null 2>&1 || fail "a temporary file was left without --receipt"

finish draw_outputs
