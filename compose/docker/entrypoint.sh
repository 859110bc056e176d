#!/bin/sh
# Starts the service's main class on the image's classpath. The class is fixed at build time
# (build argument MAIN_CLASS -> APP_MAIN_CLASS); extra arguments are passed to main().
set -eu
: "${APP_MAIN_CLASS:?APP_MAIN_CLASS is not set: build the image with --build-arg MAIN_CLASS=...}"
mkdir -p "${DJL_CACHE_DIR:-/var/lib/voxpipe/djl}"
# JAVA_OPTS is split on spaces on purpose (several JVM flags in one variable).
# shellcheck disable=SC2086
exec java ${JAVA_OPTS:-} -Dai.djl.offline=true \
  -Dlogback.configurationFile="${LOGBACK_CONFIG_FILE:-/etc/voxpipe/logback.xml}" \
  -cp "/app/lib/*" "${APP_MAIN_CLASS}" "$@"
