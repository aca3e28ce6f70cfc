#!/bin/bash
# package-test.sh CURRENT.deb PREVIOUS.deb: installs liandong into Debian 12 roots made with
# debootstrap and runs it there as an administrator would (Deploy/README.md): install the previous
# build, init a county, import the catalog and calendar, serve with the installed config, back up,
# doctor, check the units with systemd-analyze verify, upgrade to the current build (conffile kept,
# node intact), restore the encrypted backup into a fresh root, then remove and purge.
#
# The bookworm root is made once and cached in $LIANDONG_TEST_ROOT (default
# /var/cache/liandong-test-root, outside the clone); each run copies it. Needs root.
set -euo pipefail
current=$(realpath "$1")
previous=$(realpath "$2")
here=$(cd "$(dirname "$0")" && pwd)
examples=$(dirname "$here")/examples
cache=${LIANDONG_TEST_ROOT:-/var/cache/liandong-test-root}
mirror=${LIANDONG_DEBIAN_MIRROR:-http://deb.debian.org/debian}
roots=()
servers=()

step() { printf '\n== %s\n' "$*"; }
fail() { printf 'PACKAGE TEST FAILED: %s\n' "$*" >&2; exit 1; }

cleanup() {
    for pid in "${servers[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
    for root in "${roots[@]:-}"; do
        [ -n "$root" ] || continue
        umount "$root/proc" 2>/dev/null || true
        rm -rf "$root"
    done
}
trap cleanup EXIT

[ "$(id -u)" -eq 0 ] || fail "needs root (chroot, dpkg -i into a root): run it with sudo"

if [ ! -x "$cache/usr/bin/systemd-analyze" ]; then
    step "making the Debian 12 root $cache from $mirror (once; later runs reuse it)"
    rm -rf "$cache.partial"
    if ! debootstrap --variant=minbase \
        --include=libsqlite3-0,libcurl4,libmicrohttpd12,libssl3,zlib1g,libqrencode4,systemd,passwd \
        bookworm "$cache.partial" "$mirror" >/tmp/liandong-debootstrap.log 2>&1; then
        tail -5 /tmp/liandong-debootstrap.log >&2
        fail "debootstrap could not make a bookworm root from $mirror (log: /tmp/liandong-debootstrap.log); set LIANDONG_DEBIAN_MIRROR to a reachable mirror"
    fi
    mv "$cache.partial" "$cache"
fi

# The cached root must hold every library the package depends on; one it lacks (a dependency
# added since the cache was made) is installed into the cache once, from the mirror.
needed=$(dpkg-deb -f "$current" Depends | tr ',' '\n' | sed 's/(.*//; s/|.*//; s/ //g' | grep -v '^$')
missing=""
for package in $needed; do
    chroot "$cache" dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing="$missing $package"
done
if [ -n "$missing" ]; then
    step "adding$missing to the cached root"
    cp /etc/resolv.conf "$cache/etc/resolv.conf"
    chroot "$cache" apt-get update -qq || fail "the cached root cannot reach its mirror to add$missing"
    DEBIAN_FRONTEND=noninteractive chroot "$cache" apt-get install -y -qq --no-install-recommends $missing \
        || fail "could not add$missing to the cached root"
    chroot "$cache" apt-get clean
fi

# A fresh copy of the cached root in $root, with /proc mounted when the kernel lets us. Not called
# in $(…): the cleanup list must grow in this shell.
fresh_root() {
    root=$(mktemp -d /var/tmp/liandong-pkgtest.XXXXXX)
    roots+=("$root")
    cp -a "$cache/." "$root/"
    mount -t proc proc "$root/proc" 2>/dev/null || true
}

# Runs a command inside root as the liandong user (the service's user), or as root with -r.
as_service() { local root=$1; shift; chroot --userspec=liandong:liandong "$root" env HOME=/var/lib/liandong "$@"; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# GET http://127.0.0.1:PORT/PATH with bash's /dev/tcp: no client needed on the host.
http_get() {
    local port=$1 path=$2
    exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
    printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$path" >&3
    cat <&3
    exec 3<&-
}

# Starts `liandong serve` in root with the installed config only; waits for /healthz naming code.
start_serve() {
    local root=$1 port=$2 code=$3
    chroot --userspec=liandong:liandong "$root" /usr/bin/liandong serve >"$root/tmp/serve.log" 2>&1 &
    servers+=($!)
    for _ in $(seq 1 100); do
        if http_get "$port" /healthz 2>/dev/null | grep -q "\"$code\""; then return 0; fi
        sleep 0.1
    done
    cat "$root/tmp/serve.log" >&2
    fail "serve did not answer /healthz on port $port"
}

stop_serve() {
    local pid=${servers[-1]}
    kill -TERM "$pid"
    wait "$pid" || fail "serve did not stop cleanly on SIGTERM"
    unset 'servers[-1]'
}

step "install the previous build into a fresh Debian 12 root"
fresh_root
a=$root
cp "$previous" "$current" "$a/tmp/"
cp "$examples/catalog.json" "$examples/calendar-2026.json" "$a/tmp/"
chroot "$a" dpkg -i "/tmp/$(basename "$previous")"
chroot "$a" getent passwd liandong >/dev/null || fail "no liandong user"
for dir in /var/lib/liandong /var/backups/liandong; do
    [ "$(chroot "$a" stat -c '%a %U' "$dir")" = "700 liandong" ] || fail "$dir is $(chroot "$a" stat -c '%a %U' "$dir"), expected 700 liandong"
done
grep -qx /etc/liandong/liandong.conf "$a/var/lib/dpkg/info/liandong.conffiles" || fail "liandong.conf is not a conffile"
chroot "$a" ldd /usr/bin/liandong | grep -q "not found" && fail "the binary misses a library in Debian 12"
chroot "$a" ldd /usr/bin/liandong | grep -qi swift && fail "the binary links a Swift runtime library"

step "the units pass systemd-analyze verify"
chroot "$a" systemd-analyze verify /lib/systemd/system/liandong.service /lib/systemd/system/liandong-backup.service \
    /lib/systemd/system/liandong-backup.timer /lib/systemd/system/liandong-verify.service /lib/systemd/system/liandong-verify.timer
[ -L "$a/etc/systemd/system/multi-user.target.wants/liandong.service" ] || fail "liandong.service is not enabled"
[ -L "$a/etc/systemd/system/timers.target.wants/liandong-backup.timer" ] || fail "the backup timer is not enabled"

step "before init, serve (what the unit runs) shows the setup page on loopback"
port=$(free_port)
sed -i "s/^listen = .*/listen = 127.0.0.1:$port/" "$a/etc/liandong/liandong.conf"
chroot --userspec=liandong:liandong "$a" /usr/bin/liandong serve >"$a/tmp/setup.log" 2>&1 &
servers+=($!)
for _ in $(seq 1 100); do http_get "$port" / 2>/dev/null | grep -q "初始化本节点" && break; sleep 0.1; done
http_get "$port" / | grep -q "初始化本节点" || { cat "$a/tmp/setup.log" >&2; fail "no setup page before init"; }
stop_serve

step "init a county with the installed config (as root, as the guide says), publish catalog and calendar"
chroot "$a" liandong init --role county --code 330106 --name 西湖区政务服务中心
[ "$(chroot "$a" stat -c '%U %a' /var/lib/liandong/node.key)" = "liandong 600" ] || fail "node.key is not the service user's, 0600"
as_service "$a" liandong catalog import /tmp/catalog.json
as_service "$a" liandong calendar set /tmp/calendar-2026.json
items=$(as_service "$a" liandong catalog list --json | grep -c '"code"' || true)

step "serve with nothing but the installed config; back up while it runs; doctor"
start_serve "$a" "$port" 330106
as_service "$a" liandong backup
ls -l "$a/var/backups/liandong/" | grep -q -- '-rw-------' || fail "the backup is not 0600"
as_service "$a" liandong doctor || fail "doctor found something to do on a fresh, serving county"
refusal=$(as_service "$a" liandong restore --from "$(ls "$a"/var/backups/liandong/*.ldbk | head -1 | sed "s|^$a||")" 2>&1 || true)
echo "$refusal"
grep -q "正被运行中的 liandong serve 使用" <<<"$refusal" || fail "restore was not refused while serve runs"
stop_serve

step "upgrade to the current build: conffile kept, node intact"
chroot "$a" dpkg -i --force-confold "/tmp/$(basename "$current")"
grep -q "listen = 127.0.0.1:$port" "$a/etc/liandong/liandong.conf" || fail "the upgrade replaced the administrator's config"
as_service "$a" liandong verify
[ "$(as_service "$a" liandong catalog list --json | grep -c '"code"' || true)" = "$items" ] || fail "the upgrade lost catalog items"
start_serve "$a" "$port" 330106
printf 'passphrase kept at the county\n' > "$a/etc/liandong/backup.passphrase"
chroot "$a" chown liandong "/etc/liandong/backup.passphrase"
chmod 600 "$a/etc/liandong/backup.passphrase"
as_service "$a" liandong backup --passphrase-file /etc/liandong/backup.passphrase --to /var/backups/liandong/county-encrypted.ldbk
as_service "$a" liandong backup check /var/backups/liandong/county-encrypted.ldbk --passphrase-file /etc/liandong/backup.passphrase
stop_serve

step "restore the encrypted backup on a new PC (a fresh root)"
fresh_root
b=$root
cp "$current" "$b/tmp/"
chroot "$b" dpkg -i "/tmp/$(basename "$current")"
sed -i "s/^listen = .*/listen = 127.0.0.1:$port/" "$b/etc/liandong/liandong.conf"
cp "$a/var/backups/liandong/county-encrypted.ldbk" "$a/etc/liandong/backup.passphrase" "$b/tmp/"
chroot "$b" liandong restore --from /tmp/county-encrypted.ldbk --passphrase-file /tmp/backup.passphrase
as_service "$b" liandong verify
[ "$(as_service "$b" liandong catalog list --json | grep -c '"code"' || true)" = "$items" ] || fail "the restored node lost catalog items"
start_serve "$b" "$port" 330106
stop_serve

step "remove keeps the data; purge says what it leaves"
chroot "$b" dpkg -r liandong
[ -e "$b/var/lib/liandong/node.key" ] || fail "dpkg -r removed the node's data"
[ -e "$b/etc/liandong/liandong.conf" ] || fail "dpkg -r removed the conffile"
chroot "$b" dpkg -P liandong | tee "$b/tmp/purge.log"
grep -q "/var/lib/liandong" "$b/tmp/purge.log" || fail "purge did not say what it left"
[ ! -e "$b/etc/liandong" ] || fail "purge left /etc/liandong"
[ -e "$b/var/lib/liandong/liandong.sqlite" ] || fail "purge removed the node's data"

printf '\npackage test passed: %s (upgraded from %s)\n' "$(basename "$current")" "$(basename "$previous")"
