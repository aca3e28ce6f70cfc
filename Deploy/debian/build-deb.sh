#!/bin/sh
# build-deb.sh BINARY VERSION OUTDIR: packs a release liandong binary into liandong_VERSION_ARCH.deb
# with dpkg-deb. Depends is computed by dpkg-shlibdeps from the libraries the binary links, so the
# package asks for exactly Debian's runtime libraries (the Swift runtime is linked statically).
set -eu
binary=$1
version=$2
outdir=$3
here=$(cd "$(dirname "$0")" && pwd)
deploy=$(dirname "$here")
arch=$(dpkg --print-architecture)
work=$(mktemp -d /tmp/liandong-deb.XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/root

install -d "$root/DEBIAN" "$root/usr/bin" "$root/etc/liandong" "$root/lib/systemd/system" "$root/usr/share/doc/liandong"
install -m 0755 "$binary" "$root/usr/bin/liandong"
# Symbols are not needed on a village PC; stripping makes the package several times smaller.
if command -v strip >/dev/null 2>&1; then strip --strip-unneeded "$root/usr/bin/liandong"; fi
install -m 0644 "$here/liandong.conf" "$root/etc/liandong/liandong.conf"
for unit in "$deploy"/systemd/*.service "$deploy"/systemd/*.timer; do
    install -m 0644 "$unit" "$root/lib/systemd/system/"
done
install -m 0644 "$deploy/README.md" "$root/usr/share/doc/liandong/README.md"
install -m 0644 "$here/copyright" "$root/usr/share/doc/liandong/copyright"
for script in postinst prerm postrm; do install -m 0755 "$here/$script" "$root/DEBIAN/$script"; done
echo /etc/liandong/liandong.conf > "$root/DEBIAN/conffiles"

# dpkg-shlibdeps reads debian/control from the current directory.
mkdir -p "$work/shlibs/debian"
printf 'Source: liandong\n\nPackage: liandong\nArchitecture: any\n' > "$work/shlibs/debian/control"
depends=$(cd "$work/shlibs" && dpkg-shlibdeps -O "$root/usr/bin/liandong" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "dpkg-shlibdeps found no dependencies for $binary" >&2; exit 1; }
size=$(du -sk "$root" | cut -f1)

cat > "$root/DEBIAN/control" <<CONTROL
Package: liandong
Version: $version
Architecture: $arch
Maintainer: liandong maintainers <liandong@localhost>
Section: net
Priority: optional
Installed-Size: $size
Depends: $depends, passwd
Description: county / township / village government service case sync (联动)
 One binary for every tier of a county's government service system: each node keeps its
 cases in SQLite and exchanges a signed, hash-chained change log with its parent.
 Installs the liandong service (hardened systemd unit), a daily backup timer and a weekly
 verify timer; the node is set up with "liandong init".
CONTROL

mkdir -p "$outdir"
deb="$outdir/liandong_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
