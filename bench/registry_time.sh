#!/usr/bin/env bash
# Times cbpq-registry on SQLite for N registrations (default 100000): register, then run-day
# (one transaction: pool read, batch duplicate resolution, capacity, draw, receipt, commit).
# Not a test. Usage: bench/registry_time.sh BUILD_EXAMPLES_DIR [N] [SCRATCH_DIR]
set -euo pipefail
BIN=${1:?usage: registry_time.sh BUILD_EXAMPLES_DIR [N] [SCRATCH]}
N=${2:-100000}
T=${3:-$(mktemp -d)}
mkdir -p "$T"
rm -f "$T"/time.db*
cat > "$T/plan" <<'PLAN'
cbpq-capacity-plan 1
port nogales weight=100
port brownsville weight=380
port eagle-pass weight=100
port hidalgo weight=125
port laredo weight=150
port el-paso weight=125
port calexico weight=75
port san-ysidro weight=395
national persons=1450 from=2023-06-30
PLAN
awk -v n="$N" 'BEGIN {
    split("ANA JOSE MARIA LUIS CARMEN PEDRO ROSA JUAN ELENA DIEGO SOFIA CARLOS LUCIA JORGE PAULA MIGUEL", g, " ");
    split("LOPEZ GARCIA PEREZ SANCHEZ RAMIREZ TORRES FLORES RIVERA GOMEZ DIAZ CRUZ MORALES REYES ORTIZ", f, " ");
    split("nogales brownsville eagle-pass hidalgo laredo el-paso calexico san-ysidro", p, " ");
    srand(42);
    print "id,registered,given,surname,birth,document,phone,email,port,party";
    for (i = 0; i < n; i++) {
        printf "R%d,%d,%s,%s %s,%d-0%d-%d,P%d,,,%s,%d\n", i, i, g[int(rand() * 16) + 1],
            f[int(rand() * 14) + 1], f[int(rand() * 14) + 1], 1950 + int(rand() * 60),
            1 + int(rand() * 9), 10 + int(rand() * 19), 10000000 + i, p[int(rand() * 8) + 1],
            1 + int(rand() * 4);
    }
}' > "$T/regs.csv"
now() { date +%s.%N; }
"$BIN/cbpq-registry" --db "$T/time.db" init --plan "$T/plan" > /dev/null
t0=$(now)
"$BIN/cbpq-registry" --db "$T/time.db" register --in "$T/regs.csv"
t1=$(now)
"$BIN/cbpq-registry" --db "$T/time.db" run-day --date 2023-07-01 --seed \
    0101010101010101010101010101010101010101010101010101010101010101 --alternates 50 > "$T/run.txt"
sed -n 1p "$T/run.txt"
t2=$(now)
"$BIN/cbpq-registry" --db "$T/time.db" run-day --date 2023-07-01 --seed \
    0101010101010101010101010101010101010101010101010101010101010101 --alternates 50 > "$T/run.txt"
sed -n 1p "$T/run.txt"
t3=$(now)
awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v n="$N" 'BEGIN {
    printf "registrations: %d\nregister:         %.2f s\nrun-day:          %.2f s\nrun-day (again):  %.2f s (returns the committed day)\n", n, b - a, c - b, d - c }'
