# What the image scripts in this directory share (sourced, not run): their options, the
# engine client, keeping an existing tag, and a root filesystem made of this machine's busybox.
#
# After `image_options DEFAULT_TAG "$@"`: $tag and $force are set, and $docker is the client.

# Prints the script's header comment (lines 2 up to the first line that is not a comment).
image_usage() {
  sed -n '2,/^[^#]/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
}

image_options() {
  tag=$1
  shift
  force=
  for arg in "$@"; do
    case $arg in
      --force) force=1 ;;
      -h | --help) image_usage; exit 0 ;;
      -*) echo "unknown option $arg (see --help)" >&2; exit 2 ;;
      *) tag=$arg ;;
    esac
  done
  # Debian's engine client; another `docker` earlier on PATH may not match the engine.
  docker=${DOCKER:-docker}
  if [ -z "${DOCKER:-}" ] && [ -x /usr/bin/docker ]; then docker=/usr/bin/docker; fi
}

# Without --force an image that exists already is kept: says so and ends the script.
keep_existing_image() {
  if [ -z "$force" ] && "$docker" image inspect "$tag" >/dev/null 2>&1; then
    echo "$tag already exists (--force to make it again)"
    exit 0
  fi
}

# The real path of busybox on PATH, or an error that says what to install.
find_busybox() {
  bin=$(command -v busybox) || { echo "no busybox on PATH: apt-get install busybox-static" >&2; exit 1; }
  readlink -f "$bin"
}

# Puts busybox at ROOT/bin/busybox and links every applet it has next to it.
install_busybox() {
  cp -L "$1" "$2/bin/busybox"
  for applet in $("$1" --list); do
    [ -e "$2/bin/$applet" ] || ln -s busybox "$2/bin/$applet"
  done
}

# Imports directory ROOT as image $tag, owned by root; further arguments go to `docker import`.
import_root() {
  root_dir=$1
  shift
  tar --numeric-owner --owner=0 --group=0 -C "$root_dir" -c . | "$docker" import "$@" - "$tag" >/dev/null
}
