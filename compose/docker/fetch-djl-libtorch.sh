#!/bin/sh
# Fetches one flavour of DJL's libtorch build, the same files DJL's LibUtils downloads at run
# time when no native jar is on the classpath: the index https://publish.djl.ai/pytorch/<version>/files.txt
# lists "<flavor>/<classifier>/native/lib/<file>.gz" for every flavour. DJL publishes no checksums, so every
# unpacked file is checked against a SHA-256 list kept in the repository (compose/docker/libtorch-sha256/):
# a file missing from the list, or with another digest, fails the build.
#   fetch-djl-libtorch <pytorch-version> <flavor> <classifier> <destination> <sha256-list>
#   fetch-djl-libtorch 2.7.1 cu128 linux-x86_64 /opt/libtorch /usr/local/share/libtorch-sha256/2.7.1-cu128-linux-x86_64.sha256
# To make the list (once per version and flavour, on a trusted machine, then commit it):
#   fetch-djl-libtorch 2.7.1 cu128 linux-x86_64 /tmp/libtorch --record compose/docker/libtorch-sha256/2.7.1-cu128-linux-x86_64.sha256
set -eu
version="$1" flavor="$2" classifier="$3" dest="$4"
record=""
sums="${5:-}"
if [ "${sums}" = "--record" ]; then
  record="${6:?--record needs the list file to write}"
  sums=""
fi
if [ -z "${record}" ] && [ ! -s "${sums}" ]; then
  echo "fetch-djl-libtorch: no SHA-256 list ${sums:-(none given)} for libtorch ${version} ${flavor} ${classifier};" >&2
  echo "  record one on a trusted machine with --record (see the header of this script) and commit it" >&2
  exit 1
fi
base="https://publish.djl.ai/pytorch/${version}"
mkdir -p "${dest}"
curl -fsSL --retry 5 "${base}/files.txt" -o /tmp/files.txt
prefix="${flavor}/${classifier}/native/lib/"
count=0
[ -n "${record}" ] && : > "${record}"
while IFS= read -r line; do
  case "${line}" in
    "${prefix}"*.gz)
      name=$(basename "${line}" .gz)
      echo "fetching ${line}"
      curl -fsSL --retry 5 "${base}/${line}" | gunzip > "${dest}/${name}"
      digest=$(sha256sum "${dest}/${name}" | cut -d' ' -f1)
      if [ -n "${record}" ]; then
        echo "${digest}  ${name}" >> "${record}"
      elif ! grep -q "^${digest}  ${name}\$" "${sums}"; then
        echo "fetch-djl-libtorch: ${name}: SHA-256 ${digest} is not the recorded one in ${sums}" >&2
        rm -f "${dest}/${name}"
        exit 1
      fi
      count=$((count + 1)) ;;
  esac
done < /tmp/files.txt
if [ "${count}" -eq 0 ] || [ ! -f "${dest}/libtorch.so" ]; then
  echo "no ${flavor}/${classifier} libtorch in ${base}/files.txt" >&2
  exit 1
fi
if [ -z "${record}" ] && [ "${count}" -ne "$(grep -c . "${sums}")" ]; then
  echo "fetch-djl-libtorch: fetched ${count} files, the list ${sums} has $(grep -c . "${sums}")" >&2
  exit 1
fi
echo "fetched ${count} files of libtorch ${version} ${flavor} into ${dest}${record:+ (recorded in ${record})}${record:- (SHA-256 verified)}"
