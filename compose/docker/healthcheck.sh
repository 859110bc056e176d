#!/bin/bash
# Container health check without curl or wget in the image: one HTTP GET over bash's /dev/tcp.
# Healthy when the service answers 2xx on HEALTHCHECK_PATH (default /health/live: 503 once a poll loop or every
# stream thread is dead, unlike /metrics, which answers as long as the process does) at HEALTHCHECK_PORT
# (default: VOXPIPE_METRICS_PORT, the port the workers serve Prometheus metrics on).
set -u
port="${HEALTHCHECK_PORT:-${VOXPIPE_METRICS_PORT:-9404}}"
path="${HEALTHCHECK_PATH:-/health/live}"
exec 3<>"/dev/tcp/127.0.0.1/${port}" || exit 1
printf 'GET %s HTTP/1.0\r\nHost: localhost\r\nConnection: close\r\n\r\n' "${path}" >&3
IFS= read -r -t 4 status <&3 || exit 1
exec 3>&-
case "${status}" in
  "HTTP/1."[01]" 2"*) exit 0 ;;
  *) echo "unhealthy: GET ${path} on port ${port} answered: ${status}" >&2; exit 1 ;;
esac
