#!/usr/bin/env bash
# `make run`: the quickstart scenario, then its plots.
set -e
ELBSIM=${1:-build/elbsim}
"$ELBSIM" run scenarios/quickstart.yaml -o out/quickstart || [ $? -eq 3 ]
"$ELBSIM" plot out/quickstart
echo
echo "Done.  Open out/quickstart/*.png; the numbers are in out/quickstart/*.csv (docs/outputs.md)."
