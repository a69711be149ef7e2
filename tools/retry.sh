#!/usr/bin/env bash
# tools/retry.sh [--warn] WHAT HINT COMMAND [ARG...]
#
# Runs COMMAND quietly, its output going to a log. A failure is often transient on a real
# machine (a dropped connection, a registry's 5xx, a mirror in mid-sync), so after one it
# waits RETRY_DELAY seconds (default 5) and runs COMMAND once more. If that fails too it
# prints ONE line on stderr and exits 1:
#   error: WHAT failed twice: <the last error line of COMMAND> (log: FILE); HINT
# With --warn the line starts with "warning:" instead, for a step the caller can do without.
# The log is $SETUP_LOG_DIR/setup-<what>.log (default /tmp/rnn-lecture-logs, where
# render.py keeps its logs too).
#
# tools/setup_system.sh sources this file for the function retry_once; run as a program,
# it calls retry_once with its arguments.

# The caller's stdout and stderr, kept on fds 3 and 4 for messages from inside a step whose
# own output goes to its log (see tools/setup_system.sh).
exec 3>&1 4>&2

# The line of a log that says best what went wrong: apt's "E:", pip's "ERROR:", or npm's
# first "npm error" after its code/syscall/errno lines (its last ones are generic advice);
# else the last line of output.
last_error() {
  local line
  line=$(grep -E '^(E|ERROR|error): ' "$1" | tail -n 1)
  [ -n "$line" ] ||
    line=$(grep -E '^npm (ERR!|error) ' "$1" | grep -vE '^npm (ERR!|error) (code|syscall|errno) ' | head -n 1)
  [ -n "$line" ] || line=$(grep -vE '^([[:space:]]*|== attempt .*)$' "$1" | tail -n 1)
  printf '%s' "${line:0:240}"
}

retry_once() {
  local level=error
  if [ "$1" = --warn ]; then level=warning; shift; fi
  local what=$1 hint=$2
  shift 2
  local dir=${SETUP_LOG_DIR:-/tmp/rnn-lecture-logs}
  mkdir -p "$dir"
  local log
  log="$dir/setup-$(printf '%s' "$what" | tr -cs 'A-Za-z0-9.' '-' | sed 's/-$//').log"
  : >"$log"
  local attempt
  for attempt in 1 2; do
    echo "== attempt $attempt: $*" >>"$log"
    # No subshell: COMMAND may be a shell function of the caller (setup_system.sh's apt_get).
    if "$@" >>"$log" 2>&1; then
      return 0
    fi
    if [ "$attempt" = 1 ]; then
      echo "$what failed ($(last_error "$log")); retrying once" >&3
      sleep "${RETRY_DELAY:-5}"
    fi
  done
  echo "$level: $what failed twice: $(last_error "$log") (log: $log); $hint" >&4
  return 1
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  retry_once "$@"
fi
