#!/bin/bash
# Kafka's kafka-configs.sh for this image (the kafka_2.13 jar set has no bin/ scripts): the same class the real script
# runs, kafka.admin.ConfigCommand, so compose/docker-compose.yml's one-shot kafka-scram-users service runs unchanged.
set -eu
exec java -Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dlogback.configurationFile=/etc/kafka/logback.xml \
  -cp "/opt/kafka/libs/*" kafka.admin.ConfigCommand "$@"
