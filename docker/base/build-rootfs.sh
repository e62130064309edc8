#!/usr/bin/env bash
# Builds braid/jre:17: a minimal Debian bookworm root filesystem with the OpenJDK 17 headless JRE,
# made with mmdebstrap from the Debian mirror (no container registry needed) and loaded with
# `docker import`. Run as root (mmdebstrap's root mode) with dockerd up.
#   base/build-rootfs.sh [tag]          default tag: braid/jre:17
# Env: DEBIAN_MIRROR (default http://deb.debian.org/debian), WORK_DIR (default /tmp/docker-work/rootfs)
set -euo pipefail

TAG="${1:-braid/jre:17}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SECURITY="${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
WORK_DIR="${WORK_DIR:-/tmp/docker-work/rootfs}"
TARBALL="$WORK_DIR/bookworm-jre17.tar"

command -v mmdebstrap >/dev/null || { echo "mmdebstrap missing: apt-get install -y mmdebstrap" >&2; exit 1; }
ARCH="$(dpkg --print-architecture)"
mkdir -p "$WORK_DIR"
rm -f "$TARBALL"

# openjdk's postinst links its man page with update-alternatives, so /usr/share/man/man1 must
# exist although man pages are excluded (the essential hook creates it).
# bash: entrypoint scripts; procps: ps/pgrep for health checks; ca-certificates: TLS to brokers;
# tini: PID 1 that forwards signals and reaps zombies. Docs, man pages and locales are dropped.
mmdebstrap \
  --variant=minbase \
  --mode=root \
  --format=tar \
  --include=openjdk-17-jre-headless,bash,procps,ca-certificates,tini \
  --aptopt='APT::Install-Recommends "false"' \
  --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --dpkgopt='path-exclude=/usr/share/info/*' \
  --essential-hook='mkdir -p "$1"/usr/share/man/man1' \
  --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/* "$1"/var/log/*.log' \
  bookworm "$TARBALL" \
  "deb $MIRROR bookworm main" \
  "deb $MIRROR bookworm-updates main" \
  "deb $SECURITY bookworm-security main"

docker import \
  --change "ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-$ARCH" \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'CMD ["/bin/bash"]' \
  --message "Debian bookworm + openjdk-17-jre-headless (mmdebstrap)" \
  "$TARBALL" "$TAG"
rm -f "$TARBALL"
docker run --rm --network none "$TAG" java -version
