#!/bin/bash
# Writes s3proxy's properties from the environment and starts it on port 9000 (MinIO's port in the production file),
# storing objects under /data (the production file's MinIO volume). Arguments (MinIO's command) are ignored.
set -euo pipefail
: "${MINIO_ROOT_USER:?set MINIO_ROOT_USER (the S3 access key)}"
: "${MINIO_ROOT_PASSWORD:?set MINIO_ROOT_PASSWORD (the S3 secret key)}"
conf=/var/lib/s3/s3proxy.properties
umask 077
cat > "${conf}" <<PROPS
s3proxy.endpoint=http://0.0.0.0:9000
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=${MINIO_ROOT_USER}
s3proxy.credential=${MINIO_ROOT_PASSWORD}
jclouds.provider=filesystem
jclouds.identity=${MINIO_ROOT_USER}
jclouds.credential=${MINIO_ROOT_PASSWORD}
jclouds.filesystem.basedir=${S3_DATA_DIR:-/data}
PROPS
# shellcheck disable=SC2086
exec java ${JAVA_OPTS:--Xms64m -Xmx256m -XX:+UseSerialGC} -cp "/opt/s3proxy/libs/*" org.gaul.s3proxy.Main --properties "${conf}"
