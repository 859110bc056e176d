#!/usr/bin/env bash
# Prints the home of a JDK >= 21 (with javac), or fails with advice. Sourced or run by ./voxpipe.
set -u

java_major() { # $1 = path to a java binary
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -1 | cut -d. -f1
}

good_home() { # $1 = candidate JAVA_HOME
  local home="$1"
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 1
  local major; major=$(java_major "$home/bin/java")
  [ -n "$major" ] && [ "$major" -ge 21 ]
}

candidates() {
  [ -n "${JAVA_HOME:-}" ] && echo "$JAVA_HOME"
  if command -v javac >/dev/null 2>&1; then dirname "$(dirname "$(readlink -f "$(command -v javac)")")"; fi
  # Highest version first among the usual install locations.
  ls -d /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/*jdk* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* 2>/dev/null \
    | grep -v -- '-jre' | sort -t- -k2 -V -r
}

for home in $(candidates); do
  if good_home "$home"; then echo "$home"; exit 0; fi
done
echo "voxpipe: no JDK 21 or newer found (looked at \$JAVA_HOME, PATH and /usr/lib/jvm)." >&2
echo "         Install one (e.g. Temurin 21+) or set JAVA_HOME to it." >&2
exit 1
