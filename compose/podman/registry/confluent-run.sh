#!/bin/bash
# Stand-in for the Confluent image's /etc/confluent/docker/run, so that compose/docker-compose.yml's schema-registry
# service (its entrypoint, command and environment) runs unchanged on this Apicurio image. The production command
# writes the Jetty JAAS file and its user file, then execs this script; here the same settings become Apicurio's:
#   SCHEMA_REGISTRY_AUTHENTICATION_METHOD=BASIC   Quarkus basic authentication on every /apis call (the Confluent API
#                                                 is /apis/ccompat/v7), as local-stack's startSecuredRegistry does
#   -Djava.security.auth.login.config=FILE        (in SCHEMA_REGISTRY_OPTS) the JAAS file; its file="..." is the
#                                                 Jetty property file, one "user: password,role..." a line
#   SCHEMA_REGISTRY_AUTHENTICATION_ROLES          the roles a user needs (any of them)
# The users go to a properties file only this user can read (config.locations), not onto the command line.
set -euo pipefail
auth_args=()
if [ "${SCHEMA_REGISTRY_AUTHENTICATION_METHOD:-NONE}" = BASIC ]; then
  jaas="$(printf '%s\n' "${SCHEMA_REGISTRY_OPTS:-}" | tr ' ' '\n' | sed -n 's/^-Djava\.security\.auth\.login\.config=//p' | tail -1)"
  if [ -z "${jaas}" ] || [ ! -f "${jaas}" ]; then
    echo "registry: BASIC authentication needs -Djava.security.auth.login.config=FILE in SCHEMA_REGISTRY_OPTS" >&2; exit 1
  fi
  users_file="$(sed -n 's/.*file="\([^"]*\)".*/\1/p' "${jaas}" | head -1)"
  if [ -z "${users_file}" ] || [ ! -f "${users_file}" ]; then
    echo "registry: the JAAS file ${jaas} names no readable user file" >&2; exit 1
  fi
  roles="${SCHEMA_REGISTRY_AUTHENTICATION_ROLES:-}"
  umask 077
  config=/tmp/apicurio-auth.properties
  {
    echo "quarkus.http.auth.basic=true"
    echo "quarkus.security.users.embedded.enabled=true"
    echo "quarkus.security.users.embedded.plain-text=true"
    echo "quarkus.http.auth.permission.registry-api.paths=/apis/*"
    if [ -n "${roles}" ]; then
      echo "quarkus.http.auth.policy.registry-role.roles-allowed=${roles}"
      echo "quarkus.http.auth.permission.registry-api.policy=registry-role"
    else
      echo "quarkus.http.auth.permission.registry-api.policy=authenticated"
    fi
  } > "${config}"
  users=0
  while IFS= read -r line || [ -n "${line}" ]; do
    case "${line}" in ''|'#'*) continue ;; esac
    user="${line%%:*}"
    rest="${line#*:}"
    rest="${rest# }"
    password="${rest%%,*}"
    user_roles=""
    [ "${rest}" != "${password}" ] && user_roles="${rest#*,}"
    # properties escaping: a backslash in the password stays one backslash
    password="${password//\\/\\\\}"
    key="${user}"
    case "${user}" in *[!A-Za-z0-9_-]*) key="\"${user}\"" ;; esac # a map key with dots must be quoted
    printf 'quarkus.security.users.embedded.users.%s=%s\n' "${key}" "${password}" >> "${config}"
    if [ -n "${user_roles}" ]; then printf 'quarkus.security.users.embedded.roles.%s=%s\n' "${key}" "${user_roles}" >> "${config}"; fi
    users=$((users + 1))
  done < "${users_file}"
  [ "${users}" -gt 0 ] || { echo "registry: ${users_file} has no user" >&2; exit 1; }
  echo "registry: basic authentication on /apis/*, ${users} user(s) from ${users_file}${roles:+, roles ${roles}}"
  auth_args=(-Dquarkus.config.locations="file://${config}")
fi
# JAVA_OPTS (the image's) and SCHEMA_REGISTRY_HEAP_OPTS (compose's) are word lists, as the Confluent image reads them
# shellcheck disable=SC2086
exec java ${JAVA_OPTS:-} ${SCHEMA_REGISTRY_HEAP_OPTS:-} "${auth_args[@]}" \
  -Dquarkus.http.host=0.0.0.0 -Dquarkus.http.port=8081 -Dquarkus.management.port=9000 \
  -Dapicurio.datasource.url='jdbc:h2:file:/var/lib/registry/db;DB_CLOSE_ON_EXIT=FALSE' \
  -Dquarkus.log.level="${REGISTRY_LOG_LEVEL:-WARN}" -Dquarkus.http.access-log.enabled=false -Dquarkus.banner.enabled=false \
  -jar /opt/apicurio/quarkus-run.jar
