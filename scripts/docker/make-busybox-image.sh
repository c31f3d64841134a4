#!/bin/sh
# Makes busybox:local, the image the Docker tests and the compose journey run as tasks
# (`busybox httpd`, `sleep`, `sh`), from the machine's busybox-static: no registry needed.
#
#   scripts/docker/make-busybox-image.sh [--force] [TAG]     (default busybox:local)
#
# Without --force an existing TAG is kept.
set -eu

. "$(dirname "$0")/image-lib.sh"
image_options busybox:local "$@"
keep_existing_image

busybox_bin=$(find_busybox)
if ldd "$busybox_bin" >/dev/null 2>&1; then
  echo "$busybox_bin is dynamically linked: install busybox-static" >&2
  exit 1
fi

root=$(mktemp -d "${TMPDIR:-/tmp}/shoal-busybox.XXXXXX")
trap 'rm -rf "$root"' EXIT INT TERM
mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/www"
chmod 1777 "$root/tmp"
install_busybox "$busybox_bin" "$root"
import_root "$root" --change 'ENV PATH=/bin' --change 'CMD ["sh"]'
echo "made $tag"
