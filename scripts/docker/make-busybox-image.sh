#!/bin/sh
# Makes busybox:local, the image the Docker tests and the compose journey run as tasks
# (`busybox httpd`, `sleep`, `sh`), from the machine's busybox-static: no registry needed.
#
#   scripts/docker/make-busybox-image.sh [--force] [TAG]     (default busybox:local)
#
# Without --force an existing TAG is kept.
set -eu

tag=busybox:local
force=
for arg in "$@"; do
  case $arg in
    --force) force=1 ;;
    -h | --help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "unknown option $arg (see --help)" >&2; exit 2 ;;
    *) tag=$arg ;;
  esac
done

docker=${DOCKER:-docker}
[ -z "${DOCKER:-}" ] && [ -x /usr/bin/docker ] && docker=/usr/bin/docker

if [ -z "$force" ] && "$docker" image inspect "$tag" >/dev/null 2>&1; then
  echo "$tag already exists (--force to make it again)"
  exit 0
fi

busybox_bin=$(command -v busybox) || { echo "no busybox on PATH: apt-get install busybox-static" >&2; exit 1; }
busybox_bin=$(readlink -f "$busybox_bin")
if ldd "$busybox_bin" >/dev/null 2>&1; then
  echo "$busybox_bin is dynamically linked: install busybox-static" >&2
  exit 1
fi

root=$(mktemp -d "${TMPDIR:-/tmp}/shoal-busybox.XXXXXX")
trap 'rm -rf "$root"' EXIT INT TERM
mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/www"
chmod 1777 "$root/tmp"
cp "$busybox_bin" "$root/bin/busybox"
for applet in $("$busybox_bin" --list); do
  [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done
tar --numeric-owner --owner=0 --group=0 -C "$root" -c . |
  "$docker" import --change 'ENV PATH=/bin' --change 'CMD ["sh"]' - "$tag" >/dev/null
echo "made $tag"
