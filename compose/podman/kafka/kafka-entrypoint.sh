#!/bin/bash
# Starts one KRaft node (broker and controller) from the kafka_2.13 jar set in /opt/kafka/libs, configured the way
# the apache/kafka image is, so that compose/docker-compose.yml's kafka services run unchanged on this image:
# every KAFKA_* variable becomes a server property (KAFKA_LOG_DIRS -> log.dirs; "__" -> "_", "___" -> "-"),
# except the JVM settings (KAFKA_HEAP_OPTS, KAFKA_OPTS); CLUSTER_ID formats the log directory on the first start.
set -euo pipefail
: "${CLUSTER_ID:?CLUSTER_ID is not set (the KRaft cluster id every node is formatted with)}"
config=/var/lib/kafka/server.properties
{
  echo "# written by kafka-entrypoint.sh from the KAFKA_* environment at $(date -u +%FT%TZ)"
  while IFS='=' read -r name value; do
    case "${name}" in
      KAFKA_HEAP_OPTS|KAFKA_OPTS|KAFKA_JVM_PERFORMANCE_OPTS|KAFKA_LOG4J_OPTS|KAFKA_JMX_OPTS) continue ;;
      KAFKA_*) ;;
      *) continue ;;
    esac
    key="${name#KAFKA_}"
    key="${key,,}"
    key="${key//___/-}"
    key="${key//__/@}"
    key="${key//_/.}"
    key="${key//@/_}"
    printf '%s=%s\n' "${key}" "${value}"
  done < <(env)
} > "${config}"
log_dirs="$(sed -n 's/^log\.dirs=//p' "${config}")"
: "${log_dirs:?KAFKA_LOG_DIRS is not set}"
# shellcheck disable=SC2206
jvm=(${KAFKA_HEAP_OPTS:--Xms512m -Xmx512m} -XX:+UseG1GC -XX:MaxGCPauseMillis=20 ${KAFKA_OPTS:-}
     -Dlogback.configurationFile=/etc/kafka/logback.xml -cp "/opt/kafka/libs/*")
if [ ! -f "${log_dirs%%,*}/meta.properties" ]; then
  echo "formatting ${log_dirs} for cluster ${CLUSTER_ID}"
  java "${jvm[@]}" kafka.tools.StorageTool format --ignore-formatted -t "${CLUSTER_ID}" -c "${config}"
fi
exec java "${jvm[@]}" kafka.Kafka "${config}"
