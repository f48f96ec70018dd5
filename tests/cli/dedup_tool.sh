#!/usr/bin/env bash
# cbpq-gen-identities and cbpq-dedup: output contract, determinism, FEBRL-style ", " input,
# several inputs, and malformed input (exit 2, file:line:column on stderr, no output written).
set -euo pipefail
: "${CBPQ_BIN:?}" "${CBPQ_TMP:?}"
mkdir -p "$CBPQ_TMP"
cd "$CBPQ_TMP"
rm -f ./*.csv ./*.err

gen="$CBPQ_BIN/cbpq-gen-identities"
dedup="$CBPQ_BIN/cbpq-dedup"
fail() { echo "FAIL: $*" >&2; exit 1; }

# --- generator: deterministic, header, person column --------------------------------------
"$gen" --count 3000 --dup-rate 0.1 --seed 42 --out g1.csv
"$gen" --count 3000 --dup-rate 0.1 --seed 42 --out g2.csv
cmp -s g1.csv g2.csv || fail "generator output differs for the same seed"
"$gen" --count 3000 --dup-rate 0.1 --seed 43 --out g3.csv
cmp -s g1.csv g3.csv && fail "generator output is the same for another seed"
head -1 g1.csv | grep -q '^id,person,registered,given,surname,birth,' || fail "generator header"
[ "$(tail -n +2 g1.csv | wc -l)" -eq 3000 ] || fail "generator row count"
set +e
"$gen" --count 10 --dup-rate 1.5 --seed 1 --out bad.csv 2> gen.err; rc=$?
set -e
[ $rc -eq 2 ] || fail "generator accepted --dup-rate 1.5 (rc $rc)"
[ ! -e bad.csv ] || fail "generator wrote output on error"
for args in "--count 10 --dup-rate 0x0.1" "--count 10 --dup-rate +0.1" "--count 10 --dup-rate ' 0.1'" \
            "--count 1000000001 --dup-rate 0"; do
  set +e
  eval "\"$gen\" $args --seed 1 --out bad.csv" 2> gen.err; rc=$?
  set -e
  [ $rc -eq 2 ] || fail "generator accepted $args (rc $rc)"
  [ ! -e bad.csv ] || fail "generator wrote output for $args"
done
# A rate that rounds count * rate up to count still gives count registrations.
"$gen" --count 1 --dup-rate 0.5 --seed 1 --out one.csv
[ "$(wc -l < one.csv)" -eq 2 ] || fail "--count 1 --dup-rate 0.5 did not give one registration"

# --- dedup: contract -----------------------------------------------------------------------
MAP=id=id,registered=registered,given=given,surname=surname,birth=birth,sex=sex
MAP2=nationality=nationality,document=document,document_type=document_type,document_country=document_country
MAP3=phone=phone,phone_country=phone_country,email=email,device=device,address=address,city=city
"$dedup" --in g1.csv --map "$MAP" --map "$MAP2,$MAP3" --out o1.csv
head -1 o1.csv | grep -qx 'id,cluster,decision,rule,score' || fail "output header: $(head -1 o1.csv)"
[ "$(tail -n +2 o1.csv | wc -l)" -eq 3000 ] || fail "output row count"
tail -n +2 o1.csv | awk -F, '$3 != "keep" && $3 != "cancel" && $3 != "review" { exit 1 }' \
    || fail "unknown decision"
cancels=$(tail -n +2 o1.csv | awk -F, '$3 == "cancel"' | wc -l)
[ "$cancels" -gt 200 ] || fail "only $cancels cancellations among 300 duplicates"
# A keep row is its own cluster; a cancel row names a kept registration and its rule.
tail -n +2 o1.csv | awk -F, '$3 == "keep" && $1 != $2 { exit 1 } $3 == "cancel" && ($1 == $2 || $4 == "" || $5 == "") { exit 1 }' \
    || fail "keep/cancel rows inconsistent"
"$dedup" --in g1.csv --map "$MAP,$MAP2,$MAP3" --out o2.csv
cmp -s o1.csv o2.csv || fail "dedup output not deterministic"
"$dedup" --in g1.csv --map "$MAP,$MAP2,$MAP3" --out o3.csv --rules strict
s_cancels=$(tail -n +2 o3.csv | awk -F, '$3 == "cancel"' | wc -l)
[ "$s_cancels" -le "$cancels" ] || fail "strict cancels more than default"
"$dedup" --in g1.csv --map "$MAP,$MAP2,$MAP3" --out o4.csv --details
head -1 o4.csv | grep -qx 'id,cluster,decision,rule,score,other,fields' || fail "details header"

# --- two inputs and FEBRL-style ", " separators, another date format ------------------------
printf 'rec_id, given_name, surname, date_of_birth, soc_sec_id\nrec-1-org, maria, garcia lopez, 14/03/1990, 1234567\nrec-2-org, jose, perez, 01/01/1980, 7654321\n' > a.csv
printf 'rec_id, given_name, surname, date_of_birth, soc_sec_id\nrec-1-dup-0, maria, lopez garcia, 14/03/1990, 1234567\n' > b.csv
"$dedup" --in a.csv --in b.csv --map id=rec_id,given=given_name,surname=surname,birth=date_of_birth,document=soc_sec_id \
    --date-format DD/MM/YYYY --out f.csv
# No registration time: the smaller id is kept ("rec-1-dup-0" < "rec-1-org" byte by byte).
grep -qx 'rec-1-org,rec-1-dup-0,cancel,document+birth,1.000' f.csv || { cat f.csv; fail "FEBRL-style duplicate"; }
grep -qx 'rec-2-org,rec-2-org,keep,,' f.csv || fail "FEBRL-style keep"

# --- malformed input: exit 2, location on stderr, no output ---------------------------------
expect_bad() { # name, expected stderr pattern, args...
    local name=$1 pattern=$2
    shift 2
    rm -f out.csv
    set +e
    "$dedup" "$@" --out out.csv 2> "$name.err"
    local rc=$?
    set -e
    [ $rc -eq 2 ] || fail "$name: exit $rc, expected 2"
    grep -q -- "$pattern" "$name.err" || fail "$name: stderr '$(cat "$name.err")' lacks '$pattern'"
    [ ! -e out.csv ] || fail "$name: output written on error"
}
printf 'id,given,birth\n1,ana,1990-01-01\n2,"rosa,1990-01-02\n' > unclosed.csv
expect_bad unclosed 'unclosed.csv:3:3' --in unclosed.csv --map id=id,given=given,birth=birth
printf 'id,given,birth\n1,ana,1990-01-01\n2,rosa,1990-02-30\n' > baddate.csv
expect_bad baddate 'baddate.csv:3:8' --in baddate.csv --map id=id,given=given,birth=birth
# Unless asked to read unreadable dates as missing.
"$dedup" --in baddate.csv --map id=id,given=given,birth=birth --unreadable-dates-missing --out ok.csv
[ "$(wc -l < ok.csv)" -eq 3 ] || fail "--unreadable-dates-missing"
printf 'id,given,birth\n1,ana,1990-01-01\n2,ro\xffsa,1990-02-03\n' > badutf8.csv
expect_bad badutf8 'badutf8.csv:3:3' --in badutf8.csv --map id=id,given=given,birth=birth
# Invalid UTF-8 in fields that are not folded as names: the id, a phone, a city.
printf 'id,given,birth,phone,city\n1,ana,1990-01-01,,\n2,rosa,1990-02-03,+52 1\377,\n' > badphone.csv
expect_bad badphone 'badphone.csv:3:19' --in badphone.csv --map id=id,given=given,birth=birth,phone=phone
printf 'id,given,birth,phone,city\n1,ana,1990-01-01,,Tijuana\376\n' > badcity.csv
expect_bad badcity 'badcity.csv:2:19' --in badcity.csv --map id=id,given=given,birth=birth,city=city
printf 'id,given,birth\n\3771,ana,1990-01-01\n' > badid.csv
expect_bad badid "badid.csv:2:1, field 'id': registration: invalid UTF-8" --in badid.csv --map id=id,given=given,birth=birth
printf 'id,given,birth\n1,ana,1990-01-01\n1,rosa,1990-02-03\n' > dupid.csv
expect_bad dupid 'dupid.csv:3:1' --in dupid.csv --map id=id,given=given,birth=birth
printf 'id,given,birth\n1,ana\n' > short.csv
expect_bad short 'short.csv:2' --in short.csv --map id=id,given=given,birth=birth
expect_bad nocolumn "required column 'dob'" --in a.csv --map id=rec_id,birth=dob
expect_bad nofield "unknown field 'colour'" --in a.csv --map id=rec_id,colour=surname
expect_bad badrules "--rules must be" --in a.csv --map id=rec_id --rules fuzzy
expect_bad badfmt "--date-format" --in a.csv --map id=rec_id --date-format DD/MM
expect_bad missing "cannot open" --in nowhere.csv --map id=id
printf 'id,registered,given\n1,yesterday,ana\n' > badtime.csv
expect_bad badtime 'badtime.csv:2:3' --in badtime.csv --map id=id,registered=registered,given=given
# A good file plus a bad one: nothing written.
printf 'id,given,birth\nx1,ana,1990-01-01\nx2,rosa,1990-13-01\n' > baddate2.csv
expect_bad second 'baddate2.csv:3:9' --in g1.csv --in baddate2.csv --map id=id,given=given,birth=birth
expect_bad crossid "id '1' already used at g1.csv:2" --in g1.csv --in baddate.csv --map id=id,given=given,birth=birth
echo "dedup_tool: all checks passed"
