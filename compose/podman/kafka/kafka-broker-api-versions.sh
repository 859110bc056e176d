#!/bin/bash
# Stand-in for Kafka's script of the same name, for compose/docker-compose.yml's health check
# ("kafka-broker-api-versions.sh --bootstrap-server HOST:PORT"): exits 0 when the broker answers a metadata request.
set -eu
bootstrap=""
while [ $# -gt 0 ]; do
  case "$1" in
    --bootstrap-server) bootstrap="$2"; shift 2 ;;
    *) shift ;;
  esac
done
: "${bootstrap:?--bootstrap-server is required}"
exec java -Xmx64m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -Dlogback.configurationFile=/etc/kafka/logback.xml \
  -cp "/opt/kafka/probe:/opt/kafka/libs/*" KafkaProbe ready "${bootstrap}"
