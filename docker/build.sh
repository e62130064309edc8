#!/usr/bin/env bash
# Builds the Braid images locally, with nothing but the Maven and Debian registries:
#   braid/jre:17     Debian bookworm + OpenJDK 17 JRE (base/build-rootfs.sh: mmdebstrap + docker import)
#   braid/flink:2.2.1  Flink session cluster from Maven jars (flink/pom.xml)
#   braid/kafka:4.2.0  KRaft broker from Maven jars (kafka/pom.xml)
# Usage: docker/build.sh [--rebuild]    (--rebuild: the base image too, even when it exists)
# Run as root (mmdebstrap) with dockerd running. Env: FLINK_TAG, KAFKA_TAG, JRE_TAG, WORK_DIR.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
JRE_TAG="${JRE_TAG:-braid/jre:17}"
FLINK_TAG="${FLINK_TAG:-braid/flink:2.2.1}"
KAFKA_TAG="${KAFKA_TAG:-braid/kafka:4.2.0}"
WORK_DIR="${WORK_DIR:-/tmp/docker-work}"
rebuild=false
for arg in "$@"; do
  case "$arg" in
    --rebuild) rebuild=true ;;
    -h|--help) sed -n '2,9p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "build.sh: unknown argument $arg (use --rebuild)" >&2; exit 2 ;;
  esac
done

start=$SECONDS
export DOCKER_BUILDKIT=0
mkdir -p "$WORK_DIR"

# 1. The base image.
if $rebuild || ! docker image inspect "$JRE_TAG" >/dev/null 2>&1; then
  echo "== $JRE_TAG (mmdebstrap)"
  WORK_DIR="$WORK_DIR/rootfs" "$here/base/build-rootfs.sh" "$JRE_TAG"
else
  echo "== $JRE_TAG exists (use --rebuild to rebuild it)"
fi

# 2. Class paths from Maven, into a scratch build context each (the repository stays clean).
# The lock keeps this from running alongside another Maven build on the machine.
copy_deps() { # <pom> <output dir>
  rm -rf "$2"
  mkdir -p "$2"
  flock /tmp/mvn.lock mvn -B -q -Dstyle.color=never -f "$1" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$2" >"$2.mvn.log" 2>&1 || { cat "$2.mvn.log" >&2; exit 1; }
}

build_image() { # <tag> <source dir> <lib dir name>
  local tag="$1" src="$2" libname="$3"
  local ctx="$WORK_DIR/context-${src##*/}"
  echo "== $tag"
  rm -rf "$ctx"
  mkdir -p "$ctx"
  cp -a "$src"/. "$ctx"/
  rm -f "$ctx/pom.xml"
  copy_deps "$src/pom.xml" "$ctx/$libname"
  # Classic builder (DOCKER_BUILDKIT=0): its deprecation notice is dropped unless the build fails.
  docker build -q -t "$tag" "$ctx" >/dev/null 2>"$ctx.log" || { cat "$ctx.log" >&2; exit 1; }
}

build_image "$FLINK_TAG" "$here/flink" lib
build_image "$KAFKA_TAG" "$here/kafka" libs

echo "== built in $((SECONDS - start)) s"
docker image ls --format 'table {{.Repository}}:{{.Tag}}\t{{.ID}}\t{{.Size}}' \
  | grep -E "^(REPOSITORY|${JRE_TAG%%:*}:|${FLINK_TAG%%:*}:|${KAFKA_TAG%%:*}:)"
