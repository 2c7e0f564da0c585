# Sourced (POSIX sh with local): fetches Debian packages of any suite and architecture through a private
# apt configuration (this machine's own sources, lists and /etc/apt are left alone), without installing.
#   debian_mirror                          the Debian archive URI of this machine's apt sources
#   debian_packages DIR SUITE ARCH PKG...  downloads the newest PKG... of SUITE for ARCH into DIR/archives
#                                          (once: DIR is a cache) and prints their .deb files
#   debian_depends DIR SUITE ARCH PKG      the first package PKG depends on (a meta package's target)
#   debian_root ROOT DIR SUITE ARCH PKG... unpacks PKG... and every package they depend on (no recommends,
#                                          as on an empty system) into ROOT, without maintainer scripts,
#                                          with merged-/usr links; again only when that set changed

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
    -o APT::Architecture=$arch -o APT::Architectures::=$arch -o Dir::State::status=$dir/status"
  [ -f "$dir/status" ] || : > "$dir/status" # nothing installed: this machine's packages are not the target's
  if [ -z "$(find "$dir/lists" -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -1)" ]; then
    apt-get -qq $apt_opts update
  fi
}

debian_depends() {
  debian_apt "$1" "$2" "$3" || return
  apt-cache $apt_opts depends "$4" | sed -n 's/^ *Depends: \([^ <]*\)$/\1/p' | head -1
}

# debian_deb DIR PACKAGE VERSION: the downloaded .deb of that version (fails when there is none).
debian_deb() {
  ls "$1/archives/${2}_$(echo "$3" | sed 's/:/%3a/')_"*.deb 2>/dev/null
}

# debian_fetch DIR: reads "package version" lines, downloads those not yet in DIR/archives in one apt
# call, and prints the .deb file of each (apt_opts set by debian_apt).
debian_fetch() {
  local dir=$1 list missing package version
  list=$(cat)
  missing=$(echo "$list" | while read -r package version; do
    debian_deb "$dir" "$package" "$version" >/dev/null || echo "$package=$version"
  done)
  [ -z "$missing" ] \
    || (cd "$dir/archives" && apt-get -qq $apt_opts download $missing 2>&1 | grep -v 'unsandboxed as root' || true)
  echo "$list" | while read -r package version; do
    debian_deb "$dir" "$package" "$version" || { echo "debian-packages: downloading $package $version failed" >&2; exit 1; }
  done
}

debian_packages() {
  local dir=$1 suite=$2 arch=$3 package version list=""
  shift 3
  debian_apt "$dir" "$suite" "$arch" || return
  for package in "$@"; do
    version=$(apt-cache $apt_opts policy "$package" | sed -n 's/^ *Candidate: //p')
    [ -n "$version" ] && [ "$version" != "(none)" ] \
      || { echo "debian-packages: $suite has no $package for $arch" >&2; return 1; }
    list="$list$package $version
"
  done
  printf %s "$list" | debian_fetch "$dir"
}

debian_root() {
  local root=$1 dir=$2 suite=$3 arch=$4 list debs deb d
  shift 4
  debian_apt "$dir" "$suite" "$arch" || return
  list=$(apt-get $apt_opts -s --no-install-recommends install "$@" | sed -n 's/^Inst \([^ ]*\) (\([^ ]*\) .*/\1 \2/p') \
    && [ -n "$list" ] || { echo "debian-packages: cannot resolve $* in $suite for $arch" >&2; return 1; }
  [ "$(cat "$root/.packages" 2>/dev/null)" != "$list" ] || return 0
  debs=$(echo "$list" | debian_fetch "$dir") || return
  rm -rf "$root.new" && mkdir -p "$root.new"
  for deb in $debs; do dpkg-deb -x "$deb" "$root.new" || return; done
  for d in bin sbin lib; do # merged /usr: the dynamic loader is looked up as /lib/ld-linux-aarch64.so.1, say
    if [ -d "$root.new/$d" ] && [ ! -L "$root.new/$d" ]; then
      mkdir -p "$root.new/usr/$d" && cp -a "$root.new/$d/." "$root.new/usr/$d/" && rm -rf "$root.new/$d"
    fi
    [ -L "$root.new/$d" ] || ln -s "usr/$d" "$root.new/$d"
  done
  echo "$list" > "$root.new/.packages"
  rm -rf "$root" && mv "$root.new" "$root"
}
