#!/usr/bin/env bash
# Installs calsync: calsyncd and calsyncctl, the systemd unit, the journal catalog, the
# calsync user (sysusers.d) and the example configuration. See docs/operations.md.
#
#   scripts/install.sh [--prefix DIR] [--user] [--destdir DIR] [--no-build | --from DIR]
#   scripts/install.sh --uninstall [--purge] [--prefix DIR] [--user] [--destdir DIR]
#
# System (default, as root): binaries in PREFIX/bin (PREFIX=/usr/local), unit, catalog and
# sysusers snippet in /usr/local/lib (/usr/lib when PREFIX=/usr), configuration in
# /etc/calsync, store and tokens in /var/lib/calsync.
# --user: binaries in ~/.local/bin, unit in ~/.config/systemd/user, configuration in
# ~/.config/calsync (XDG_CONFIG_HOME is honoured); no root needed.
# --destdir DIR: stage everything under DIR (packaging, tests); nothing outside DIR is
# touched: no user is created, no ownership changed, systemd is not told.
# --no-build: install the release binaries already built; --from DIR: the binaries in DIR.
# Idempotent: a second run changes nothing and says so. An existing calsync.toml is never
# overwritten; one without accounts is created when there is none, so that the service
# starts (and idles) right after installation.
# --uninstall removes binaries, units, catalog and snippets; configuration, store and
# tokens stay unless --purge is given. The calsync user and group always stay.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
prefix="" user=0 uninstall=0 purge=0 destdir="" from="" build=1

usage() { sed -n '2,21s/^# \{0,1\}//p' "$0"; }
die() { echo "install.sh: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) [ $# -ge 2 ] || die "--prefix needs a directory"; prefix="$2"; shift 2 ;;
        --prefix=*) prefix="${1#*=}"; shift ;;
        --destdir) [ $# -ge 2 ] || die "--destdir needs a directory"; destdir="$2"; shift 2 ;;
        --destdir=*) destdir="${1#*=}"; shift ;;
        --from) [ $# -ge 2 ] || die "--from needs a directory"; from="$2"; build=0; shift 2 ;;
        --from=*) from="${1#*=}"; build=0; shift ;;
        --no-build) build=0; shift ;;
        --user) user=1; shift ;;
        --uninstall) uninstall=1; shift ;;
        --purge) purge=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument: $1" ;;
    esac
done
[ "$purge" = 0 ] || [ "$uninstall" = 1 ] || die "--purge goes with --uninstall"
if [ -n "$destdir" ]; then
    mkdir -p "$destdir"
    destdir="$(cd "$destdir" && pwd)"
    [ "$destdir" != / ] || destdir=""
fi
[ -z "$prefix" ] || [ "${prefix#/}" != "$prefix" ] || die "--prefix must be an absolute path"

# Where everything goes, as seen by the installed system (without DESTDIR).
if [ "$user" = 1 ]; then
    [ -n "${HOME:-}" ] || die "--user needs HOME"
    config_home="${XDG_CONFIG_HOME:-$HOME/.config}"
    data_home="${XDG_DATA_HOME:-$HOME/.local/share}"
    prefix="${prefix:-$HOME/.local}"
    unit_source="$repo/systemd/user/calsyncd.service"
    unit_dir="$config_home/systemd/user"
    conf_dir="$config_home/calsync"
    data_dir="$data_home/calsync"
    catalog_dir="" sysusers_dir="" credentials_dir=""
    conf_mode=0600 conf_dir_mode=0700
else
    prefix="${prefix:-/usr/local}"
    # systemd reads units, catalogs and sysusers snippets from /usr/lib and /usr/local/lib
    # only, so any prefix other than /usr puts them in /usr/local/lib.
    if [ "$prefix" = /usr ]; then lib=/usr/lib; else lib=/usr/local/lib; fi
    unit_source="$repo/systemd/calsyncd.service"
    unit_dir="$lib/systemd/system"
    catalog_dir="$lib/systemd/catalog"
    sysusers_dir="$lib/sysusers.d"
    conf_dir=/etc/calsync
    credentials_dir=/etc/calsync/credentials
    data_dir=/var/lib/calsync
    conf_mode=0640 conf_dir_mode=0755
fi
bin_dir="$prefix/bin"
mode_note=""
[ "$user" = 0 ] || mode_note=" (user)"
binaries=(calsyncd calsyncctl)

# Root-only steps run only for a real system installation.
real=1
[ -z "$destdir" ] || real=0
if [ "$user" = 0 ] && [ "$real" = 1 ] && [ "$(id -u)" -ne 0 ]; then
    die "a system installation needs root (or use --user, or --destdir DIR to stage)"
fi
systemd_running() { [ "$real" = 1 ] && command -v systemctl >/dev/null && [ -d /run/systemd/system ]; }
systemctl_() {
    if [ "$user" = 1 ]; then systemctl --user "$@"; else systemctl "$@"; fi
}

changed=0 unchanged=0
say() { echo "  $*"; }

# put SRC DEST MODE [GROUP]: installs SRC as DEST unless DEST already has that content
# and mode; GROUP (root-owned otherwise) only for a real system installation.
put() {
    local src="$1" dest="$destdir$2" mode="$3" group="${4:-}"
    local want_owner=""
    if [ "$real" = 1 ] && [ "$user" = 0 ]; then want_owner="root:${group:-root}"; fi
    if [ -f "$dest" ] && cmp -s "$src" "$dest" && [ "$(stat -c %a "$dest")" = "${mode#0}" ] \
        && { [ -z "$want_owner" ] || [ "$(stat -c %U:%G "$dest")" = "$want_owner" ]; }; then
        unchanged=$((unchanged + 1))
        return
    fi
    mkdir -p "$(dirname "$dest")"
    local verb=installed
    [ ! -e "$dest" ] || verb=updated
    # install(1) writes a new file and renames it: a running calsyncd keeps its old binary.
    if [ -n "$want_owner" ]; then
        install -m "$mode" -o "${want_owner%%:*}" -g "${want_owner##*:}" "$src" "$dest"
    else
        install -m "$mode" "$src" "$dest"
    fi
    say "$verb $2"
    changed=$((changed + 1))
}

# directory DIR MODE [OWNER GROUP]
directory() {
    local dir="$destdir$1" mode="$2" owner="${3:-}" group="${4:-}"
    [ "$real" = 1 ] || owner=""
    if [ -d "$dir" ] && [ "$(stat -c %a "$dir")" = "${mode#0}" ] \
        && { [ -z "$owner" ] || [ "$(stat -c %U:%G "$dir")" = "$owner:$group" ]; }; then
        unchanged=$((unchanged + 1))
        return
    fi
    local verb=created
    [ ! -d "$dir" ] || verb=fixed
    mkdir -p "$dir"
    chmod "$mode" "$dir"
    [ -z "$owner" ] || chown "$owner:$group" "$dir"
    say "$verb $1/ ($mode${owner:+ $owner:$group})"
    changed=$((changed + 1))
}

remove() {
    local path="$destdir$1"
    if [ -e "$path" ] || [ -L "$path" ]; then
        rm -rf -- "$path"
        say "removed $1"
        changed=$((changed + 1))
    fi
}

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

if [ "$uninstall" = 1 ]; then
    echo "calsync: uninstalling from $prefix$mode_note${destdir:+, staged under $destdir}"
    if systemd_running && systemctl_ cat calsyncd.service >/dev/null 2>&1; then
        systemctl_ disable --now calsyncd.service 2>&1 | sed 's/^/  /' || true
    fi
    for binary in "${binaries[@]}"; do remove "$bin_dir/$binary"; done
    remove "$unit_dir/calsyncd.service"
    remove "$conf_dir/calsync.toml.example"
    if [ "$user" = 0 ]; then
        if [ -e "$destdir$catalog_dir/calsync.catalog" ]; then
            remove "$catalog_dir/calsync.catalog"
            if [ "$real" = 1 ] && command -v journalctl >/dev/null; then journalctl --update-catalog || true; fi
        fi
        remove "$sysusers_dir/calsync.conf"
    fi
    if [ "$purge" = 1 ]; then
        remove "$conf_dir"
        remove "$data_dir"
        [ "$user" = 1 ] || remove /run/calsync
    else
        for kept in "$conf_dir" "$data_dir"; do
            [ ! -e "$destdir$kept" ] || say "kept $kept (remove it with --uninstall --purge)"
        done
    fi
    if [ "$user" = 0 ] && [ "$real" = 1 ] && getent passwd calsync >/dev/null; then
        say "kept the calsync user and group (userdel calsync removes them)"
    fi
    if systemd_running; then systemctl_ daemon-reload || true; fi
    if [ "$changed" = 0 ]; then echo "calsync: nothing to remove"; else echo "calsync: uninstalled ($changed removed)"; fi
    exit 0
fi

# The binaries: a release build with the Swift runtime linked in, so that they need only
# the C libraries (libcurl, libsqlite3, libsystemd) at run time.
if [ -n "$from" ]; then
    bin_source="$from"
else
    bin_source="$(cd "$repo" && swift build -c release --static-swift-stdlib --show-bin-path)"
    if [ "$build" = 1 ]; then
        echo "calsync: building (swift build -c release --static-swift-stdlib)"
        (cd "$repo" && swift build -c release --static-swift-stdlib --product calsyncd >&2 \
            && swift build -c release --static-swift-stdlib --product calsyncctl >&2)
    fi
fi
for binary in "${binaries[@]}"; do
    [ -x "$bin_source/$binary" ] || die "$bin_source/$binary is missing (build it, or drop --no-build)"
done

echo "calsync: installing into $prefix$mode_note${destdir:+, staged under $destdir}"

# The user and group first, so that files can be given to group calsync.
if [ "$user" = 0 ]; then
    put "$repo/systemd/sysusers.d/calsync.conf" "$sysusers_dir/calsync.conf" 0644
    if [ "$real" = 1 ] && ! getent passwd calsync >/dev/null; then
        if command -v systemd-sysusers >/dev/null; then
            systemd-sysusers "$sysusers_dir/calsync.conf"
        else
            getent group calsync >/dev/null || groupadd --system calsync
            useradd --system --gid calsync --home-dir "$data_dir" --no-create-home \
                --shell /usr/sbin/nologin --comment "calsync calendar sync daemon" calsync
        fi
        say "created the calsync user and group"
        changed=$((changed + 1))
    fi
fi

for binary in "${binaries[@]}"; do put "$bin_source/$binary" "$bin_dir/$binary" 0755; done

# The unit, with ExecStart= pointing at the binary just installed.
if [ "$user" = 1 ] && [ "$bin_dir" = "$HOME/.local/bin" ]; then
    exec_start="%h/.local/bin/calsyncd"
else
    exec_start="$bin_dir/calsyncd"
fi
sed -E "s|^ExecStart=[^ ]*calsyncd|ExecStart=$exec_start|" "$unit_source" > "$tmp/calsyncd.service"
grep -q "^ExecStart=$exec_start" "$tmp/calsyncd.service" || die "could not rewrite ExecStart= in $unit_source"
put "$tmp/calsyncd.service" "$unit_dir/calsyncd.service" 0644

catalog_changed=0
if [ "$user" = 0 ]; then
    before=$changed
    put "$repo/systemd/calsync.catalog" "$catalog_dir/calsync.catalog" 0644
    [ "$changed" = "$before" ] || catalog_changed=1
fi

# Configuration: the example is ours and always current; calsync.toml is the
# administrator's and is never touched once it exists.
directory "$conf_dir" "$conf_dir_mode"
put "$repo/etc/calsync.toml.example" "$conf_dir/calsync.toml.example" 0644
if [ -e "$destdir$conf_dir/calsync.toml" ]; then
    say "kept $conf_dir/calsync.toml (never overwritten)"
else
    cat > "$tmp/calsync.toml" <<TOML
# calsync configuration: no accounts yet, so calsyncd starts and idles.
# Add [[account]] tables (see calsync.toml.example beside this file and
# docs/configuration.md), then: calsyncctl check-config && systemctl reload calsyncd
TOML
    put "$tmp/calsync.toml" "$conf_dir/calsync.toml" "$conf_mode" calsync
fi
if [ "$user" = 0 ]; then
    # LoadCredential=secrets:/etc/calsync/credentials needs the directory to exist.
    directory "$credentials_dir" 0700
    # StateDirectory= creates it too, but `calsyncctl login` may run before the first start.
    directory "$data_dir" 0750 calsync calsync
fi

if [ "$real" = 1 ]; then
    if [ "$catalog_changed" = 1 ] && command -v journalctl >/dev/null; then
        journalctl --update-catalog && say "journalctl --update-catalog"
    fi
    if systemd_running; then
        systemctl_ daemon-reload && say "systemctl$([ "$user" = 0 ] || echo " --user") daemon-reload"
        if [ "$changed" != 0 ] && systemctl_ is-active --quiet calsyncd.service; then
            systemctl_ try-restart calsyncd.service && say "restarted calsyncd.service (it was running)"
        fi
    else
        say "systemd is not running here: no daemon-reload"
    fi
fi

if [ "$changed" = 0 ]; then
    echo "calsync: already installed, nothing changed ($unchanged items checked)"
else
    echo "calsync: $changed installed or updated, $unchanged unchanged"
fi
if [ "$real" = 1 ] && [ "$changed" != 0 ]; then
    if [ "$user" = 1 ]; then
        echo "next: edit $conf_dir/calsync.toml, calsyncctl login NAME, systemctl --user enable --now calsyncd"
    else
        echo "next: edit $conf_dir/calsync.toml, sudo -u calsync calsyncctl login NAME, systemctl enable --now calsyncd"
    fi
fi
