#!/usr/bin/env bash
# The chaos suite (issue 17) on a fresh local stack: a load of uploads, trainings and books while workers are
# killed with SIGKILL and restarted, the broker and the registry are stopped for a while, the blob store is away; then a table of what was
# lost, duplicated or stuck, counted from the topics (read_committed) and the API. Exit 0 when all are 0.
#   bench/chaos/run.sh          the short profile (what CI runs as ChaosIT): 4 voices, 2 trainings, 3 books, 4 kills,
#                               a 20 s broker stop, a 15 s registry stop, a 10 s blob-store outage
#   bench/chaos/run.sh full     50 voices, 10 trainings, 20 books, 20 kills, a 60 s broker stop, a 30 s registry stop,
#                               a 30 s blob-store outage (the store's root directory moved aside)
# The table is printed and kept in launcher/target/chaos-<profile>.txt; worker logs are named in a failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
JAVA_HOME=$(scripts/find-jdk.sh)
export JAVA_HOME
profile="${1:-short}"
case "$profile" in short|full) ;; *) echo "usage: bench/chaos/run.sh [short|full]" >&2; exit 2 ;; esac
status=0
VOXPIPE_CHAOS_PROFILE="$profile" mvn -B -ntp -q -Dstyle.color=never -pl launcher -am verify \
  -Dit.test=ChaosIT -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false || status=$?
[ -f "launcher/target/chaos-$profile.txt" ] && cat "launcher/target/chaos-$profile.txt"
exit "$status"
