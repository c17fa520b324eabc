#!/usr/bin/env bash
# Seconds from kill -9 to the first scrape of each orphaned target by its new owner: three real silo processes on a
# private PostgreSQL (needs /usr/lib/postgresql/*/bin/initdb; run as root or as a user that can run initdb), 300
# loopback targets, 1 s scrape interval, default failure-detection flags, ten kills. Prints median and max.
# Extra arguments go to dotnet test (e.g. --no-build -c Release after a build).
set -euo pipefail
cd "$(dirname "$0")/.."
ALLOY_ORLEANS_MEASURE_FAILOVER=1 dotnet test tests/AlloyOrleans.Tests \
  --filter "FullyQualifiedName~AlloyOrleans.Tests.Production.FailoverMeasurement" \
  --logger "console;verbosity=detailed" "$@" 2>&1 | grep -E "kill [0-9]+|over [0-9]+ kills|Passed|Failed|Error Message" || true
