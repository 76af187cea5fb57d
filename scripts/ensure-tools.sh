#!/bin/sh
# Make sure the command-line tools the workflow calls are on PATH. On a fresh Debian machine as
# root they are installed from Debian's packages; otherwise we stop with one line naming them,
# because installing system packages behind a non-root user's back is not ours to do.
set -eu
missing_pkgs=""
for pair in bwa:bwa samtools:samtools bcftools:bcftools tabix:tabix bgzip:tabix; do
  cmd=${pair%%:*}; pkg=${pair##*:}
  if ! command -v "$cmd" >/dev/null 2>&1; then
    case " $missing_pkgs " in *" $pkg "*) ;; *) missing_pkgs="$missing_pkgs $pkg" ;; esac
  fi
done
# Tools only the tests use (the reports opened in a real browser): installed as root like the
# others, otherwise the tests that need them are skipped and say why.
test_pkgs=""
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || test_pkgs="chromium"
if [ -n "$test_pkgs" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    missing_pkgs="$missing_pkgs $test_pkgs"
  else
    echo "note: $test_pkgs not installed (not root): the browser tests will be skipped" >&2
  fi
fi
[ -z "$missing_pkgs" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing from Debian's packages:$missing_pkgs"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing_pkgs >/dev/null
  exit 0
fi
echo "error: missing command-line tools; install these packages (for example: sudo apt-get install$missing_pkgs), or use the conda environments in workflow/envs/" >&2
exit 2
