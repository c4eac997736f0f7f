#!/usr/bin/env bash
# Installs the Hearth .deb on THIS machine, checks it, upgrades it over a database full of chats, then removes
# and purges it, checking that no chat is lost on the way. It changes the system (packages under /opt and /usr,
# apt dependencies), so run it on a disposable machine or container as root, never in CI.
#
#   installer/check-install.sh                  build version V (the pom's) and V+patch, then check
#   OLD_DEB=a.deb NEW_DEB=b.deb installer/check-install.sh   check two prebuilt packages (NEW must be newer)
#
# Chats live in a throwaway home under installer/target/check-install/, never in the caller's own data folder.
# Exit 0 when every check passes; otherwise the first failed check is printed and the exit code is 1.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
work="$here/target/check-install"

fail() { echo "check-install: FAILED: $*" >&2; exit 1; }
step() { echo; echo "== $*"; }
ok() { echo "   ok: $*"; }

[[ "$(id -u)" == 0 ]] || fail "run as root (it installs a package with apt-get/dpkg)."
command -v apt-get >/dev/null && command -v dpkg >/dev/null || fail "needs a Debian-based system (apt-get and dpkg)."
if dpkg-query -W -f '${Status}' hearth 2>/dev/null | grep -q 'ok installed'; then
  fail "a hearth package is already installed here; this check would replace it. Remove it first (apt-get remove hearth)."
fi

rm -rf "$work"
mkdir -p "$work"

if [[ -z "${OLD_DEB:-}" || -z "${NEW_DEB:-}" ]]; then
  [[ -n "${JAVA_HOME:-}" ]] || fail "set JAVA_HOME to a JDK 25 to build the packages (or pass OLD_DEB and NEW_DEB)."
  command -v fakeroot >/dev/null || fail "building a .deb needs fakeroot: apt-get install -y fakeroot"
  version="$(sed -n 's:.*<version>\([0-9][0-9.]*\)</version>.*:\1:p' "$root/pom.xml" | head -1)"
  newer="${version%.*}.$(( ${version##*.} + 1 ))"
  for v in "$version" "$newer"; do
    step "building the .deb for version $v"
    start=$SECONDS
    (cd "$root" && ./mvnw -q -Pdeb -DskipTests -Dhearth.package.version="$v" -pl installer -am package)
    cp "$here/target/deb/hearth_${v}_amd64.deb" "$work/"
    ok "hearth_${v}_amd64.deb, $(du -m "$work/hearth_${v}_amd64.deb" | cut -f1) MB, built in $(( SECONDS - start )) s"
  done
  OLD_DEB="$work/hearth_${version}_amd64.deb"
  NEW_DEB="$work/hearth_${newer}_amd64.deb"
fi
OLD_DEB="$(realpath "$OLD_DEB")"
NEW_DEB="$(realpath "$NEW_DEB")"
old_version="$(dpkg-deb -f "$OLD_DEB" Version)"
new_version="$(dpkg-deb -f "$NEW_DEB" Version)"
dpkg --compare-versions "$new_version" gt "$old_version" || fail "$NEW_DEB ($new_version) is not newer than $OLD_DEB ($old_version)."

step "maintainer scripts leave user data alone"
for deb in "$OLD_DEB" "$NEW_DEB"; do
  scripts="$work/scripts-$(basename "$deb" .deb)"
  dpkg-deb -e "$deb" "$scripts"
  # Any mention of a home, the data folder or the database in a command run as root is a finding (comments aside).
  if grep -n -v -E '^[[:space:]]*#' "$scripts"/{preinst,postinst,prerm,postrm} | grep -E 'HOME|~|\.local|hearth\.db|/home/|/root|XDG_DATA'; then
    fail "a maintainer script of $(basename "$deb") refers to user data (lines above)."
  fi
done
ok "preinst, postinst, prerm and postrm of both packages never name a home or data folder"

# The user whose chats must survive: a fresh home, the default data folder inside it.
export HOME="$work/home"
unset HEARTH_HOME XDG_DATA_HOME DISPLAY WAYLAND_DISPLAY
data="$HOME/.local/share/hearth"
mkdir -p "$HOME"

step "installing $(basename "$OLD_DEB")"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$OLD_DEB" >"$work/apt-install.log" 2>&1 \
  || { tail -20 "$work/apt-install.log"; fail "apt-get install $(basename "$OLD_DEB")"; }
[[ "$(dpkg-query -W -f '${Version}' hearth)" == "$old_version" ]] || fail "dpkg does not list hearth $old_version as installed."
[[ "$(readlink /usr/bin/hearth)" == /opt/hearth/bin/hearth ]] || fail "/usr/bin/hearth does not point at /opt/hearth/bin/hearth."
[[ -f /usr/share/applications/hearth.desktop ]] || fail "the menu entry /usr/share/applications/hearth.desktop is missing."
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate /usr/share/applications/hearth.desktop || fail "desktop-file-validate rejects hearth.desktop."
  ok "desktop-file-validate accepts /usr/share/applications/hearth.desktop"
else
  echo "   (desktop-file-validate not installed: apt-get install desktop-file-utils to check the menu entry too)"
fi
icons=$(ls /usr/share/icons/hicolor/*/apps/hearth.png 2>/dev/null | wc -l)
[[ "$icons" == 7 ]] || fail "expected the icon in 7 sizes under /usr/share/icons/hicolor, found $icons."
[[ -f /opt/hearth/lib/share/doc/hearth/LICENSE-llama3.1.txt && -f /opt/hearth/lib/share/doc/hearth/NOTICE ]] \
  || fail "the Llama 3.1 license and NOTICE are not in /opt/hearth/lib/share/doc/hearth."
ok "hearth $old_version installed: /usr/bin/hearth, menu entry, 7 icon sizes, Llama license"

step "hearth --self-test ($old_version)"
hearth --self-test | tee "$work/self-test-old.txt"
grep -q "(Hearth $old_version)" "$work/self-test-old.txt" || fail "the self-test did not run Hearth $old_version."
[[ ! -e "$data" ]] || fail "the self-test created the data folder $data."
ok "passed and left the data folder alone"

step "filling the database with chats"
conversations=150
{
  echo "["
  for ((c = 1; c <= conversations; c++)); do
    (( c > 1 )) && echo ","
    printf '{"id":"00000000-0000-4000-8000-%012d","title":"Chat %d: 暖炉のそばで","created":"2026-01-%02dT10:00:00Z","updated":"2026-01-%02dT10:06:00Z","pinned":%s,"model":null,"system_prompt":null,"sampling":null,"current_leaf":"m-%d-6","messages":[' \
      "$c" "$c" $(( c % 28 + 1 )) $(( c % 28 + 1 )) "$([[ $((c % 10)) == 0 ]] && echo true || echo false)" "$c"
    for ((m = 1; m <= 6; m++)); do
      (( m > 1 )) && printf ','
      parent=$([[ $m == 1 ]] && echo null || echo "\"m-$c-$((m - 1))\"")
      role=$([[ $((m % 2)) == 1 ]] && echo user || echo assistant)
      printf '{"id":"m-%d-%d","parent":%s,"role":"%s","content":"Message %d of chat %d — the kettle sings; やかんが歌う %d.","created":"2026-01-%02dT10:0%d:00Z","status":"complete","model":null,"tokens":null,"tokens_per_second":null,"stop_reason":null,"error":null}' \
        "$c" "$m" "$parent" "$role" "$m" "$c" "$((c * m))" $(( c % 28 + 1 )) "$m"
    done
    printf ']}'
  done
  echo "]"
} >"$work/chats.json"
hearth chats import "$work/chats.json"
hearth chats list --json >"$work/list-before.json"
hearth chats export --format json --out "$work/export-before.json"
hearth db check
listed=$(grep -o '"id"' "$work/list-before.json" | wc -l)
[[ "$listed" == "$conversations" ]] || fail "expected $conversations conversations after the import, chats list shows $listed."
ok "$conversations conversations, $((conversations * 6)) messages in $data/hearth.db ($(du -k "$data/hearth.db" | cut -f1) KB)"

step "upgrading to $(basename "$NEW_DEB")"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$NEW_DEB" >"$work/apt-upgrade.log" 2>&1 \
  || { tail -20 "$work/apt-upgrade.log"; fail "apt-get install $(basename "$NEW_DEB")"; }
[[ "$(dpkg-query -W -f '${Version}' hearth)" == "$new_version" ]] || fail "dpkg does not list hearth $new_version after the upgrade."
hearth --self-test | tee "$work/self-test-new.txt"
grep -q "(Hearth $new_version)" "$work/self-test-new.txt" || fail "the self-test did not run Hearth $new_version."
hearth chats list --json >"$work/list-after.json"
hearth chats export --format json --out "$work/export-after.json"
hearth db check
cmp -s "$work/list-before.json" "$work/list-after.json" || fail "chats list differs after the upgrade: diff $work/list-before.json $work/list-after.json"
cmp -s "$work/export-before.json" "$work/export-after.json" || fail "the full export differs after the upgrade: diff $work/export-{before,after}.json"
ok "hearth $new_version: every conversation and message is identical (chats list and full JSON export)"

step "removing, then purging the package"
sum_before="$(sha256sum "$data/hearth.db" | cut -d' ' -f1)"
DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq hearth >"$work/apt-remove.log" 2>&1 || fail "apt-get remove hearth"
dpkg --purge hearth >>"$work/apt-remove.log" 2>&1 || fail "dpkg --purge hearth"
[[ ! -e /opt/hearth && ! -e /usr/bin/hearth && ! -e /usr/share/applications/hearth.desktop ]] \
  || fail "something of the package is left: $(ls -d /opt/hearth /usr/bin/hearth /usr/share/applications/hearth.desktop 2>/dev/null)"
[[ -z "$(ls /usr/share/icons/hicolor/*/apps/hearth.png 2>/dev/null)" ]] || fail "icons are left under /usr/share/icons/hicolor."
[[ -f "$data/hearth.db" ]] || fail "the database $data/hearth.db is gone after uninstalling."
[[ "$(sha256sum "$data/hearth.db" | cut -d' ' -f1)" == "$sum_before" ]] || fail "the database changed while uninstalling."
ok "package, command, menu entry and icons gone; $data/hearth.db untouched (sha256 unchanged)"

step "the kept data opens again (the old package unpacked with dpkg -x)"
dpkg -x "$OLD_DEB" "$work/unpacked"
"$work/unpacked/opt/hearth/bin/hearth" chats list --json >"$work/list-reopened.json"
cmp -s "$work/list-before.json" "$work/list-reopened.json" || fail "chats list differs when reopened after uninstalling."
ok "all $conversations conversations are there"

echo
echo "check-install: all checks passed ($old_version -> $new_version, $conversations chats kept)."
