"""Set-up on a real machine: tools/setup_system.sh, tools/retry.sh and requirements.lock.

The scripts run for real, with fake ``apt-get``, ``dpkg-query`` and ``sudo`` first on
PATH (no network, nothing installed): a mirror that fails once (one retry, then set-up
goes on) or always (exit 1, one line on stderr), and a package lock held by another
process (set-up waits for it; with a small timeout it stops with one line). The lock is
checked against the Pythons the project admits (3.11.2, 3.12, 3.13) with the packages'
own Requires-Python, as far as this environment has them installed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
SETUP = ROOT / "tools" / "setup_system.sh"
RETRY = ROOT / "tools" / "retry.sh"
LOCK = ROOT / "requirements.lock"

PACKAGES = ["libcairo2-dev", "fonts-noto-cjk", "dvisvgm"]
# What the script may add on its own (python3-venv, python3-dev: the venv's Python; npm).
EXTRAS = ["python3-venv", "python3-dev", "npm"]

# apt-get as a mirror would answer: FAKE_FAIL_UPDATE / FAKE_FAIL_INSTALL = how many of the
# first calls fail. Every call is logged with its time, to $FAKE_DIR/calls.
FAKE_APT_GET = r"""#!/usr/bin/env bash
echo "$(date +%s.%N) $*" >>"$FAKE_DIR/calls"
for a; do case $a in update | install) sub=$a; break ;; esac; done
n=$(($(cat "$FAKE_DIR/n-$sub" 2>/dev/null || echo 0) + 1))
echo $n >"$FAKE_DIR/n-$sub"
fails=FAKE_FAIL_${sub^^}
if [ "$n" -le "${!fails:-0}" ]; then
  echo "Err:1 http://deb.debian.org/debian bookworm InRelease"
  echo "E: Failed to fetch http://deb.debian.org/debian/dists/bookworm/InRelease ($sub)" >&2
  exit 100
fi
echo "apt-get $sub: ok"
"""
# dpkg-query -W -f='${db:Status-Status}' NAME: "installed" for the names in $FAKE_INSTALLED.
FAKE_DPKG_QUERY = r"""#!/usr/bin/env bash
name=${!#}
for p in $FAKE_INSTALLED; do [ "$p" = "$name" ] && { printf installed; exit 0; }; done
echo "dpkg-query: no packages found matching $name" >&2
exit 1
"""
FAKE_SUDO = '#!/usr/bin/env bash\nexec "$@"\n'
FAKE_NPM = "#!/usr/bin/env bash\nexit 0\n"

# Holds an fcntl lock on argv[1], as apt and dpkg do, for argv[2] seconds; writes the time
# it lets go into argv[3] just before.
HOLD_LOCK = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o640)
fcntl.lockf(fd, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
with open(sys.argv[3], "w") as f:
    f.write(repr(time.time()))
os.close(fd)
"""


@pytest.fixture
def machine(tmp_path):
    """A fake Debian: returns run(env=..., timeout=...) for setup_system.sh."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, text in [
        ("apt-get", FAKE_APT_GET),
        ("dpkg-query", FAKE_DPKG_QUERY),
        ("sudo", FAKE_SUDO),
        ("npm", FAKE_NPM),
    ]:
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    locks = [tmp_path / "lock-frontend", tmp_path / "lists-lock"]

    def run(packages=PACKAGES, installed=(), script=SETUP, args=None, **env):
        full = {
            **os.environ,
            "PATH": f"{bin_dir}:{os.environ['PATH']}",
            "PYTHON": sys.executable,
            "FAKE_DIR": str(tmp_path),
            "FAKE_INSTALLED": " ".join(installed),
            "APT_LOCK_FILES": " ".join(map(str, locks)),
            "APT_LOCK_TIMEOUT": "20",
            "RETRY_DELAY": "0",
            "SETUP_LOG_DIR": str(tmp_path / "logs"),
            **env,
        }
        return subprocess.run(
            [str(script), *(packages if args is None else args)],
            env=full,
            capture_output=True,
            text=True,
            timeout=30,
        )

    run.calls = lambda: _calls(tmp_path / "calls")
    run.locks = locks
    run.dir = tmp_path
    return run


def _calls(path: Path) -> list[tuple[float, list[str]]]:
    """The fake apt-get's calls: (time, arguments)."""
    if not path.exists():
        return []
    rows = [line.split() for line in path.read_text().splitlines()]
    return [(float(row[0]), row[1:]) for row in rows]


def _subcommands(calls) -> list[str]:
    return [next(a for a in args if a in ("update", "install")) for _, args in calls]


def _installed_by(calls) -> list[str]:
    (args,) = [args for _, args in calls if "install" in args]
    return [a for a in args[args.index("install") + 1 :] if not a.startswith("-")]


# --- tools/setup_system.sh ----------------------------------------------------------


def test_nothing_missing_runs_no_apt_get(machine):
    result = machine(installed=PACKAGES + EXTRAS)
    assert result.returncode == 0, result.stderr
    assert machine.calls() == []
    assert result.stdout == result.stderr == ""


def test_installs_only_the_missing_packages_quietly_without_recommends(machine):
    result = machine(installed=["dvisvgm", *EXTRAS])
    assert result.returncode == 0, result.stderr
    calls = machine.calls()
    assert _subcommands(calls) == ["update", "install"]
    assert _installed_by(calls) == ["libcairo2-dev", "fonts-noto-cjk"]
    install = calls[1][1]
    assert "--no-install-recommends" in install and "-y" in install
    assert "-o" in install and "DPkg::Lock::Timeout=20" in install
    # One line of progress; apt-get's own output is in the log, not on the terminal.
    assert result.stdout == "installing Debian packages: libcairo2-dev fonts-noto-cjk\n"
    assert result.stderr == ""
    log = (machine.dir / "logs" / "setup-apt-get-install.log").read_text()
    assert "apt-get install: ok" in log


def test_a_transient_update_error_is_retried_once(machine):
    result = machine(installed=EXTRAS, FAKE_FAIL_UPDATE="1")
    assert result.returncode == 0, result.stderr
    assert _subcommands(machine.calls()) == ["update", "update", "install"]
    assert _installed_by(machine.calls()) == PACKAGES
    retries = [line for line in result.stdout.splitlines() if "retrying once" in line]
    assert len(retries) == 1 and retries[0].startswith("apt-get update failed (E: Failed")
    assert result.stderr == ""


def test_a_persistent_update_error_stops_with_one_line(machine):
    result = machine(installed=EXTRAS, FAKE_FAIL_UPDATE="99")
    assert result.returncode == 1
    assert _subcommands(machine.calls()) == ["update", "update"]  # tried twice, no install
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    log = machine.dir / "logs" / "setup-apt-get-update.log"
    assert lines[0] == (
        "error: apt-get update failed twice: E: Failed to fetch "
        "http://deb.debian.org/debian/dists/bookworm/InRelease (update) "
        f"(log: {log}); check the network and the apt sources, then run make again"
    )
    assert log.read_text().count("== attempt") == 2


def test_a_persistent_install_error_stops_with_one_line(machine):
    result = machine(installed=EXTRAS, FAKE_FAIL_INSTALL="99")
    assert result.returncode == 1
    assert _subcommands(machine.calls()) == ["update", "install", "install"]
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: apt-get install failed twice: E: Failed to fetch")
    assert lines[0].endswith("then run make again")


def _hold(lock: Path, seconds: float, released: Path) -> subprocess.Popen:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(lock), str(seconds), str(released)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline() == "locked\n"
    return holder


def test_waits_for_another_apt_to_release_the_lock(machine):
    released = machine.dir / "released"
    holder = _hold(machine.locks[1], 3, released)
    try:
        start = time.monotonic()
        result = machine(installed=EXTRAS)
        took = time.monotonic() - start
    finally:
        holder.wait(timeout=10)
    assert result.returncode == 0, result.stderr
    assert took >= 2.5
    # apt-get ran only after the other process had let go of the lock.
    first_call = machine.calls()[0][0]
    assert first_call >= float(released.read_text())
    assert _subcommands(machine.calls()) == ["update", "install"]
    waiting = [line for line in result.stdout.splitlines() if line.startswith("waiting")]
    assert waiting == [
        f"waiting for another apt/dpkg process to release {machine.locks[1]} "
        f"(pid {holder.pid}) (at most 20 s)"
    ]


def test_a_lock_held_past_the_timeout_stops_with_one_line(machine):
    holder = _hold(machine.locks[0], 30, machine.dir / "released")
    try:
        start = time.monotonic()
        result = machine(installed=EXTRAS, APT_LOCK_TIMEOUT="1")
        took = time.monotonic() - start
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 1
    assert took < 10
    assert machine.calls() == []  # never ran apt-get while the lock was held
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0] == (
        f"error: another apt/dpkg process still holds {machine.locks[0]} (pid {holder.pid}) "
        "after 1 s; let it finish (or set APT_LOCK_TIMEOUT=seconds), then run make again"
    )


# --- tools/retry.sh (pip install, npm pack) ---------------------------------------

FLAKY = """
n=$(($(cat "$FAKE_DIR/n" 2>/dev/null || echo 0) + 1)); echo $n >"$FAKE_DIR/n"
echo "Collecting soupsieve==4.1.2"
if [ "$n" -le "$FAILS" ]; then
  echo "ERROR: Could not find a version that satisfies the requirement soupsieve==4.1.2"
  echo "ERROR: No matching distribution found for soupsieve==4.1.2" >&2
  exit 1
fi
"""


def _retry(machine, *options, fails):
    args = [*options, "pip install", "check the network", "bash", "-c", FLAKY]
    return machine(script=RETRY, args=args, FAILS=str(fails))


def test_retry_once_then_success(machine):
    result = _retry(machine, fails=1)
    assert result.returncode == 0, result.stderr
    assert (machine.dir / "n").read_text() == "2\n"
    assert result.stdout == (
        "pip install failed (ERROR: No matching distribution found for soupsieve==4.1.2); "
        "retrying once\n"
    )
    assert result.stderr == ""


def test_retry_fails_twice_with_one_line_naming_the_error(machine):
    result = _retry(machine, fails=99)
    assert result.returncode == 1
    assert (machine.dir / "n").read_text() == "2\n"
    log = machine.dir / "logs" / "setup-pip-install.log"
    assert result.stderr == (
        "error: pip install failed twice: ERROR: No matching distribution found for "
        f"soupsieve==4.1.2 (log: {log}); check the network\n"
    )
    assert log.read_text().splitlines().count("Collecting soupsieve==4.1.2") == 2


def test_retry_warn_says_warning(machine):
    result = _retry(machine, "--warn", fails=99)
    assert result.returncode == 1
    assert result.stderr.startswith("warning: pip install failed twice: ERROR: No matching")


def test_retry_succeeds_at_once_silently(machine):
    result = _retry(machine, fails=0)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


# --- requirements.lock ----------------------------------------------------------------

# The Pythons Debian and Ubuntu ship that requires-python admits.
PYTHONS = ["3.11.2", "3.12.3", "3.13.5"]


def _lock() -> list[Requirement]:
    lines = [line.split("#")[0].strip() for line in LOCK.read_text().splitlines()]
    return [Requirement(line) for line in lines if line]


def _linux(python: str) -> dict[str, str]:
    return {
        "python_full_version": python,
        "python_version": ".".join(python.split(".")[:2]),
        "sys_platform": "linux",
        "platform_system": "Linux",
        "platform_machine": "x86_64",
        "os_name": "posix",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
    }


def _pins_for(python: str) -> dict[str, str]:
    """The lock's pins that apply to this Python on Linux: name -> version."""
    pins: dict[str, str] = {}
    for req in _lock():
        if req.marker is None or req.marker.evaluate(_linux(python)):
            name = canonicalize_name(req.name)
            assert name not in pins, f"{name} pinned twice for Python {python}"
            (spec,) = req.specifier
            pins[name] = spec.version
    return pins


def test_lock_pins_every_package_exactly_and_leaves_torch_out():
    for req in _lock():
        (spec,) = req.specifier  # one specifier, "==": a pin
        assert spec.operator == "==", req
        assert not req.extras, req
    names = {canonicalize_name(req.name) for req in _lock()}
    assert "torch" not in names and not any(n.startswith("nvidia-") for n in names)
    # manim 0.22 breaks manim-slides 5.7 (config.write_to_movie is gone).
    pins = _pins_for("3.11.2")
    assert pins["manim"].startswith("0.21.") and pins["manim-slides"].startswith("5.7.")


def test_lock_pins_what_pyproject_asks_for():
    # pyproject.toml changed but `make lock` not run: the lock would install something else.
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    for python in PYTHONS:
        pins = _pins_for(python)
        for text in wanted:
            req = Requirement(text)
            name = canonicalize_name(req.name)
            assert name in pins, f"{name} is not in requirements.lock: run make lock"
            assert req.specifier.contains(pins[name]), f"{name}=={pins[name]}: run make lock"


@pytest.mark.parametrize("python", PYTHONS)
def test_lock_fits_every_supported_python(python):
    # Each pin that applies to this Python must admit it by its own Requires-Python: the
    # pip freeze of one 3.11.7 machine pinned soupsieve 4.1.2 (3.11.5 and later only), and
    # Debian 12's 3.11.2 found no matching distribution. Only the packages installed here
    # at the pinned version can tell (their metadata is local; no network in tests).
    checked = []
    for name, version in _pins_for(python).items():
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        if dist.version != version:
            continue  # this environment has the pin of another Python (or platform)
        requires = dist.metadata.get("Requires-Python") or ""
        assert SpecifierSet(requires).contains(python), f"{name}=={version}: {requires}"
        checked.append(name)
    assert len(checked) >= 30, checked  # the check did look at most of the lock


def test_the_readme_lists_every_scene_of_the_lecture_in_order():
    """README's "The lecture" table names every scene of ``LECTURE``, in its order."""
    from scenes import LECTURE

    text = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = text.split("## The lecture\n", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[1].strip() for line in section.splitlines() if line.startswith("| ")]
    assert rows[1:] == [s.name for s in LECTURE]  # rows[0] is the header
