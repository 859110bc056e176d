#!/bin/sh
# Starts the service's main class on the image's classpath. The class is fixed at build time
# (build argument MAIN_CLASS -> APP_MAIN_CLASS); extra arguments are passed to main().
set -eu
: "${APP_MAIN_CLASS:?APP_MAIN_CLASS is not set: build the image with --build-arg MAIN_CLASS=...}"
mkdir -p "${DJL_CACHE_DIR:-/var/lib/voxpipe/djl}"

# Native thread pools sized from the container's CPU limit (deploy.resources.limits.cpus), which the JVM honours for
# its own pools but OpenMP/MKL (libtorch) do not: they would start one thread per host core and thrash a 4-CPU
# container on a 64-core host. Explicit OMP_NUM_THREADS / -Dai.djl.pytorch.* settings win.
cpu_limit() {
  quota="" period="" cgroup="${ENTRYPOINT_CGROUP_ROOT:-/sys/fs/cgroup}"   # the variable: for the entrypoint's test
  if [ -r "${cgroup}/cpu.max" ]; then                          # cgroup v2: "max 100000" or "400000 100000"
    read -r quota period < "${cgroup}/cpu.max"
  elif [ -r "${cgroup}/cpu/cpu.cfs_quota_us" ]; then           # cgroup v1
    quota="$(cat "${cgroup}/cpu/cpu.cfs_quota_us")"
    period="$(cat "${cgroup}/cpu/cpu.cfs_period_us")"
  fi
  case "${quota}" in
    ""|max|-1) nproc ;;
    *) echo $(( (quota + period - 1) / period )) ;;            # round up: 0.5 CPU still gets one thread
  esac
}
threads="$(cpu_limit)"
[ "${threads}" -ge 1 ] 2>/dev/null || threads=1
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-${threads}}"
export MKL_NUM_THREADS="${MKL_NUM_THREADS:-${OMP_NUM_THREADS}}"
torch_opts=""
case "${JAVA_OPTS:-}" in
  *ai.djl.pytorch.num_threads*) ;;
  *) torch_opts="-Dai.djl.pytorch.num_threads=${OMP_NUM_THREADS}" ;;
esac
case "${JAVA_OPTS:-}" in
  *ai.djl.pytorch.num_interop_threads*) ;;
  *) torch_opts="${torch_opts} -Dai.djl.pytorch.num_interop_threads=1" ;;
esac

# JAVA_OPTS is split on spaces on purpose (several JVM flags in one variable).
# shellcheck disable=SC2086
exec java ${JAVA_OPTS:-} ${torch_opts} -Dai.djl.offline=true \
  -Dlogback.configurationFile="${LOGBACK_CONFIG_FILE:-/etc/voxpipe/logback.xml}" \
  -cp "/app/lib/*" "${APP_MAIN_CLASS}" "$@"
