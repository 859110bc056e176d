#!/bin/bash
# Builds every image of the local deployment (compose/docker-compose.local.yml) with podman, from Debian packages and
# Maven Central artifacts only: no public image registry is used.
#
#   compose/podman/build-images.sh [--skip-maven] [--rebuild-base]
#
#   1. localhost/voxpipe/debian:bookworm   mmdebstrap minbase rootfs (bash, curl, ffmpeg, pocketsphinx, prometheus),
#                                          imported with `podman import`; rebuilt only when its package list changes
#   2. localhost/voxpipe/jre:25            + a jlinked runtime of the build machine's JDK (Temurin 25; code is --release 21)
#   3. the VoxPipe jars                    mvn -o package dependency:copy-dependencies (skipped with --skip-maven)
#   4. localhost/voxpipe/{ingest,feature-worker,audiobook,trainer-worker,synth-worker}:$VOXPIPE_IMAGE_TAG
#                                          compose/podman/service/Containerfile: libtorch, third-party jars, own jars
#   5. localhost/voxpipe/{kafka,registry,s3proxy,prometheus}
#                                          kafka_2.13, Apicurio Registry and s3proxy from Maven Central
#                                          (compose/podman/infra/pom.xml), Prometheus from Debian
#
# Needs root podman with compose/podman/containers.conf (CONTAINERS_CONF, set here), mmdebstrap, Maven and a JDK >= 21.
# Work files go to $VOXPIPE_IMAGE_WORK (default /var/tmp/voxpipe-images). Prints the time of every step.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "${here}/../.." && pwd)"
work="${VOXPIPE_IMAGE_WORK:-/var/tmp/voxpipe-images}"
tag="${VOXPIPE_IMAGE_TAG:-0.1.0-SNAPSHOT}"
export CONTAINERS_CONF="${CONTAINERS_CONF:-${here}/containers.conf}"
skip_maven=false
# offline by default: the artifacts come from ~/.m2 (filled from Maven Central); MAVEN_ONLINE=1 lets Maven fetch
maven_mode=(-o)
[ "${MAVEN_ONLINE:-0}" = 1 ] && maven_mode=()
rebuild_base=false
for arg in "$@"; do
  case "${arg}" in
    --skip-maven) skip_maven=true ;;
    --rebuild-base) rebuild_base=true ;;
    *) echo "usage: $0 [--skip-maven] [--rebuild-base]" >&2; exit 2 ;;
  esac
done

for tool in podman mmdebstrap mvn; do
  command -v "${tool}" > /dev/null || { echo "build-images: ${tool} is not installed (apt-get install podman mmdebstrap maven)" >&2; exit 3; }
done
if [ -z "${JAVA_HOME:-}" ]; then
  for jdk in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-21-jdk-amd64; do
    [ -x "${jdk}/bin/jlink" ] && { JAVA_HOME="${jdk}"; break; }
  done
fi
: "${JAVA_HOME:?set JAVA_HOME to a JDK >= 21 (jlink makes the runtime of the images from it)}"
export JAVA_HOME
jdk_feature="$("${JAVA_HOME}/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"

mkdir -p "${work}"
started_all=${SECONDS}
step() { step_name="$1"; step_started=${SECONDS}; echo "== ${step_name}"; }
done_step() { echo "== ${step_name}: $((SECONDS - step_started)) s"; }

# The same sha1 Maven checked on download, checked again here for the jars whose content lands in an image unpacked.
verify_maven_sha1() {
  local jar="$1" group_path="$2" artifact="$3" version="$4" classifier="${5:-}"
  local name="${artifact}-${version}${classifier:+-${classifier}}.jar"
  local published="${HOME}/.m2/repository/${group_path}/${artifact}/${version}/${name}.sha1"
  [ -f "${published}" ] || { echo "build-images: no published checksum ${published} for ${jar}" >&2; exit 4; }
  local want have
  want="$(cut -c1-40 "${published}")"
  have="$(sha1sum "${jar}" | cut -c1-40)"
  [ "${want}" = "${have}" ] || { echo "build-images: ${jar}: sha1 ${have} is not the published ${want}" >&2; exit 4; }
  echo "   ${name}: sha1 ${have} matches the published checksum"
}

# ------------------------------------------------------------------------------------------------- 1. Debian base
base_packages="bash,ca-certificates,curl,procps,ffmpeg,pocketsphinx,pocketsphinx-en-us,prometheus"
base_tag="localhost/voxpipe/debian:bookworm"
base_key="$(printf '%s' "bookworm ${base_packages}" | sha256sum | cut -c1-16)"
step "base image ${base_tag} (packages: ${base_packages})"
if ${rebuild_base} || [ "$(podman image inspect --format '{{index .Labels "voxpipe.base-key"}}' "${base_tag}" 2>/dev/null)" != "${base_key}" ]; then
  rm -f "${work}/base.tar"
  # minbase: no recommends; docs, man pages and locales are left out of the rootfs
  mmdebstrap --variant=minbase --include="${base_packages}" --aptopt='Acquire::Retries "3"' \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' bookworm "${work}/base.tar" http://deb.debian.org/debian
  podman import --change 'CMD ["/bin/bash"]' --change "LABEL voxpipe.base-key=${base_key}" \
    "${work}/base.tar" "${base_tag}" > /dev/null
  rm -f "${work}/base.tar"
else
  echo "   up to date (label voxpipe.base-key=${base_key})"
fi
done_step

# ------------------------------------------------------------------------------------------------- 2. JRE
step "runtime image localhost/voxpipe/jre:25 (jlink of ${JAVA_HOME}, Java ${jdk_feature})"
jre_ctx="${work}/ctx-jre"
rm -rf "${jre_ctx}" && mkdir -p "${jre_ctx}"
# java.se for Apicurio (Quarkus) and the services; jdk.httpserver for the workers' /metrics and /health;
# jdk.jcmd and jdk.attach so that an operator can take a heap or thread dump in a running container.
"${JAVA_HOME}/bin/jlink" --add-modules java.se,jdk.unsupported,jdk.httpserver,jdk.management,jdk.management.agent,jdk.naming.dns,jdk.zipfs,jdk.crypto.cryptoki,jdk.jfr,jdk.net,jdk.localedata,jdk.charsets,jdk.jcmd,jdk.attach \
  --strip-debug --no-man-pages --no-header-files --output "${jre_ctx}/jre"
cp "${here}/jre/Containerfile" "${jre_ctx}/Containerfile"
podman build --format docker --layers -q -t localhost/voxpipe/jre:25 "${jre_ctx}" > /dev/null
done_step

# ------------------------------------------------------------------------------------------------- 3. VoxPipe jars
if ! ${skip_maven}; then
  step "VoxPipe jars (mvn ${maven_mode[*]} package dependency:copy-dependencies)"
  (cd "${root}" && mvn "${maven_mode[@]}" -q -B -pl ingest,feature-worker,trainer-worker,synth-worker -am \
      package dependency:copy-dependencies -DskipTests -DincludeScope=runtime -Dmdep.prependGroupId=true)
  done_step
fi

# ------------------------------------------------------------------------------------------------- 4. services
pytorch_version="$(sed -n 's:.*<djl.pytorch-native.version>\(.*\)</djl.pytorch-native.version>.*:\1:p' "${root}/pom.xml")"
# module:image:main class (audiobook is the synth-worker module with another main class, as in docker-compose.yml)
services=(
  "ingest:ingest:dev.voxpipe.ingest.IngestApp"
  "feature-worker:feature-worker:dev.voxpipe.feature.app.FeatureWorkerApp"
  "synth-worker:synth-worker:dev.voxpipe.synth.SynthWorkerApp"
  "synth-worker:audiobook:dev.voxpipe.synth.audiobook.AudiobookApp"
  "trainer-worker:trainer-worker:dev.voxpipe.trainer.TrainerWorkerApp"
)
for entry in "${services[@]}"; do
  IFS=':' read -r module image main_class <<< "${entry}"
  step "service image localhost/voxpipe/${image}:${tag} (${module}, ${main_class})"
  ctx="${work}/ctx-${module}"
  if [ "${module}" != "${last_module:-}" ]; then # the audiobook image reuses the synth worker's staging
    rm -rf "${ctx}" && mkdir -p "${ctx}/ext" "${ctx}/app" "${ctx}/libtorch" "${ctx}/docker"
    deps="${root}/${module}/target/dependency"
    [ -d "${deps}" ] || { echo "build-images: ${deps} is missing: run without --skip-maven" >&2; exit 5; }
    for jar in "${deps}"/*.jar; do
      name="$(basename "${jar}")"
      case "${name}" in
        ai.djl.pytorch.pytorch-native-cpu-*.jar)
          verify_maven_sha1 "${jar}" ai/djl/pytorch pytorch-native-cpu "${pytorch_version}" linux-x86_64
          (cd "${ctx}" && "${JAVA_HOME}/bin/jar" xf "${jar}" pytorch/cpu/linux-x86_64 \
            && mv pytorch/cpu/linux-x86_64/* libtorch/ && rm -rf pytorch) ;;
        dev.voxpipe.*) cp -p "${jar}" "${ctx}/app/" ;;
        *) cp -p "${jar}" "${ctx}/ext/" ;;
      esac
    done
    cp -p "${root}/${module}/target/${module}-"*.jar "${ctx}/app/"
    rm -f "${ctx}"/app/*-sources.jar "${ctx}"/app/*-tests.jar
    cp -p "${root}"/compose/docker/{entrypoint.sh,healthcheck.sh,logback.xml} "${ctx}/docker/"
    cp "${here}/service/Containerfile" "${ctx}/Containerfile"
  fi
  last_module="${module}"
  podman build --format docker --layers -q --build-arg MAIN_CLASS="${main_class}" \
    --build-arg PYTORCH_VERSION="${pytorch_version}" -t "localhost/voxpipe/${image}:${tag}" "${ctx}" > /dev/null
  done_step
done

# ------------------------------------------------------------------------------------------------- 5. infrastructure
infra_ctx="${work}/ctx-infra"
step "infrastructure artifacts from Maven Central (compose/podman/infra/pom.xml)"
rm -rf "${infra_ctx}" && mkdir -p "${infra_ctx}"
for profile in kafka s3proxy registry; do
  mvn "${maven_mode[@]}" -q -B -f "${here}/infra/pom.xml" -P"${profile}" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="${infra_ctx}/${profile}-libs"
done
done_step

step "image localhost/voxpipe/kafka:${tag}"
kctx="${infra_ctx}/kafka" && mkdir -p "${kctx}/probe"
mv "${infra_ctx}/kafka-libs" "${kctx}/kafka-libs"
cp "${here}"/kafka/{Containerfile,kafka-entrypoint.sh,kafka-broker-api-versions.sh,kafka-configs.sh,kafka-probe.sh,logback.xml} "${kctx}/"
"${JAVA_HOME}/bin/javac" --release 21 -d "${kctx}/probe" -cp "${kctx}/kafka-libs/*" "${here}/kafka/KafkaProbe.java"
podman build --format docker --layers -q -t "localhost/voxpipe/kafka:${tag}" "${kctx}" > /dev/null
done_step

step "image localhost/voxpipe/s3proxy:${tag}"
sctx="${infra_ctx}/s3proxy" && mkdir -p "${sctx}"
mv "${infra_ctx}/s3proxy-libs" "${sctx}/s3proxy-libs"
cp "${here}"/s3proxy/{Containerfile,s3proxy-entrypoint.sh} "${sctx}/"
podman build --format docker --layers -q -t "localhost/voxpipe/s3proxy:${tag}" "${sctx}" > /dev/null
done_step

step "image localhost/voxpipe/registry:${tag}"
rctx="${infra_ctx}/registry" && mkdir -p "${rctx}/apicurio"
tar xzf "${infra_ctx}"/registry-libs/apicurio-registry-app-*-all.tar.gz -C "${rctx}/apicurio"
cp "${here}"/registry/{Containerfile,confluent-run.sh} "${rctx}/"
podman build --format docker --layers -q -t "localhost/voxpipe/registry:${tag}" "${rctx}" > /dev/null
done_step

step "image localhost/voxpipe/prometheus:${tag}"
pctx="${infra_ctx}/prometheus" && mkdir -p "${pctx}"
cp "${here}/prometheus/Containerfile" "${pctx}/"
podman build --format docker --layers -q -t "localhost/voxpipe/prometheus:${tag}" "${pctx}" > /dev/null
done_step

echo "== all images built in $((SECONDS - started_all)) s"
podman images --filter reference='localhost/voxpipe/*' --format '{{.Repository}}:{{.Tag}} {{.Size}}'
