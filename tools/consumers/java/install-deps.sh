#!/usr/bin/env bash
# Make sure the Java consumer can build: a JDK (java + javac) and the Debian jars the generated
# `native` client needs. Idempotent: does nothing when all is there. Installs what is missing from
# Debian packages when run as root; otherwise fails with one line naming the packages.
# Silent when nothing is missing. Exit 0 = ready.
set -euo pipefail

JAR_DIR=${OAI_USAGE_JAVA_JAR_DIR:-/usr/share/java}

# jar (in $JAR_DIR) -> Debian package that ships it
declare -A JAR_PACKAGE=(
    [jackson-databind.jar]=libjackson2-databind-java
    [jackson-core.jar]=libjackson2-core-java
    [jackson-annotations.jar]=libjackson2-annotations-java
    [jakarta-annotation-api.jar]=libjakarta-annotation-api-java
)
JDK_PACKAGE=openjdk-17-jdk-headless

missing=()
if ! command -v java >/dev/null 2>&1 || ! command -v javac >/dev/null 2>&1; then
    missing+=("$JDK_PACKAGE")
fi
for jar in "${!JAR_PACKAGE[@]}"; do
    if [[ ! -f "$JAR_DIR/$jar" ]]; then
        missing+=("${JAR_PACKAGE[$jar]}")
    fi
done
if [[ ${#missing[@]} -eq 0 ]]; then
    exit 0
fi

mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
if [[ $(id -u) -ne 0 ]]; then
    echo "install-deps.sh: missing Debian packages; as root run: apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
fi

echo "install-deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends "${missing[@]}" >&2; then
    # a fresh machine may have no package lists yet, or stale ones
    apt-get update >&2
    apt-get install -y --no-install-recommends "${missing[@]}" >&2
fi

for jar in "${!JAR_PACKAGE[@]}"; do
    if [[ ! -f "$JAR_DIR/$jar" ]]; then
        echo "install-deps.sh: $JAR_DIR/$jar still missing after installing ${JAR_PACKAGE[$jar]}" >&2
        exit 1
    fi
done
command -v javac >/dev/null 2>&1 || { echo "install-deps.sh: javac still missing after installing $JDK_PACKAGE" >&2; exit 1; }
