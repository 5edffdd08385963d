#!/usr/bin/env bash
# `make debian12-check`: CI's test steps (.ci/run) on a clone of the current commit, in a
# clean Debian 12 made from Debian's packages with only Python 3.11, make and git.
# Needs root (debootstrap, mounts, chroot). The clean root is built once and kept; each
# run works on an overlay of it, so what .ci/run installs never reaches the next run.
set -euo pipefail

# The second half: run by the first in a mount namespace of its own, with its own process
# ids, so the mounts vanish and every process started inside ends when the check ends.
if [ "${1:-}" = --inside ]; then
	clean=$2 run=$3 downloads=$4 repo=$5 commit=$6
	root=$run/root
	mount -t overlay overlay -o "lowerdir=$clean,upperdir=$run/upper,workdir=$run/work" "$root"
	mount -t proc proc "$root/proc"
	mount -t sysfs sysfs "$root/sys"
	mount --bind /dev "$root/dev"
	mount --bind /dev/pts "$root/dev/pts"
	mount -t tmpfs -o mode=1777 shm "$root/dev/shm"
	mkdir -p "$root/root/.cache/pip" "$root/root/.npm"
	mount --bind "$downloads/apt" "$root/var/cache/apt/archives"
	mount --bind "$downloads/pip" "$root/root/.cache/pip"
	mount --bind "$downloads/npm" "$root/root/.npm"

	# The host's network settings: its name servers, and the certificate authorities it adds
	# to Debian's (a network that inspects TLS needs them to reach the package registries).
	cp -L /etc/resolv.conf "$root/etc/resolv.conf"
	if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
		cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
		chroot "$root" update-ca-certificates >/dev/null
	fi

	git clone --quiet --no-hardlinks "$repo" "$root/src"
	git -C "$root/src" checkout --quiet --detach "$commit"
	echo "Running .ci/run on ${commit:0:12} in Debian $(cat "$root/etc/debian_version")."

	# A clean environment, as a CI container's: only the variables that point tools at the
	# certificate authorities or a proxy are the host's.
	keep=()
	for name in NODE_EXTRA_CA_CERTS PIP_CERT SSL_CERT_FILE REQUESTS_CA_BUNDLE http_proxy https_proxy no_proxy; do
		if [ -n "${!name:-}" ]; then keep+=("$name=${!name}"); fi
	done
	chroot "$root" /usr/bin/env -i "${keep[@]}" HOME=/root LANG=C.UTF-8 CI=true \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		bash -c 'cd /src && bash .ci/run' </dev/null
	exit 0
fi

repo=$(git rev-parse --show-toplevel)
# Under _build, which the build (exclude_patterns), the hooks and the tests' copies pass by:
# the root holds device files and a whole system.
cache=${DEBIAN12_CACHE:-$repo/_build/debian12}
mirror=${DEBIAN12_MIRROR:-http://deb.debian.org/debian}
# What a contributor is told to have, and nothing more: the rest must come from the project.
packages=python3,python3-venv,python3-pip,make,git,ca-certificates
clean=$cache/root
commit=$(git -C "$repo" rev-parse HEAD)

if [ "$(id -u)" != 0 ]; then
	echo "debian12-check needs root: it builds a Debian root and runs it with chroot." >&2
	exit 1
fi
if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no)" ]; then
	echo "Note: uncommitted changes are not checked; the check clones commit ${commit:0:12}."
fi

# The root counts as built once debootstrap finished with this package list.
if [ "$(cat "$cache/root.packages" 2>/dev/null)" != "$packages" ]; then
	echo "Building a clean Debian 12 root in $clean (once; a few minutes)."
	rm -rf "$clean" "$cache/root.packages"
	mkdir -p "$cache"
	debootstrap --variant=minbase --include="$packages" bookworm "$clean" "$mirror"
	# The suites of a Debian 12 image: security updates too, as a container has them.
	rm -f "$clean/etc/apt/sources.list"
	cat >"$clean/etc/apt/sources.list.d/debian.sources" <<-EOF
		Types: deb
		URIs: $mirror
		Suites: bookworm bookworm-updates
		Components: main
		Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

		Types: deb
		URIs: ${mirror%/debian}/debian-security
		Suites: bookworm-security
		Components: main
		Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
	EOF
	chroot "$clean" apt-get clean
	echo "$packages" >"$cache/root.packages"
fi

# One run at a time: each begins by removing the last one's overlay.
exec 9>"$cache/lock"
flock --nonblock 9 || { echo "Another debian12-check is running on $cache." >&2; exit 1; }

# Each run: a fresh overlay on the clean root; downloads (apt, pip, npm) kept between runs.
run=$cache/run
rm -rf "$run"
mkdir -p "$run"/{upper,work,root} "$cache"/downloads/{apt/partial,pip,npm}

if unshare --mount --pid --fork --kill-child "$0" --inside "$clean" "$run" "$cache/downloads" "$repo" "$commit" </dev/null; then
	echo "debian12-check: .ci/run passed on ${commit:0:12} in a clean Debian 12."
else
	status=$?
	echo "debian12-check: .ci/run FAILED on ${commit:0:12} in a clean Debian 12 (exit $status)." >&2
	exit $status
fi
