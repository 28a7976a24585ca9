# Shared by scripts/*: locating the toolchain and installing what boxfs needs on Debian.
# Sourced, not run.

repo_root() { cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd; }

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Debian packages the build, the mount and the tests need.
BOXFS_APT_PACKAGES=(
  pkg-config libfuse3-dev fuse3 libssl-dev libsqlite3-dev   # build + mount
  openssl sqlite3 attr rsync curl iproute2 psmisc vim tar   # tests drive the mount with ordinary tools
  strace                                                    # test_read counts ls -l's xattr calls
  rclone stunnel4 fio                                       # rclone side by side (TLS in a netns), scripts/bench
  systemd                                                   # systemd-analyze verify of scripts/systemd's units
)

ensure_swift() {
  if ! command -v swift >/dev/null 2>&1; then
    [ -x /opt/swift/usr/bin/swift ] && export PATH="/opt/swift/usr/bin:$PATH"
  fi
  command -v swift >/dev/null 2>&1 || die "the Swift toolchain (6.x) is not on PATH; install it from swift.org first"
}

ensure_packages() {
  local missing=()
  for p in "${BOXFS_APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing Debian packages: ${missing[*]}"
    local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  if ! python3 -c 'import pytest' 2>/dev/null; then
    say "installing pytest"
    python3 -m pip install -q pytest
  fi
}

# FUSE must really work: the tests mount for real, so a machine without it fails here, loudly.
ensure_fuse() {
  [ -e /dev/fuse ] || modprobe fuse 2>/dev/null || true
  [ -e /dev/fuse ] || die "/dev/fuse is missing: this machine cannot mount FUSE filesystems (load the fuse module or run the container with --device /dev/fuse)"
  command -v fusermount3 >/dev/null 2>&1 || die "fusermount3 is missing (package fuse3)"
}
