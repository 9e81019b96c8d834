#!/bin/sh
# Install (or upgrade to) jeugdtoegang @VERSION@ for every user of this computer.
#
#   sudo ./install.sh [--settings FILE]      unattended; run from the unpacked folder
#
# Program files go to /opt/jeugdtoegang/@VERSION@ with /opt/jeugdtoegang/current pointing to
# it; commands in /usr/local/bin; the menu entry and icon in /usr/share. --settings FILE
# installs the machine-wide settings file as /etc/jeugdtoegang/settings.toml. User data
# (databases, backups, logs in ~/.local/share/jeugdtoegang) are never touched; the first
# start of a newer version upgrades a database after making a backup beside it.
# DESTDIR=/some/root installs below another root (for packaging and tests).
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
root="${DESTDIR:-}"
version="@VERSION@"
settings=""
while [ $# -gt 0 ]; do
    case "$1" in
        --settings) settings="$2"; shift 2 ;;
        *) echo "onbekende optie: $1" >&2; exit 2 ;;
    esac
done
target="$root/opt/jeugdtoegang/$version"
mkdir -p "$target" "$root/usr/local/bin" "$root/usr/share/applications" \
         "$root/usr/share/icons/hicolor/256x256/apps"
cp -a "$here/." "$target/"
ln -sfn "$version" "$root/opt/jeugdtoegang/current"
ln -sf /opt/jeugdtoegang/current/jeugdtoegang "$root/usr/local/bin/jeugdtoegang"
ln -sf /opt/jeugdtoegang/current/jeugdtoegang-gui "$root/usr/local/bin/jeugdtoegang-gui"
install -m 0644 "$here/jeugdtoegang.desktop" "$root/usr/share/applications/jeugdtoegang.desktop"
install -m 0644 "$here/jeugdtoegang.png" "$root/usr/share/icons/hicolor/256x256/apps/jeugdtoegang.png"
if [ -n "$settings" ]; then
    mkdir -p "$root/etc/jeugdtoegang"
    install -m 0644 "$settings" "$root/etc/jeugdtoegang/settings.toml"
fi
if [ -z "$root" ] && command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q /usr/share/applications || true
fi
if ! (ldconfig -p 2>/dev/null | grep -q "libpq.so.5"); then
    echo "let op: libpq (Debian/Ubuntu: libpq5) ontbreekt; nodig voor een PostgreSQL-server van het team" >&2
fi
echo "jeugdtoegang $version geïnstalleerd in $target"
