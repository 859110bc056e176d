#!/bin/bash
# Pins every image that comes from a public registry to the digest its tag names today, in docker-compose.yml and in
# the Dockerfile's base-image arguments: `image: apache/kafka:4.3.1` becomes `image: apache/kafka:4.3.1@sha256:...`.
# The tag stays for readers; the engine pulls by digest, so a re-pushed tag cannot change what runs.
# Needs registry access and skopeo (Debian: apt-get install skopeo). Images VoxPipe builds itself are left alone.
#   compose/pin-image-digests.sh           rewrite the files in place (review with git diff, then commit)
#   compose/pin-image-digests.sh --check   exit 1 and list the images without a digest
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
files=("${here}/docker-compose.yml" "${here}/docker/Dockerfile")
check=false
[ "${1:-}" = --check ] && check=true

# image references: `image: ref` lines and `ARG X_IMAGE=ref` lines, without ${...} (our own images) or a digest
refs() {
  sed -n -E -e 's/^[[:space:]]*image:[[:space:]]*([^$[:space:]]+)[[:space:]]*$/\1/p' \
            -e 's/^ARG [A-Z_]+_IMAGE=([^$[:space:]]+)[[:space:]]*$/\1/p' "$@" | sort -u
}
unpinned=()
while IFS= read -r ref; do
  case "${ref}" in *@sha256:*) continue ;; esac
  unpinned+=("${ref}")
done < <(refs "${files[@]}")

if ${check}; then
  if [ ${#unpinned[@]} -gt 0 ]; then
    printf 'not pinned by digest: %s\n' "${unpinned[@]}"
    exit 1
  fi
  echo "every registry image is pinned by digest"
  exit 0
fi
command -v skopeo > /dev/null || { echo "pin-image-digests: skopeo is not installed (apt-get install skopeo)" >&2; exit 3; }
for ref in "${unpinned[@]}"; do
  digest="$(skopeo inspect --format '{{.Digest}}' "docker://${ref}")"
  echo "${ref} -> ${digest}"
  for f in "${files[@]}"; do
    sed -i -E "s#([[:space:]=])${ref//./\\.}([[:space:]]*)\$#\\1${ref}@${digest}\\2#" "${f}"
  done
done
