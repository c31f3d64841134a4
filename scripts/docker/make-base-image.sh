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

. "$(dirname "$0")/image-lib.sh"
image_options shoal-node-base:20 "$@"
keep_existing_image

node_bin=$(command -v node) || { echo "no node on PATH: install Node.js 20 first" >&2; exit 1; }
node_bin=$(readlink -f "$node_bin")
version=$("$node_bin" -p process.versions.node)
case $version in
  20.*) ;;
  *) echo "warning: node $version is not Node 20; the image is tagged $tag anyway" >&2 ;;
esac
busybox_bin=$(find_busybox)

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
install_busybox "$busybox_bin" "$root"
copy_libs "$busybox_bin" # nothing for busybox-static
ln -s /bin/busybox "$root/usr/bin/env"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\n' >"$root/etc/group"
printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"

import_root "$root" \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=$version" \
  --change "LABEL org.opencontainers.image.description=\"node $version and its libraries from $(hostname), busybox as /bin/sh\"" \
  --change 'CMD ["node"]'
echo "made $tag (node $version)"
