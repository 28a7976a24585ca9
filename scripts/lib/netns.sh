# A loopback-only network namespace in which Box's host names lead to the local emulator, over TLS.
# Sourced, not run (by scripts/bench and scripts/bench-read). Needs root, iproute2, openssl, stunnel4, util-linux.
#
# What it builds (issue 8, "The rclone side"):
# - `ip netns add boxfs-bench-<pid>` with only `lo` up: nothing in it can reach anything but itself.
# - /etc/netns/<name>/hosts mapping api.box.com, upload.box.com, account.box.com, app.box.com and dl.boxcloud.com
#   to 127.0.0.1, and a test CA plus a server certificate for those names, made here with openssl. The CA is
#   name-constrained to box.com and boxcloud.com, and its key is deleted with the run.
# - stunnel4 on 127.0.0.1:443 in the namespace, terminating TLS in front of the emulator's plain HTTP port.
#
# How commands join it (netns_exec): `nsenter --net` for the network, plus a fresh mount namespace that only
# overlays /etc/hosts and the CA bundle. `ip netns exec` would apply the hosts file too, but it makes every mount
# slave, so a FUSE mount made under it is invisible outside; `nsenter --net` alone keeps mounts visible but leaves
# the host's /etc/hosts (so api.box.com wouldn't resolve). The overlay namespace keeps the host's mounts, and the
# one directory given to netns_share_dir is a shared mount, so FUSE mounts made below it appear outside as well.
# Both overlays are on mounts made private first, so neither can propagate back to the host.
#
# Cleanup (netns_down, installed as an EXIT trap by netns_up): every process left in the namespace is ours (it
# has no other way in), so they are signalled by id; FUSE mounts under the shared directory are detached; the
# namespace, /etc/netns/<name> and the key material are removed. Leftovers of a run that was SIGKILLed are
# removed by the next netns_up (a namespace whose creating pid is gone).

NETNS_NAME=""
NETNS_DIR=""
NETNS_SHARED_DIRS=()
NETNS_HOSTS=(api.box.com upload.box.com account.box.com app.box.com dl.boxcloud.com)

# netns_up WORKDIR: create the namespace, hosts file, CA, certificate and CA bundle; install the cleanup trap.
netns_up() {
  local workdir=$1
  [ "$(id -u)" -eq 0 ] || die "the benchmark needs root (network namespaces, FUSE mounts)"
  netns_remove_stale
  NETNS_NAME="boxfs-bench-$$"
  NETNS_DIR="$workdir/netns"
  mkdir -p "$NETNS_DIR"
  trap netns_down EXIT
  trap 'exit 130' INT TERM

  ip netns add "$NETNS_NAME"
  ip -n "$NETNS_NAME" link set lo up
  mkdir -p "/etc/netns/$NETNS_NAME"
  {
    echo "127.0.0.1 localhost"
    echo "::1 localhost"
    echo "127.0.0.1 ${NETNS_HOSTS[*]}"
  } > "/etc/netns/$NETNS_NAME/hosts"
  netns_make_certificates
  cat /etc/ssl/certs/ca-certificates.crt "$NETNS_DIR/ca.pem" > "$NETNS_DIR/ca-bundle.pem"
  # Go (rclone), curl and Python honour SSL_CERT_FILE; swift-nio-ssl (boxfs) reads the overlaid system bundle.
  export SSL_CERT_FILE="$NETNS_DIR/ca-bundle.pem"
  say "network namespace $NETNS_NAME (loopback only; ${NETNS_HOSTS[*]} -> 127.0.0.1)"
}

netns_make_certificates() {
  local d=$NETNS_DIR san="" h
  for h in "${NETNS_HOSTS[@]}"; do san+="${san:+,}DNS:$h"; done
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -keyout "$d/ca.key" -out "$d/ca.pem" \
    -subj "/CN=boxfs benchmark test CA $$" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "nameConstraints=critical,permitted;DNS:box.com,permitted;DNS:boxcloud.com" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -keyout "$d/server.key" -out "$d/server.csr" -subj "/CN=api.box.com" 2>/dev/null
  printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' "$san" > "$d/server.ext"
  openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial -days 2 \
    -extfile "$d/server.ext" -out "$d/server.pem" 2>/dev/null
  rm -f "$d/ca.key" "$d/server.csr" "$d/ca.srl"   # nobody can sign with the CA after this
  chmod 600 "$d/server.key"
}

# netns_exec CMD...: run CMD in the namespace with the hosts file and CA bundle overlaid (see the header).
netns_exec() {
  # shellcheck disable=SC2016  # expanded by the inner shell
  nsenter --net="/var/run/netns/$NETNS_NAME" -- unshare --mount --propagation unchanged -- /bin/sh -c '
    set -e
    hosts=$1 bundle=$2 shared=$3; shift 3
    for target in /etc/hosts /etc/ssl/certs/ca-certificates.crt; do
      mount --make-private "$(findmnt -n -o TARGET -T "$target")"
    done
    mount --bind "$hosts" /etc/hosts
    mount --bind "$bundle" /etc/ssl/certs/ca-certificates.crt
    # This namespace copied every mount, other FUSE mounts too, and a copy keeps a FUSE connection open: an
    # unmount made outside would leave that daemon running until this command ends. Let go of them here (made
    # private first, with their parents, so the unmount stays in this namespace); the shared directory stays.
    findmnt -rn -o TARGET,FSTYPE | while read -r target type; do
      case $type in fuse|fuse.*|fuseblk) ;; *) continue ;; esac
      case $target/ in "$shared"/*) continue ;; esac
      mount --make-private "$(findmnt -n -o TARGET -T "$(dirname "$target")")" || continue
      mount --make-private "$target" && umount -l "$target" || true
    done
    exec "$@"' netns-exec "/etc/netns/$NETNS_NAME/hosts" "$NETNS_DIR/ca-bundle.pem" "${NETNS_SHARED_DIRS[0]:-/nonexistent}" "$@"
}

# netns_share_dir DIR: make DIR a shared mount, so FUSE mounts made below it inside netns_exec show outside.
netns_share_dir() {
  local dir=$1
  mkdir -p "$dir"
  mount --bind "$dir" "$dir"
  NETNS_SHARED_DIRS+=("$dir")
  mount --make-shared "$dir"
}

# netns_tls_proxy BACKEND_PORT: stunnel on 127.0.0.1:443 in the namespace, forwarding to 127.0.0.1:BACKEND_PORT.
netns_tls_proxy() {
  local port=$1 conf=$NETNS_DIR/stunnel.conf
  cat > "$conf" <<EOF
foreground = quiet
pid =
output = $NETNS_DIR/stunnel.log
debug = 4
socket = l:TCP_NODELAY=1
socket = r:TCP_NODELAY=1
[box]
accept = 127.0.0.1:443
connect = 127.0.0.1:$port
cert = $NETNS_DIR/server.pem
key = $NETNS_DIR/server.key
EOF
  nsenter --net="/var/run/netns/$NETNS_NAME" -- stunnel4 "$conf" & disown
  local i
  for i in $(seq 100); do
    nsenter --net="/var/run/netns/$NETNS_NAME" -- bash -c 'exec 3<>/dev/tcp/127.0.0.1/443' 2>/dev/null && return 0
    sleep 0.1
  done
  die "stunnel did not start; see $NETNS_DIR/stunnel.log"
}

# netns_down: the EXIT trap. Idempotent; never touches a process or mount that this run did not create.
netns_down() {
  local status=$? pids pid i dir mnt
  trap - EXIT
  if [ -n "$NETNS_NAME" ] && [ -e "/var/run/netns/$NETNS_NAME" ]; then
    for dir in "${NETNS_SHARED_DIRS[@]}"; do netns_unmount_below "$dir"; done
    netns_signal_all TERM
    for i in $(seq 50); do
      [ -z "$(ip netns pids "$NETNS_NAME" 2>/dev/null)" ] && break
      sleep 0.1
    done
    netns_signal_all KILL
    ip netns del "$NETNS_NAME" 2>/dev/null || true
  fi
  for dir in "${NETNS_SHARED_DIRS[@]}"; do
    netns_unmount_below "$dir"
    umount -l "$dir" 2>/dev/null || true
  done
  NETNS_SHARED_DIRS=()
  [ -n "$NETNS_NAME" ] && rm -rf "/etc/netns/$NETNS_NAME"
  [ -n "$NETNS_DIR" ] && rm -f "$NETNS_DIR/server.key" "$NETNS_DIR/ca.key"
  NETNS_NAME=""
  exit "$status"
}

netns_signal_all() {
  local pid
  for pid in $(ip netns pids "$NETNS_NAME" 2>/dev/null); do kill "-$1" "$pid" 2>/dev/null || true; done
}

# Detaches every mount strictly below DIR, deepest first (FUSE mounts whose daemon is gone included).
netns_unmount_below() {
  local dir=$1 mnt
  awk -v d="$dir/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r | while read -r mnt; do
    fusermount3 -u -z "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null || true
  done
}

# Namespaces of earlier runs that were killed before their trap ran (their creator's pid is gone).
netns_remove_stale() {
  local name pid
  for name in $(ip netns list 2>/dev/null | awk '{print $1}' | grep '^boxfs-bench-' || true); do
    pid=${name#boxfs-bench-}
    kill -0 "$pid" 2>/dev/null && continue
    say "removing stale namespace $name"
    for p in $(ip netns pids "$name" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
    ip netns del "$name" 2>/dev/null || true
    rm -rf "/etc/netns/$name"
  done
}
