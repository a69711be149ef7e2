#!/usr/bin/env bash
# tools/setup_system.sh PACKAGE...      (`make system` runs it with the Makefile's list)
#
# Installs those Debian packages that this machine lacks, quietly, and copes with what a
# real machine does:
# - Only the missing ones (dpkg-query), plus python3-venv, python3-dev and npm when
#   $PYTHON (default python3) lacks venv/ensurepip or Python.h, or there is no npm; with
#   sudo when not root. Nothing missing: no apt-get at all.
# - Another apt or dpkg holding a package lock (unattended-upgrades on a new machine, a
#   second terminal): wait for it, at most APT_LOCK_TIMEOUT seconds (default 300), then
#   stop with one line. apt-get's own -o DPkg::Lock::Timeout only waits for the dpkg locks
#   of `install`; `apt-get update` fails at once on the lists lock (apt 2.6 and 3.0), so
#   this script probes every lock itself before each apt-get, and passes the timeout on
#   for the moment between the probe and apt-get.
# - A transient mirror error: apt-get update and apt-get install run once more (through
#   tools/retry.sh), then the script stops with one line saying what failed and what to do.
# Without dpkg (not Debian/Ubuntu) it names the packages to install by hand and succeeds.
#
# Environment: PYTHON, APT_LOCK_TIMEOUT, RETRY_DELAY and SETUP_LOG_DIR (tools/retry.sh),
# APT_LOCK_FILES (the locks to wait for; the tests point it elsewhere).
set -uo pipefail
here=$(dirname "${BASH_SOURCE[0]}")
# shellcheck source=tools/retry.sh
. "$here/retry.sh"

PYTHON=${PYTHON:-python3}
APT_LOCK_TIMEOUT=${APT_LOCK_TIMEOUT:-300}
APT_LOCK_FILES=${APT_LOCK_FILES:-/var/lib/dpkg/lock-frontend /var/lib/dpkg/lock \
/var/lib/apt/lists/lock /var/cache/apt/archives/lock}
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo

die() {
  echo "error: $*" >&4
  exit 1
}

if ! command -v dpkg-query >/dev/null; then
  echo "note: no dpkg here; install by hand: $*"
  exit 0
fi

pkgs=("$@")
"$PYTHON" -c 'import venv, ensurepip' 2>/dev/null || pkgs+=(python3-venv)
"$PYTHON" -c 'import os, sysconfig as s
assert os.path.exists(os.path.join(s.get_paths()["include"], "Python.h"))' 2>/dev/null ||
  pkgs+=(python3-dev)
command -v npm >/dev/null || pkgs+=(npm)

# "installed" only: dpkg -s also succeeds for a removed package whose config files remain.
missing=()
for p in "${pkgs[@]}"; do
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" = installed ] || missing+=("$p")
done
[ ${#missing[@]} -gt 0 ] || exit 0

# Prints "FILE (pid N)" and exits 0 if another process holds one of the locks. apt and
# dpkg lock with fcntl(F_SETLK), which flock(1) does not see; F_GETLK asks without taking
# the lock, so the probe never gets in apt's way.
probe='
import fcntl, os, struct, sys
for path in sys.argv[1:]:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        continue  # no lock file yet: nobody holds it
    query = struct.pack("hhqqi4x", fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0)  # struct flock
    kind, _, _, _, pid = struct.unpack("hhqqi4x", fcntl.fcntl(fd, fcntl.F_GETLK, query))
    os.close(fd)
    if kind != fcntl.F_UNLCK:
        print(f"{path} (pid {pid})")
        sys.exit(0)
sys.exit(1)
'

wait_for_locks() {
  local deadline=$((SECONDS + APT_LOCK_TIMEOUT)) held told=
  # shellcheck disable=SC2086  # APT_LOCK_FILES is a list of paths
  while held=$($SUDO "$PYTHON" -c "$probe" $APT_LOCK_FILES); do
    if [ "$SECONDS" -ge "$deadline" ]; then
      die "another apt/dpkg process still holds $held after ${APT_LOCK_TIMEOUT} s;" \
        "let it finish (or set APT_LOCK_TIMEOUT=seconds), then run make again"
    fi
    if [ -z "$told" ]; then
      echo "waiting for another apt/dpkg process to release $held (at most ${APT_LOCK_TIMEOUT} s)" >&3
      told=1
    fi
    sleep 1
  done
}

# One apt-get run, after waiting for the locks (its output goes to retry_once's log).
apt_get() {
  wait_for_locks
  $SUDO env DEBIAN_FRONTEND=noninteractive \
    apt-get -q -o DPkg::Lock::Timeout="$APT_LOCK_TIMEOUT" "$@"
}

echo "installing Debian packages: ${missing[*]}"
retry_once "apt-get update" "check the network and the apt sources, then run make again" \
  apt_get update || exit 1
retry_once "apt-get install" "check the error in the log, then run make again" \
  apt_get install -y --no-install-recommends "${missing[@]}" || exit 1
