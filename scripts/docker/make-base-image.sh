#!/bin/sh
# Makes the Node base image that scripts/docker/Dockerfile starts FROM (shoal-node-base:20),
# out of this machine's own node binary and the libraries it links, for machines that cannot
# reach an image registry. With a registry, skip this and build with
# `--build-arg NODE_BASE=node:20-bookworm-slim` instead.
#
#   scripts/docker/make-base-image.sh [--force] [TAG]
#
# The image holds: /usr/local/bin/node, every library `ldd node` lists (at the same paths),
# and busybox (static, from the busybox-static package) as /bin/sh and the usual applets.
# Without --force an existing TAG is kept.
set -eu

tag=shoal-node-base:20
force=
for arg in "$@"; do
  case $arg in
    --force) force=1 ;;
    -h | --help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "unknown option $arg (see --help)" >&2; exit 2 ;;
    *) tag=$arg ;;
  esac
done

# Debian's engine client; another `docker` earlier on PATH may not match the engine.
docker=${DOCKER:-docker}
[ -z "${DOCKER:-}" ] && [ -x /usr/bin/docker ] && docker=/usr/bin/docker

if [ -z "$force" ] && "$docker" image inspect "$tag" >/dev/null 2>&1; then
  echo "$tag already exists (--force to make it again)"
  exit 0
fi

node_bin=$(command -v node) || { echo "no node on PATH: install Node.js 20 first" >&2; exit 1; }
node_bin=$(readlink -f "$node_bin")
version=$("$node_bin" -p process.versions.node)
case $version in
  20.*) ;;
  *) echo "warning: node $version is not Node 20; the image is tagged $tag anyway" >&2 ;;
esac
busybox_bin=$(command -v busybox) || { echo "no busybox on PATH: apt-get install busybox-static" >&2; exit 1; }
busybox_bin=$(readlink -f "$busybox_bin")

root=$(mktemp -d "${TMPDIR:-/tmp}/shoal-node-base.XXXXXX")
trap 'rm -rf "$root"' EXIT INT TERM

# Copies the libraries a binary links (as ldd resolves them) to the same paths under $root.
copy_libs() {
  ldd "$1" 2>/dev/null | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }' | while read -r lib; do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
}

mkdir -p "$root/usr/local/bin" "$root/bin" "$root/usr/bin" "$root/etc" "$root/root" "$root/tmp"
chmod 1777 "$root/tmp"
cp -L "$node_bin" "$root/usr/local/bin/node"
copy_libs "$node_bin"
cp -L "$busybox_bin" "$root/bin/busybox"
copy_libs "$busybox_bin" # nothing for busybox-static
for applet in $("$busybox_bin" --list); do
  [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done
ln -s /bin/busybox "$root/usr/bin/env"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\n' >"$root/etc/group"
printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"

tar --numeric-owner --owner=0 --group=0 -C "$root" -c . |
  "$docker" import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "ENV NODE_VERSION=$version" \
    --change "LABEL org.opencontainers.image.description=\"node $version and its libraries from $(hostname), busybox as /bin/sh\"" \
    --change 'CMD ["node"]' \
    - "$tag" >/dev/null
echo "made $tag (node $version)"
