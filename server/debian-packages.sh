# Sourced (POSIX sh with local): fetches Debian packages of any suite and architecture through a private
# apt configuration (this machine's own sources, lists and /etc/apt are left alone), without installing.
#   debian_mirror                          the Debian archive URI of this machine's apt sources
#   debian_packages DIR SUITE ARCH PKG...  downloads the newest PKG... of SUITE for ARCH into DIR/archives
#                                          (once: DIR is a cache) and prints their .deb files
#   debian_depends DIR SUITE ARCH PKG      the first package PKG depends on (a meta package's target)

# shellcheck disable=SC2086 # apt_opts is split into words on purpose

# The Debian archive and security archive URIs of this machine's apt sources (deb822 or one-line form).
debian_apt_uris() {
  { cat /etc/apt/sources.list.d/*.sources 2>/dev/null || true; } | awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }'
  { cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true; } \
    | awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; break } }'
}

debian_mirror() {
  debian_apt_uris | grep -E '/debian/?$' | head -1
}

# debian_apt DIR SUITE ARCH: sets apt_opts to apt's options for a private configuration under DIR (a
# path without spaces) for SUITE on ARCH, and updates its lists once a day.
debian_apt() {
  local dir=$1 suite=$2 arch=$3 mirror security keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  mirror=$(debian_mirror) || true
  [ -n "$mirror" ] || { echo "debian-packages: no Debian mirror in this machine's apt sources" >&2; return 2; }
  security=$(debian_apt_uris | grep -E '/debian-security/?$' | head -1 || true)
  mkdir -p "$dir/lists/partial" "$dir/archives/partial"
  {
    echo "deb [arch=$arch signed-by=$keyring] $mirror $suite main"
    echo "deb [arch=$arch signed-by=$keyring] $mirror $suite-updates main"
    [ -z "$security" ] || echo "deb [arch=$arch signed-by=$keyring] $security $suite-security main"
  } > "$dir/sources.list"
  apt_opts="-o Dir::Etc::SourceList=$dir/sources.list -o Dir::Etc::SourceParts=/dev/null
    -o Dir::State::Lists=$dir/lists -o Dir::Cache=$dir -o Dir::Cache::Archives=$dir/archives
    -o APT::Architecture=$arch -o APT::Architectures::=$arch"
  if [ -z "$(find "$dir/lists" -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -1)" ]; then
    apt-get -qq $apt_opts update
  fi
}

debian_depends() {
  debian_apt "$1" "$2" "$3" || return
  apt-cache $apt_opts depends "$4" | sed -n 's/^ *Depends: \([^ <]*\)$/\1/p' | head -1
}

debian_packages() {
  local dir=$1 suite=$2 arch=$3 package version deb
  shift 3
  debian_apt "$dir" "$suite" "$arch" || return
  for package in "$@"; do
    version=$(apt-cache $apt_opts policy "$package" | sed -n 's/^ *Candidate: //p')
    [ -n "$version" ] && [ "$version" != "(none)" ] \
      || { echo "debian-packages: $suite has no $package for $arch" >&2; return 1; }
    deb="$dir/archives/${package}_$(echo "$version" | sed 's/:/%3a/')"
    ls "${deb}_"*.deb >/dev/null 2>&1 \
      || (cd "$dir/archives" && apt-get -qq $apt_opts download "$package" 2>&1 | grep -v 'unsandboxed as root' || true)
    ls "${deb}_"*.deb
  done
}
