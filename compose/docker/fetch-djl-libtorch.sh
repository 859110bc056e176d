#!/bin/sh
# Fetches one flavour of DJL's libtorch build, the same files DJL's LibUtils downloads at run
# time when no native jar is on the classpath: the index https://publish.djl.ai/pytorch/<version>/files.txt
# lists "<flavor>/<classifier>/native/lib/<file>.gz" for every flavour.
#   fetch-djl-libtorch <pytorch-version> <flavor> <classifier> <destination>
#   fetch-djl-libtorch 2.7.1 cu128 linux-x86_64 /opt/libtorch
set -eu
version="$1" flavor="$2" classifier="$3" dest="$4"
base="https://publish.djl.ai/pytorch/${version}"
mkdir -p "${dest}"
curl -fsSL --retry 5 "${base}/files.txt" -o /tmp/files.txt
prefix="${flavor}/${classifier}/native/lib/"
count=0
while IFS= read -r line; do
  case "${line}" in
    "${prefix}"*.gz)
      name=$(basename "${line}" .gz)
      echo "fetching ${line}"
      curl -fsSL --retry 5 "${base}/${line}" | gunzip > "${dest}/${name}"
      count=$((count + 1)) ;;
  esac
done < /tmp/files.txt
if [ "${count}" -eq 0 ] || [ ! -f "${dest}/libtorch.so" ]; then
  echo "no ${flavor}/${classifier} libtorch in ${base}/files.txt" >&2
  exit 1
fi
echo "fetched ${count} files of libtorch ${version} ${flavor} into ${dest}"
