#!/usr/bin/env bash
# End-to-end tests of `elbsim forecast`: the backtest table and files, the synthetic
# history, and every bad-input case (file:line:column, exit 2, nothing written).
# Usage: tests/e2e_forecast.sh build/elbsim
set -u
ELBSIM=${1:-build/elbsim}
TMP=$(mktemp -d /tmp/elbsim-e2e-forecast-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0

# A crash fails the checks (watch_crashes, ok, ko: tests/e2e_lib.sh).
# shellcheck source=tests/e2e_lib.sh
. "$(dirname "$0")/e2e_lib.sh"

# expect_error NAME EXIT PATTERN -- ARGS...: fails with that status and message, and
# leaves no output folder.
expect_error() {
    local name=$1 code=$2 pat=$3
    shift 4
    local out rc
    out=$("$ELBSIM" forecast "$@" -o "$TMP/err_$name" 2>&1)
    rc=$?
    if [ $rc -ne "$code" ]; then ko "$name: exit $rc, wanted $code" "$out"; return; fi
    if ! echo "$out" | grep -Eq -- "$pat"; then ko "$name: message" "$out"; return; fi
    if [ -e "$TMP/err_$name" ]; then ko "$name: output left behind"; return; fi
    ok "$name"
}

echo "e2e forecast: $ELBSIM"
watch_crashes
EX=scenarios/examples/forecast_history.csv

# --- the example history is what --synthetic 21d prints ---
"$ELBSIM" forecast --synthetic 21d > "$TMP/h.csv" 2>&1 && cmp -s "$TMP/h.csv" "$EX" \
    && ok "--synthetic 21d reproduces $EX" || ko "--synthetic 21d reproduces $EX"
"$ELBSIM" forecast --synthetic 2d --seed 5 > "$TMP/h5.csv"; rc=$?
[ $rc -eq 0 ] && [ "$(wc -l < "$TMP/h5.csv")" -eq 49 ] && ok "--synthetic 2d: 48 rows" \
    || ko "--synthetic 2d rows (exit $rc)"
[ $rc -eq 0 ] && [ -s "$TMP/h5.csv" ] && ! cmp -s <(head -49 "$EX") "$TMP/h5.csv" \
    && ok "--seed changes the noise" || ko "--seed changes the noise (exit $rc)"

# --- backtest on the example ---
out=$("$ELBSIM" forecast "$EX" -o "$TMP/a" --target-per-instance 100 2>&1); rc=$?
[ $rc -eq 0 ] && ok "backtest exits 0" || ko "backtest exits 0 ($rc)" "$out"
echo "$out" | grep -q "noise floor" && ok "table has the noise floor" || ko "noise floor row" "$out"
[ "$(head -1 "$TMP/a/forecast.csv")" = "time_s,forecast_load,forecast_capacity,actual_load,actual_capacity" ] \
    && ok "forecast.csv header" || ko "forecast.csv header" "$(head -1 "$TMP/a/forecast.csv")"
[ "$(wc -l < "$TMP/a/forecast.csv")" -eq $((1 + 504 + 48)) ] && ok "forecast.csv: history + 48 h" \
    || ko "forecast.csv rows $(wc -l < "$TMP/a/forecast.csv")"
[ "$(wc -l < "$TMP/a/backtest.csv")" -eq 7 ] && ok "backtest.csv: 5 methods + floor" \
    || ko "backtest.csv rows" "$(cat "$TMP/a/backtest.csv")"
mape() { awk -F, -v m="$2" '$1 == m { print $2 }' "$1/backtest.csv"; }
hw=$(mape "$TMP/a" holt_winters); nd=$(mape "$TMP/a" "seasonal_naive(season=day)")
nw=$(mape "$TMP/a" "seasonal_naive(season=week)"); fl=$(mape "$TMP/a" "noise floor (expected_load)")
awk -v h="$hw" -v d="$nd" -v w="$nw" -v f="$fl" 'BEGIN { exit !(h < d - 2 && h < w - 2 && h < f + 2) }' \
    && ok "holt_winters $hw % beats naive ($nd, $nw) and is near the floor $fl" \
    || ko "holt_winters $hw vs naive $nd / $nw, floor $fl"
# the last 48 rows are the forecast after the history: no actuals, capacity filled
tail -48 "$TMP/a/forecast.csv" | awk -F, '$4 != "" || $5 != "" || $3 == "" { bad = 1 } END { exit bad }' \
    && ok "future rows: forecast without actuals" || ko "future rows"
"$ELBSIM" forecast "$EX" -o "$TMP/b" --target-per-instance 100 >/dev/null 2>&1 &&
    cmp -s "$TMP/a/forecast.csv" "$TMP/b/forecast.csv" && cmp -s "$TMP/a/backtest.csv" "$TMP/b/backtest.csv" \
    && ok "same input, same bytes" || ko "same input, same bytes"
# one method, shorter horizon: origins from 24 h on, no capacity columns
out=$("$ELBSIM" forecast "$EX" --method regression --horizon 24h -o "$TMP/c" 2>&1); rc=$?
[ $rc -eq 0 ] && echo "$out" | grep -q "from hour 24" && ok "--method alone starts at 24 h" || ko "--method origins" "$out"
[ "$(wc -l < "$TMP/c/backtest.csv")" -eq 3 ] && ok "--method: one row + floor" || ko "--method rows"
awk -F, 'NR > 1 && ($3 != "" || $5 != "") { bad = 1 } END { exit bad }' "$TMP/c/forecast.csv" \
    && ok "capacity columns empty without --target-per-instance" || ko "capacity columns"
# elbsim's own timeseries.csv format
{ echo "time_s,scope,name,metric,value"
  awk -F, 'NR > 1 { printf "%d,workload,w,requests,%s\n", $1 + 3600, $2; printf "%d,lb,f,requests,1\n", $1 + 3600 }' "$EX"; } > "$TMP/ts.csv"
"$ELBSIM" forecast "$TMP/ts.csv" --metric workload.w.requests --method holt_winters -o "$TMP/d" >/dev/null 2>&1 \
    && "$ELBSIM" forecast "$EX" --method holt_winters -o "$TMP/e" >/dev/null 2>&1 \
    && [ "$(grep '^holt_winters,' "$TMP/d/backtest.csv")" = "$(grep '^holt_winters,' "$TMP/e/backtest.csv")" ] \
    && ok "timeseries.csv with --metric gives the same backtest" || ko "timeseries.csv with --metric"

# --- bad input ---
expect_error unknown_method 2 "unknown forecast method 'arima'; expected one of" -- "$EX" --method arima
expect_error bad_param 2 "unknown season 'year'" -- "$EX" --method 'seasonal_naive(season=year)'
expect_error horizon 2 "--horizon '72h' is beyond 48h" -- "$EX" --horizon 72h
expect_error horizon_frac 2 "whole number of hours" -- "$EX" --horizon 90m
expect_error bad_row 2 "tests/data/forecast_bad_row.csv:4:6: error: bad load 'abc'" -- tests/data/forecast_bad_row.csv
expect_error decreasing 2 "tests/data/forecast_decreasing.csv:5:1: error: time_s 7000 is not after" -- tests/data/forecast_decreasing.csv
expect_error fields 2 "tests/data/forecast_fields.csv:3:" -- tests/data/forecast_fields.csv
expect_error header 2 "forecast_bad_header.csv:1:8: error: unknown history column 'lod'" -- tests/data/forecast_bad_header.csv
expect_error no_metric 2 "name the series" -- "$TMP/ts.csv"
expect_error short 2 "covers 3 hours; the backtest needs at least" -- tests/data/forecast_good.csv
expect_error unknown_option 2 "unknown option '--horizn'" -- "$EX" --horizn 4h
expect_error min_without_target 2 "need --target-per-instance" -- "$EX" --min 2
expect_error missing_file 1 "cannot open 'nope.csv'" -- nope.csv

# --- nonsense in, a clear answer out ---
{ echo time_s,load; for i in $(seq 0 400); do echo "$((i * 3600)),0"; done; } > "$TMP/zero.csv"
out=$("$ELBSIM" forecast "$TMP/zero.csv" -o "$TMP/zero" 2>&1); rc=$?
if [ $rc -eq 0 ] && echo "$out" | grep -Eq '^holt_winters +n/a +n/a' &&
    echo "$out" | grep -q 'MAPE and bias are n/a: the load was 0 in every hour scored' &&
    ! grep -q nan "$TMP/zero/backtest.csv" && [ "$(mape "$TMP/zero" holt_winters)" = "" ]; then
    ok "an all-zero history: MAPE n/a, said why, an empty cell in backtest.csv"
else
    ko "an all-zero history: MAPE n/a (exit $rc)" "$out"
fi
{ echo time_s,load; for i in $(seq 0 400); do
    if [ "$i" = 250 ]; then echo "$((i * 3600)),1e308"; else echo "$((i * 3600)),100"; fi
  done; } > "$TMP/huge.csv"
expect_error huge_load 2 "huge.csv:252:8: error: bad load '1e308'; expected a number from 0 to 1e15" -- "$TMP/huge.csv"
expect_error tiny_target 2 "target-per-instance 1e-300 puts the history's peak hourly load .* beyond the 2147483647" -- "$EX" --target-per-instance 1e-300

# On a terminal (script gives one), the backtest shows each method as it starts; in a pipe
# it says nothing on stderr.
if command -v script >/dev/null; then
    script -qc "'$ELBSIM' forecast '$EX' -o '$TMP/tty'" /dev/null >"$TMP/tty.out" 2>&1
    if grep -q "forecast: backtesting 5 of 5: " "$TMP/tty.out" &&
        "$ELBSIM" forecast "$EX" -o "$TMP/pipe" 2>"$TMP/pipe.err" >/dev/null && [ ! -s "$TMP/pipe.err" ]; then
        ok "progress on a terminal, none in a pipe"
    else
        ko "progress on a terminal" "$(head -c 400 "$TMP/tty.out")"
    fi
fi

new_crashes && ko "elbsim crashed after the last check"
echo "e2e forecast: $pass passed, $fail failed"
[ $fail -eq 0 ]
