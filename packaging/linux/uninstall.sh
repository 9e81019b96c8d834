#!/bin/sh
# Remove jeugdtoegang from this computer (all versions under /opt/jeugdtoegang).
#
#   sudo /opt/jeugdtoegang/current/uninstall.sh [--keep-settings]
#
# Users' data (databases, backups, logs in ~/.local/share/jeugdtoegang) are NOT removed:
# youth dossiers have a legal retention period; removing them is a decision of the
# municipality, not of an uninstaller. DESTDIR works as in install.sh.
set -eu
root="${DESTDIR:-}"
keep_settings=""
[ "${1:-}" = "--keep-settings" ] && keep_settings=1
rm -f "$root/usr/local/bin/jeugdtoegang" "$root/usr/local/bin/jeugdtoegang-gui"
rm -f "$root/usr/share/applications/jeugdtoegang.desktop"
rm -f "$root/usr/share/icons/hicolor/256x256/apps/jeugdtoegang.png"
rm -rf "$root/opt/jeugdtoegang"
[ -z "$keep_settings" ] && rm -rf "$root/etc/jeugdtoegang"
echo "jeugdtoegang verwijderd (gebruikersgegevens zijn bewaard)"
