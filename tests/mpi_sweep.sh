#!/usr/bin/env bash
# A sweep under MPI writes the same sweep.csv as the local run with -j 1: two ranks
# (oversubscribed on a 2-core machine), the points dealt over them and gathered on rank 0
# a window of runs at a time (--window; 256 by default, so one round here, and 4 below so
# that 18 runs take five rounds, the last one short).
# Usage: tests/mpi_sweep.sh build-mpi/elbsim
set -u
ELBSIM=${1:-build-mpi/elbsim}
TMP=$(mktemp -d /tmp/elbsim-mpi-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
# Open MPI refuses root unless told; CI runs as root.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# No network probing for a one-machine run.
export OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "  ok   $1"; }
ko() { fail=$((fail + 1)); echo "  FAIL $1"; [ $# -gt 1 ] && echo "$2" | sed 's/^/       /'; }

SW=(sweep scenarios/examples/heterogeneous_lor.yaml
    --vary target_groups.app.algorithm=round_robin,least_outstanding_requests,power_of_d
    --vary target_groups.app.targets.1.count=2..4:2 --reps 3
    --set duration=2m --set warmup=20s)
echo "mpi sweep: $ELBSIM"
out=$("$ELBSIM" "${SW[@]}" -j 1 -o "$TMP/local" 2>&1) || ko "local -j 1 sweep" "$out"
out=$(mpirun --oversubscribe -n 2 "$ELBSIM" "${SW[@]}" -o "$TMP/mpi" 2>&1); rc=$?
[ $rc -eq 0 ] && ok "mpirun -n 2 sweep exits 0" || ko "mpirun -n 2 sweep exits 0 ($rc)" "$out"
printed=$out
cmp -s "$TMP/local/sweep.csv" "$TMP/mpi/sweep.csv" \
    && ok "sweep.csv from mpirun -n 2 is identical to -j 1" \
    || ko "sweep.csv identical" "$(diff "$TMP/local/sweep.csv" "$TMP/mpi/sweep.csv" | head)"
out=$(mpirun --oversubscribe -n 2 "$ELBSIM" "${SW[@]}" --window 4 -o "$TMP/win" 2>&1) \
    || ko "mpirun -n 2 --window 4 sweep exits 0" "$out"
cmp -s "$TMP/local/sweep.csv" "$TMP/win/sweep.csv" \
    && ok "18 runs in rounds of 4 (five gathers): sweep.csv identical to -j 1" \
    || ko "sweep.csv in rounds of 4" "$(diff "$TMP/local/sweep.csv" "$TMP/win/sweep.csv" | head)"
left=$(find "$TMP/win" -mindepth 1 ! -name sweep.csv)
[ -z "$left" ] && ok "the rounds leave nothing but sweep.csv" || ko "left behind" "$left"
out3=$(mpirun --oversubscribe -n 3 "$ELBSIM" "${SW[@]}" --window 5 -o "$TMP/win3" 2>&1) \
    || ko "mpirun -n 3 --window 5 sweep exits 0" "$out3"
cmp -s "$TMP/local/sweep.csv" "$TMP/win3/sweep.csv" \
    && ok "three ranks, rounds of 5 (a window not a multiple of the ranks): identical" \
    || ko "sweep.csv, 3 ranks, rounds of 5" "$(diff "$TMP/local/sweep.csv" "$TMP/win3/sweep.csv" | head)"
n=$(echo "$printed" | grep -c "^elbsim sweep:")
[ "$n" -eq 1 ] && ok "only rank 0 prints" || ko "only rank 0 prints ($n headers)" "$printed"
# Bad input: one message (rank 0's), exit 2.
out=$(mpirun --oversubscribe -n 2 "$ELBSIM" sweep scenarios/examples/heterogeneous_lor.yaml \
    --vary target_groups.app.algorithm= -o "$TMP/bad" 2>&1); rc=$?
n=$(echo "$out" | grep -c "empty value list")
[ $rc -eq 2 ] && [ "$n" -eq 1 ] && ok "bad input under mpirun: exit 2, one message" \
    || ko "bad input under mpirun ($rc, $n messages)" "$out"
echo "mpi sweep: $pass passed, $fail failed"
[ $fail -eq 0 ]
