#!/bin/bash
# The deployment, run for real on this machine: builds the images (compose/podman/build-images.sh), starts
# docker-compose.yml + docker-compose.local.yml with podman (profile cpu), waits for health, then
#   0. the secured edges (issue 18): ingest answers HTTPS only (curl --cacert with this run's throwaway CA), the
#      registry refuses calls without its basic-auth login, the published Kafka listener takes only SCRAM-SHA-512
#      over TLS (a right login gets the metadata, a wrong password and PLAINTEXT are refused);
#   1. the main flow through ingest's published port (HTTPS): create a voice, upload the bundled minute of speech with
#      its transcripts, wait for the features, train (few steps), synthesise a short book and download it;
#   2. scales feature-worker to 3 and prints the consumer group's partition spread;
#   3. scales synth-worker-cpu to 2, synthesises the book again and kills a synth container (SIGKILL) mid-book:
#      the book must complete, once (one record in voxpipe.synthesis.completed), with the same length as before;
#   4. tears everything down (containers, network, volumes).
# Every step's time goes to the log ($VOXPIPE_TEST_RUN_DIR, default /var/tmp/voxpipe-test-run) and to a summary.
# Secrets (registry, SCRAM and MinIO logins, API key) and the TLS directory (a CA made for the run, ingest's and the
# broker's certificates) are fresh for every run and live in that directory, never in the repository.
#
#   compose/test-run.sh [--skip-build] [--keep] [--short]
#     --skip-build  use the images already built
#     --keep        leave the deployment running (tear down later with: compose/test-run.sh --down)
#     --short       the main flow only (no scale-out, no kill)
#     --down        tear down a deployment left by --keep
#     --cluster     instead: the three KRaft brokers of the cluster profile (cluster.env) alone: start, all three
#                   in the metadata, a topic with replication factor 3 and min ISR 2 created, tear down
# Exit status: 0 passed, 1 a check failed, 3 skipped: a tool is missing (the reason is printed).
# Needs root, podman (rootful), docker-compose (Debian's, talking to `podman system service`), curl, jq and openssl.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "${here}/.." && pwd)"
project="${VOXPIPE_TEST_PROJECT:-voxpipe-test}"
run_dir="${VOXPIPE_TEST_RUN_DIR:-/var/tmp/voxpipe-test-run}"
socket="${run_dir}/podman.sock"
export CONTAINERS_CONF="${CONTAINERS_CONF:-${here}/podman/containers.conf}"
export DOCKER_HOST="unix://${socket}"
skip_build=false keep=false short=false down_only=false cluster=false
for arg in "$@"; do
  case "${arg}" in
    --skip-build) skip_build=true ;;
    --keep) keep=true ;;
    --short) short=true ;;
    --down) down_only=true ;;
    --cluster) cluster=true ;;
    *) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
done

skip() { echo "test-run: SKIPPED: $*" >&2; exit 3; }
[ "$(id -u)" = 0 ] || skip "needs root (rootful podman: the sandbox has no user namespaces for rootless)"
for tool in podman docker-compose curl jq sha256sum openssl; do
  command -v "${tool}" > /dev/null || skip "${tool} is not installed (apt-get install podman docker-compose curl jq openssl)"
done

mkdir -p "${run_dir}"
log="${run_dir}/test-run-$(date -u +%Y%m%dT%H%M%SZ).log"
summary="${run_dir}/summary.txt"
exec > >(tee -a "${log}") 2>&1
: > "${summary}"
note() { echo "[$(date -u +%T)] $*"; }
record() { note "RESULT $*"; echo "$*" >> "${summary}"; }
# the machine is shared: every timing goes with the load average it was taken under (1, 5, 15 min)
load_average() { cut -d' ' -f1-3 /proc/loadavg; }
fail() { note "FAILED: $*"; record "FAILED: $*"; exit 1; }

# ------------------------------------------------------------------------------------------------ podman and compose
service_pid=""
ticker_pid=""
start_podman_service() {
  if [ -S "${socket}" ] && curl -fsS --unix-socket "${socket}" http://d/_ping > /dev/null 2>&1; then return; fi
  rm -f "${socket}"
  podman system service --time=0 "unix://${socket}" > "${run_dir}/podman-service.log" 2>&1 &
  service_pid=$!
  for _ in $(seq 1 50); do
    curl -fsS --unix-socket "${socket}" http://d/_ping > /dev/null 2>&1 && return
    sleep 0.2
  done
  fail "podman system service did not answer on ${socket} (log: ${run_dir}/podman-service.log)"
}

# Podman runs health checks from systemd timers; without systemd (this sandbox) nothing runs them, so the
# containers would stay "starting" for ever and depends_on: service_healthy would never be met. This ticker runs
# every container's check every 10 s, as the timers would.
start_health_ticker() {
  (
    while true; do
      for c in $(podman ps --filter "label=com.docker.compose.project=${project}" --format '{{.Names}}'); do
        podman healthcheck run "${c}" > /dev/null 2>&1 || true
      done
      sleep 10
    done
  ) &
  ticker_pid=$!
}

compose_files=(-f "${root}/compose/docker-compose.yml" -f "${root}/compose/docker-compose.local.yml")
profiles=(--profile cpu)
if ${cluster}; then
  project="${project}-cluster"
  profiles=(--profile cluster)
  # cluster.env's settings (three voters, replication factor 3, min ISR 2) on top of local.env's sizes
  set -a
  # shellcheck disable=SC1091
  . "${here}/cluster.env"
  set +a
fi
compose() {
  docker-compose --compatibility -p "${project}" "${compose_files[@]}" --env-file "${here}/podman/local.env" \
    "${profiles[@]}" "$@"
}

free_port() {
  local port
  for port in $(seq "$1" $(( $1 + 200 ))); do
    if ! (exec 3<> "/dev/tcp/127.0.0.1/${port}") 2> /dev/null; then echo "${port}"; return; fi
  done
  fail "no free port from $1"
}

teardown() {
  note "tearing down ${project}"
  compose down -v --remove-orphans > /dev/null 2>&1 || true
  [ -n "${ticker_pid}" ] && kill "${ticker_pid}" 2> /dev/null || true
  [ -n "${service_pid}" ] && kill "${service_pid}" 2> /dev/null || true
}

# Secrets and ports: fresh for every run, never written to the repository.
state="${run_dir}/deployment.env"
tls_dir="${run_dir}/tls"
if ${down_only}; then
  # shellcheck disable=SC1090
  [ -f "${state}" ] && set -a && . "${state}" && set +a
  # compose interpolates the required variables even to tear down; any value will do for that
  for required in VOXPIPE_REGISTRY_USER VOXPIPE_REGISTRY_PASSWORD KAFKA_CLIENT_USER KAFKA_CLIENT_PASSWORD \
      MINIO_ROOT_USER MINIO_ROOT_PASSWORD GRAFANA_ADMIN_PASSWORD; do
    [ -n "${!required:-}" ] || export "${required}=down"
  done
  export VOXPIPE_TLS_DIR="${VOXPIPE_TLS_DIR:-${tls_dir}}"
  start_podman_service
  teardown
  exit 0
fi
# A throwaway CA and the two server certificates VOXPIPE_TLS_DIR must hold (compose/README.md, "Security floor"):
# ingest's (HTTPS on the API port) and the broker's (its SASL_SSL listener, key and chain in one PEM file). Both name
# localhost and 127.0.0.1, where the ports are published. The CA's key is deleted once both are signed.
make_tls_dir() {
  rm -rf "${tls_dir}" && mkdir -p "${tls_dir}" && chmod 755 "${tls_dir}"
  local extensions="${tls_dir}/server.ext"
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' > "${extensions}"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=voxpipe test-run CA $(date -u +%FT%TZ)" \
    -keyout "${tls_dir}/ca-key.pem" -out "${tls_dir}/ca.pem" 2> /dev/null
  local name
  for name in ingest kafka; do
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "${tls_dir}/${name}-key.pem" \
      -out "${tls_dir}/${name}.csr" 2> /dev/null # openssl 3 writes PKCS#8, which Kafka's PEM key store wants
    openssl x509 -req -in "${tls_dir}/${name}.csr" -CA "${tls_dir}/ca.pem" -CAkey "${tls_dir}/ca-key.pem" \
      -CAcreateserial -days 2 -extfile "${extensions}" -out "${tls_dir}/${name}-cert.pem" 2> /dev/null
  done
  cat "${tls_dir}/kafka-key.pem" "${tls_dir}/kafka-cert.pem" "${tls_dir}/ca.pem" > "${tls_dir}/kafka-key-and-cert.pem"
  rm -f "${tls_dir}"/*.csr "${tls_dir}/ca-key.pem" "${tls_dir}/ca.srl" "${tls_dir}/kafka-key.pem" "${extensions}"
  # each key readable by the one image user that needs it: ingest runs as uid 10001, this Kafka image as 10002
  chmod 644 "${tls_dir}"/*-cert.pem "${tls_dir}/ca.pem"
  chown 10001 "${tls_dir}/ingest-key.pem" && chmod 600 "${tls_dir}/ingest-key.pem"
  chown 10002 "${tls_dir}/kafka-key-and-cert.pem" && chmod 600 "${tls_dir}/kafka-key-and-cert.pem"
}
make_tls_dir || fail "making the TLS directory ${tls_dir} with openssl"
random_hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }
api_key="vxp_test_$(random_hex 18)"
{
  echo "MINIO_ROOT_USER=voxpipe-test"
  echo "MINIO_ROOT_PASSWORD=$(random_hex 24)"
  echo "GRAFANA_ADMIN_PASSWORD=$(random_hex 12)"
  echo "VOXPIPE_REGISTRY_USER=voxpipe-test"
  echo "VOXPIPE_REGISTRY_PASSWORD=$(random_hex 24)"
  echo "KAFKA_CLIENT_USER=voxpipe-test-client"
  echo "KAFKA_CLIENT_PASSWORD=$(random_hex 24)"
  echo "VOXPIPE_TLS_DIR=${tls_dir}"
  echo "VOXPIPE_INGEST_API_KEYS='$(printf '%s' "${api_key}" | sha256sum | cut -c1-64) test-run'"
  echo "INGEST_PORT=$(free_port 28080)"
  echo "KAFKA_EXTERNAL_PORT=$(free_port 29092)"
  echo "SCHEMA_REGISTRY_PORT=$(free_port 28081)"
  echo "MINIO_PORT=$(free_port 29000)"
  echo "MINIO_CONSOLE_PORT=$(free_port 29300)"
  echo "PROMETHEUS_PORT=$(free_port 29090)"
  echo "GRAFANA_PORT=$(free_port 23000)"
} > "${state}"
chmod 600 "${state}"
set -a
# shellcheck disable=SC1090
. "${state}"
set +a
api="https://127.0.0.1:${INGEST_PORT}"
tls_curl=(--cacert "${VOXPIPE_TLS_DIR}/ca.pem")

# ------------------------------------------------------------------------------------------------ 0. images
t0=${SECONDS}
if ! ${skip_build}; then
  note "building the images"
  "${here}/podman/build-images.sh" || fail "image build"
  record "image build: $((SECONDS - t0)) s"
fi

# ------------------------------------------------------------------------------------------------ 1. start
start_podman_service
trap teardown EXIT
${keep} && trap - EXIT
start_health_ticker
compose down -v --remove-orphans > /dev/null 2>&1 || true

if ${cluster}; then
  t_cluster=${SECONDS}
  compose up -d --no-build kafka kafka-2 kafka-3 || fail "compose up (cluster)"
  brokers=""
  until [ "${brokers}" = "brokers: 3" ]; do
    [ $((SECONDS - t_cluster)) -gt 300 ] && fail "the three brokers did not form a cluster within 300 s (${brokers})"
    sleep 5
    brokers="$(podman exec "${project}_kafka_1" kafka-probe ready kafka:19092,kafka-2:19092,kafka-3:19092 2> /dev/null | tail -1 || true)"
  done
  record "three KRaft brokers (cluster profile) up and in the metadata: $((SECONDS - t_cluster)) s"
  podman exec "${project}_kafka_1" kafka-probe create kafka:19092 voxpipe.cluster-check 3 2 \
    || fail "a topic with replication factor 3 and min ISR 2 could not be created"
  record "topic with replication factor 3, min.insync.replicas 2: created and fully in sync"
  cat "${summary}"
  exit 0
fi
t_start=${SECONDS}
note "starting the deployment (project ${project}, ingest on ${api})"
compose up -d --no-build || fail "compose up"

# every container healthy, except the one-shot kafka-scram-users, which must have exited 0
one_shot=' [^ ]*kafka-scram-users[^ ]* '
healthy_all() {
  local states
  states="$(podman ps -a --filter "label=com.docker.compose.project=${project}" --format ' {{.Names}} {{.Status}}')"
  if echo "${states}" | grep -E "${one_shot}Exited \([1-9][0-9]*\)" > /dev/null; then
    podman logs "$(echo "${states}" | grep -o -E 'voxpipe[^ ]*kafka-scram-users[^ ]*' | head -1)" 2>&1 | tail -20
    fail "kafka-scram-users failed: the SCRAM user of the published Kafka listener was not created"
  fi
  echo "${states}" | grep -E "${one_shot}Exited \(0\)" > /dev/null || return 1
  echo "${states}" | grep -v -E "${one_shot}" | grep -v -q -E '\(healthy\)' && return 1
  return 0
}
deadline=$((SECONDS + 600))
until healthy_all && curl -fsS "${tls_curl[@]}" "${api}/health/ready" > /dev/null 2>&1; do
  if [ ${SECONDS} -gt ${deadline} ]; then
    podman ps -a --filter "label=com.docker.compose.project=${project}" --format '{{.Names}} {{.Status}}'
    fail "the deployment was not healthy within 600 s"
  fi
  sleep 5
done
podman ps --filter "label=com.docker.compose.project=${project}" --format '{{.Names}} {{.Status}}'
record "start-up (compose up to every container healthy, the SCRAM user created and ingest ready): $((SECONDS - t_start)) s (load average $(load_average))"

# ------------------------------------------------------------------------------------------------ secured edges
t_edges=${SECONDS}
# ingest: HTTPS with this run's CA; no plain HTTP answer on the same port; not trusted without the CA
curl -fsS "${tls_curl[@]}" -o /dev/null "${api}/openapi.json" || fail "ingest over HTTPS (--cacert ${VOXPIPE_TLS_DIR}/ca.pem)"
plain="$(curl -s -m 10 -o /dev/null -w '%{http_code}' "http://127.0.0.1:${INGEST_PORT}/health/ready" || true)"
[ "${plain}" = 000 ] || fail "ingest answered plain HTTP with ${plain} on its published port"
curl -fsS -m 10 -o /dev/null "${api}/health/ready" 2> /dev/null && fail "ingest's certificate was trusted without the run's CA"
# the registry: 401 without its login and with a wrong password, 200 with the one the services use
registry="http://127.0.0.1:${SCHEMA_REGISTRY_PORT}/apis/ccompat/v7/subjects"
registry_code() { curl -s -m 10 -o /dev/null -w '%{http_code}' "$@" "${registry}" || true; }
[ "$(registry_code)" = 401 ] || fail "the registry answered a call without credentials with $(registry_code), not 401"
[ "$(registry_code -u "${VOXPIPE_REGISTRY_USER}:wrong-${VOXPIPE_REGISTRY_PASSWORD}")" = 401 ] || fail "the registry accepted a wrong password"
[ "$(registry_code -u "${VOXPIPE_REGISTRY_USER}:${VOXPIPE_REGISTRY_PASSWORD}")" = 200 ] || fail "the registry refused the services' login"
# Kafka: the published (EXTERNAL) listener from the host, as an outside client: kafka-probe in the Kafka image on the
# host's network with client settings in KAFKA_PROBE_CONFIG (PEM trust store: the run's CA)
kafka_client() { # NAME PROTOCOL [PASSWORD]: writes the client settings, prints their path
  local file="${run_dir}/kafka-client-$1.properties"
  { echo "security.protocol=$2"
    echo "ssl.truststore.type=PEM"
    echo "ssl.truststore.location=/tls/ca.pem"
    if [ -n "${3:-}" ]; then
      echo "sasl.mechanism=SCRAM-SHA-512"
      echo "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"${KAFKA_CLIENT_USER}\" password=\"$3\";"
    fi
  } > "${file}"
  chmod 600 "${file}"
  echo "${file}"
}
external_probe() { # CLIENT-FILE: kafka-probe ready on the published listener
  { podman run --rm --network host --user 0 --entrypoint kafka-probe -e KAFKA_PROBE_CONFIG=/probe/client.properties \
      -v "${VOXPIPE_TLS_DIR}/ca.pem:/tls/ca.pem:ro" -v "$1:/probe/client.properties:ro" \
      "localhost/voxpipe/kafka:${VOXPIPE_IMAGE_TAG:-0.1.0-SNAPSHOT}" ready "localhost:${KAFKA_EXTERNAL_PORT}" 2>&1 || true; } \
    | grep -E '^(brokers|not ready)' | tail -1 || true
}
good="$(kafka_client scram SASL_SSL "${KAFKA_CLIENT_PASSWORD}")"
answer=""
for _ in 1 2 3 4 5 6; do # the credential reaches the broker through the metadata log: allow it a moment
  answer="$(external_probe "${good}")"
  [ "${answer}" = "brokers: 1" ] && break
  sleep 5
done
[ "${answer}" = "brokers: 1" ] || fail "SCRAM-SHA-512 over TLS with the created user was refused on the published listener: ${answer}"
wrong="$(external_probe "$(kafka_client wrong SASL_SSL "wrong-${KAFKA_CLIENT_PASSWORD}")")"
case "${wrong}" in "brokers: "*) fail "the published listener accepted a wrong SCRAM password" ;; esac
plain_kafka="$(external_probe "$(kafka_client plain PLAINTEXT)")"
case "${plain_kafka}" in "brokers: "*) fail "the published listener answered a PLAINTEXT client" ;; esac
note "Kafka EXTERNAL: right login: ${answer}; wrong password: ${wrong}; PLAINTEXT: ${plain_kafka}"
rm -f "${run_dir}"/kafka-client-*.properties
record "secured edges: ingest HTTPS only (plain HTTP no answer, untrusted without the run's CA); registry 401 without or with a wrong login, 200 with the services' one; Kafka's published listener SCRAM-SHA-512 over TLS (wrong password and PLAINTEXT refused): $((SECONDS - t_edges)) s"

# ------------------------------------------------------------------------------------------------ 2. main flow
call() { # METHOD PATH [curl args...]: prints the body, fails on a non-2xx answer
  local method="$1" path="$2"; shift 2
  curl -sS --fail-with-body "${tls_curl[@]}" -X "${method}" -H "Authorization: Bearer ${api_key}" \
    -H "Idempotency-Key: $(cat /proc/sys/kernel/random/uuid)" "$@" "${api}${path}"
}
wait_json() { # PATH JQ-CONDITION TIMEOUT-S WHAT: polls until the condition holds, prints the last body
  local path="$1" cond="$2" timeout="$3" what="$4" body end=$((SECONDS + $3))
  while true; do
    body="$(call GET "${path}" 2> /dev/null || true)"
    if [ -n "${body}" ] && echo "${body}" | jq -e "${cond}" > /dev/null 2>&1; then echo "${body}"; return 0; fi
    [ ${SECONDS} -gt ${end} ] && { echo "${body}" >&2; fail "${what} not done within ${timeout} s"; }
    sleep 3
  done
}

t_flow=${SECONDS}
voice="$(call POST /v1/voices -H 'Content-Type: application/json' \
  -d '{"name":"test-run","language":"en","consent":{"attestedBy":"compose/test-run.sh","statement":"The bundled sample speaker consented to this test voice."}}' \
  | jq -r .voiceId)"
[ -n "${voice}" ] && [ "${voice}" != null ] || fail "voice creation"
note "voice ${voice}"
samples="${root}/launcher/src/main/resources/voice-sample"
uploads=0
while IFS=$'\t' read -r name transcript; do
  [ -n "${name}" ] || continue
  call POST "/v1/voices/${voice}/samples?transcript=$(jq -rn --arg t "${transcript}" '$t|@uri')" \
    -H 'Content-Type: audio/wav' --data-binary "@${samples}/${name}.wav" > /dev/null || fail "upload ${name}"
  uploads=$((uploads + 1))
done < "${samples}/transcripts.tsv"
note "uploaded ${uploads} samples"
wait_json "/v1/voices/${voice}" \
  "(.dataset.clipsAccepted + .dataset.clipsRejected + (.dataset.uploadsRejected|length)) >= ${uploads} and .dataset.usableSeconds > 30" \
  900 "feature extraction" | jq -c '.dataset | {usableSeconds, clipsAccepted, clipsRejected}'
record "features for ${uploads} uploads: $((SECONDS - t_flow)) s"

t_train=${SECONDS}
job="$(call POST "/v1/voices/${voice}/training" -H 'Content-Type: application/json' \
  -d "{\"maxSteps\": ${VOXPIPE_TEST_TRAIN_STEPS:-12}}" | jq -r .jobId)"
note "training job ${job}"
trained="$(wait_json "/v1/jobs/${job}" '.state == "SUCCEEDED" or .state == "FAILED" or .state == "CANCELLED"' 1800 "training")"
[ "$(echo "${trained}" | jq -r .state)" = SUCCEEDED ] || fail "training ended $(echo "${trained}" | jq -c .)"
record "training (${VOXPIPE_TEST_TRAIN_STEPS:-12} steps, CPU): $((SECONDS - t_train)) s"

# a short book: long enough (about 24 chunks) that a synth worker can be killed while it is under way
book=""
for chapter in one two three four five six seven eight nine ten eleven twelve; do
  book="${book}Chapter ${chapter}. The lighthouse keeper climbed the stairs at dusk, as he had every evening for thirty years.

He lit the lamp and watched the beam sweep across the grey water. Far out, a small boat turned towards the harbour.

"
done
synthesise() { # prints the request id
  call POST /v1/synthesis -H 'Content-Type: application/json' \
    -d "$(jq -n --arg v "${voice}" --arg t "${book}" '{voiceId:$v, text:$t, format:"wav"}')" | jq -r .requestId
}
t_book=${SECONDS}
request="$(synthesise)"
note "book ${request}"
done_json="$(wait_json "/v1/synthesis/${request}" '.state == "SUCCEEDED" or .state == "FAILED"' 1800 "the book")"
[ "$(echo "${done_json}" | jq -r .state)" = SUCCEEDED ] || fail "book ended $(echo "${done_json}" | jq -c .)"
call GET "/v1/synthesis/${request}/audio" -o "${run_dir}/book.wav"
[ "$(head -c 4 "${run_dir}/book.wav")" = RIFF ] || fail "the book's audio is not a WAV file"
book_seconds="$(echo "${done_json}" | jq -r .result.durationSeconds)"
book_chunks="$(echo "${done_json}" | jq -r .result.chunkCount)"
record "book (${#book} characters, ${book_chunks} chunks, ${book_seconds} s of audio): $((SECONDS - t_book)) s; $(stat -c %s "${run_dir}/book.wav") bytes of WAV"
record "main flow (voice, uploads, features, training, book): $((SECONDS - t_flow)) s (load average $(load_average))"

# ------------------------------------------------------------------------------------------------ dashboard metrics
# Every voxpipe_* name the Grafana dashboard queries must be among the names Prometheus scraped from the running
# containers (after the flow above, every stage has counted something).
sleep 20 # one more scrape (15 s interval) after the book
scraped="$(curl -fsS "http://127.0.0.1:${PROMETHEUS_PORT}/api/v1/label/__name__/values" | jq -r '.data[]')"
missing=""
for metric in $(jq -r '.. | objects | select(has("expr")) | .expr' "${root}/compose/grafana/dashboards/voxpipe.json" \
    | grep -o 'voxpipe_[a-z0-9_]*' | sort -u); do
  echo "${scraped}" | grep -qx "${metric}" || missing="${missing} ${metric}"
done
targets="$(curl -fsS "http://127.0.0.1:${PROMETHEUS_PORT}/api/v1/targets" | jq -r '.data.activeTargets[] | "\(.labels.job)=\(.health)"' | sort | tr '\n' ' ')"
note "Prometheus targets: ${targets}"
[ -z "${missing}" ] || fail "the dashboard queries metrics the running services do not expose:${missing}"
record "dashboard metrics: every voxpipe_* name the dashboard queries is scraped from the running services (targets: ${targets})"

if ${short}; then note "short run: done"; cat "${summary}"; exit 0; fi

# ------------------------------------------------------------------------------------------------ 3. scale out
kafka_container="$(podman ps --filter "label=com.docker.compose.project=${project}" --filter label=com.docker.compose.service=kafka --format '{{.Names}}' | head -1)"
probe() { podman exec "${kafka_container}" kafka-probe "$@"; }
t_scale=${SECONDS}
compose up -d --no-build --no-recreate --scale feature-worker=3 feature-worker || fail "scale feature-worker"
spread=""
deadline=$((SECONDS + 600))
while true; do
  spread="$(probe groups kafka:19092 voxpipe-feature-worker 2> /dev/null || true)"
  members="$(echo "${spread}" | grep -c '^  member' || true)"
  idle="$(echo "${spread}" | grep -c 'partitions {}' || true)"
  state_line="$(echo "${spread}" | head -1)"
  if [ "${members}" -ge 3 ] && [ "${idle}" -eq 0 ] && echo "${state_line}" | grep -qi 'state stable'; then break; fi
  [ ${SECONDS} -gt ${deadline} ] && { echo "${spread}"; fail "feature-worker group did not spread over 3 members within 600 s"; }
  sleep 5
done
echo "${spread}"
record "scale-out to 3 feature workers, group stable with every member assigned: $((SECONDS - t_scale)) s"
record "spread: $(echo "${spread}" | grep '^  member' | sed -E 's/.*partitions //' | tr '\n' ' ')"

# ------------------------------------------------------------------------------------------------ 4. kill a synth worker mid-book
compose up -d --no-build --no-recreate --scale synth-worker-cpu=2 synth-worker-cpu || fail "scale synth-worker-cpu"
until [ "$(podman ps --filter "label=com.docker.compose.project=${project}" --filter label=com.docker.compose.service=synth-worker-cpu --format '{{.Status}}' | grep -c '(healthy)')" -ge 2 ]; do
  sleep 5
done
# the synth container whose JVM used the most CPU over two seconds (utime + stime of its main process, from the host)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2> /dev/null || echo 0; }
busiest_synth() {
  local c pid before=() names=() pids=() i best="" best_delta=-1 delta
  for c in $(podman ps --filter "label=com.docker.compose.project=${project}" --filter label=com.docker.compose.service=synth-worker-cpu --format '{{.Names}}'); do
    pid="$(podman inspect --format '{{.State.Pid}}' "${c}")"
    names+=("${c}"); pids+=("${pid}"); before+=("$(cpu_ticks "${pid}")")
  done
  sleep 2
  for i in "${!names[@]}"; do
    delta=$(( $(cpu_ticks "${pids[$i]}") - before[i] ))
    if [ "${delta}" -gt "${best_delta}" ]; then best_delta=${delta}; best="${names[$i]}"; fi
  done
  echo "${best}"
}
t_kill=${SECONDS}
request2="$(synthesise)"
note "book ${request2} (to be interrupted)"
# wait until the book is under way (some chunks done), then SIGKILL the synth container that is working
victim=""
deadline=$((SECONDS + 900))
while [ -z "${victim}" ]; do
  progress="$(call GET "/v1/synthesis/${request2}" 2> /dev/null || true)"
  if echo "${progress}" | jq -e '.state == "SUCCEEDED"' > /dev/null 2>&1; then fail "the book finished before a synth worker could be killed; make it longer"; fi
  if echo "${progress}" | jq -e '(.progress.chunksDone // 0) >= 1' > /dev/null 2>&1; then
    victim="$(busiest_synth)"
  fi
  [ ${SECONDS} -gt ${deadline} ] && fail "the book never got under way"
  sleep 1
done
pid="$(podman inspect --format '{{.State.Pid}}' "${victim}")"
note "SIGKILL to ${victim} (host pid ${pid}) at $(echo "${progress}" | jq -c '.progress')"
kill -KILL "${pid}"
t_killed=${SECONDS}
done2="$(wait_json "/v1/synthesis/${request2}" '.state == "SUCCEEDED" or .state == "FAILED"' 1800 "the interrupted book")"
[ "$(echo "${done2}" | jq -r .state)" = SUCCEEDED ] || fail "the interrupted book ended $(echo "${done2}" | jq -c .)"
seconds2="$(echo "${done2}" | jq -r .result.durationSeconds)"
chunks2="$(echo "${done2}" | jq -r .result.chunkCount)"
completed="$(probe count kafka:19092 voxpipe.synthesis.completed "${request2}" | tail -1)"
note "the interrupted book: ${chunks2} chunks, ${seconds2} s; records in voxpipe.synthesis.completed: ${completed}"
[ "${completed}" = 1 ] || fail "the interrupted book completed ${completed} times (want exactly once)"
[ "${chunks2}" = "${book_chunks}" ] || fail "the interrupted book has ${chunks2} chunks, the first ${book_chunks}"
[ "${seconds2}" = "${book_seconds}" ] || fail "the interrupted book lasts ${seconds2} s, the first ${book_seconds} s (a chunk lost or repeated)"
restarts="$(podman inspect --format '{{.RestartCount}}' "${victim}")"
record "kill recovery: SIGKILL of ${victim} mid-book; book done $((SECONDS - t_killed)) s after the kill ($((SECONDS - t_kill)) s in all), completed exactly once, ${chunks2} chunks and ${seconds2} s as the uninterrupted book; the killed container restarted ${restarts} time(s)"

record "load average at the end: $(load_average)"
note "all checks passed"
cat "${summary}"
