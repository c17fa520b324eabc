#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs what the tests start for real (PostgreSQL for the
# membership table, Prometheus 2.42 as the remote_write receiver, Chromium for the browser UI tests), then runs
# every test project and prints the summary line "N passed, M failed, K skipped".
set -uo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
command -v vmagent >/dev/null 2>&1 || missing+=(victoria-metrics) # a Go program serving /debug/pprof for the profile scrape tests
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
[ -x /usr/bin/chromium ] || missing+=(chromium) # the browser UI tests drive it headless through Playwright
command -v openssl >/dev/null 2>&1 || missing+=(openssl) # deploy/make-certs.sh, checked by DeployFilesTests
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Installing ${missing[*]} ..."
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null || {
    echo "apt-get install ${missing[*]} failed" >&2
    exit 1
  }
fi

# --fast: the unit lane for a developer's loop; it leaves out tests that start clusters, processes or servers
# (namespaces Cluster, EndToEnd, Production and Operator, and classes named *ProcessTests or *OracleTests).
if [ "${1:-}" = "--fast" ]; then
  shift
  set -- --filter "FullyQualifiedName!~.Cluster.&FullyQualifiedName!~.EndToEnd.&FullyQualifiedName!~.Production.&FullyQualifiedName!~.Operator.&FullyQualifiedName!~ProcessTests&FullyQualifiedName!~OracleTests" "$@"
fi

results="TestResults"
rm -rf "$results"
dotnet test AlloyOrleans.sln -c Release --logger "trx" --results-directory "$results" "$@"
status=$?

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  skipped=$((skipped + $(get total) - $(get executed)))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # the build or the test host failed before any result was written
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
