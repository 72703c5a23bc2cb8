# Sourced by mirror.sh and netboot-iso.sh: a private apt configuration (its own sources, lists, cache and an
# empty dpkg status under $cache_root/debian-apt) for main and main/debian-installer of $suite, so the
# machine's own apt state is never touched. Exports APT_CONFIG and sets $lists, the package lists
# directory; the lists are re-read when older than a day or when MIRROR_REFRESH=1.
# Needs: $suite, $archive, log(), die().
command -v apt-get >/dev/null || die "apt-get is missing; these scripts need a Debian machine"
apt_dir="${ROOTFS_CACHE_DIR:-$HOME/.cache/rootfs-operator}/debian-apt"
mkdir -p "$apt_dir"/{etc/apt.conf.d,etc/preferences.d,etc/sources.list.d,etc/trusted.gpg.d} \
  "$apt_dir"/state/lists/partial "$apt_dir"/cache/archives/partial
touch "$apt_dir/state/status"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[[ -f "$keyring" ]] || die "$keyring is missing; install debian-archive-keyring"
echo "deb [signed-by=$keyring] $archive $suite main main/debian-installer" >"$apt_dir/etc/sources.list"
cat >"$apt_dir/apt.conf" <<APT
Dir::Etc "$apt_dir/etc";
Dir::State "$apt_dir/state";
Dir::State::status "$apt_dir/state/status";
Dir::Cache "$apt_dir/cache";
APT::Architecture "amd64";
APT::Architectures { "amd64"; };
APT::Sandbox::User "root";
APT
export APT_CONFIG="$apt_dir/apt.conf"
lists="$apt_dir/state/lists"
if [[ -z "$(find "$lists" -maxdepth 1 -name '*_debian-installer_binary-amd64_Packages' -mmin -1440)" ||
  "${MIRROR_REFRESH:-0}" == 1 ]]; then
  log "reading the package lists of $archive $suite"
  apt-get update -qq >&2 || die "apt-get update failed for $archive; check the machine reaches the Debian archive"
fi
