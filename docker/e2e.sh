#!/usr/bin/env bash
# The end-to-end tier: Braid's job jars on a real cluster of containers (e2e/, ClusterE2ETest).
# As root on Debian, from a checkout: installs Docker and mmdebstrap from Debian where missing,
# starts dockerd where none answers (no bridge, no iptables: every container uses the host
# network), builds the images (docker/build.sh), installs this build's artifacts, then runs e2e/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if ! command -v dockerd >/dev/null 2>&1 || ! command -v mmdebstrap >/dev/null 2>&1; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io mmdebstrap
fi
if ! docker info >/dev/null 2>&1; then
  dockerd --iptables=false --ip-forward=false --ip-masq=false --bridge=none >/tmp/braid-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { echo "e2e.sh: dockerd did not start; see /tmp/braid-dockerd.log" >&2; exit 1; }
fi

docker/build.sh
mvn -B -q install -DskipTests
mvn -B -Pe2e -pl e2e verify
