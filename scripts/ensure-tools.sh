#!/bin/sh
# Make sure the command-line tools the workflow calls are on PATH. On a fresh Debian machine as
# root they are installed from Debian's packages; otherwise we stop with one line naming them,
# because installing system packages behind a non-root user's back is not ours to do.
set -eu
missing_pkgs=""
for pair in bwa:bwa minimap2:minimap2 samtools:samtools bcftools:bcftools freebayes:freebayes tabix:tabix bgzip:tabix; do
  cmd=${pair%%:*}; pkg=${pair##*:}
  if ! command -v "$cmd" >/dev/null 2>&1; then
    case " $missing_pkgs " in *" $pkg "*) ;; *) missing_pkgs="$missing_pkgs $pkg" ;; esac
  fi
done
# Tools only the tests use (the reports in a browser, the TSV in a spreadsheet): installed as
# root like the others, but never fatal; without them those tests are skipped and say why.
test_pkgs=""
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || test_pkgs="chromium"
command -v soffice >/dev/null 2>&1 || test_pkgs="$test_pkgs libreoffice-calc-nogui"
# nginx serves the download tests' files on loopback (never the internet).
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || test_pkgs="$test_pkgs nginx-light"
can_install=no
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then can_install=yes; fi
if [ -n "$missing_pkgs" ] && [ "$can_install" = no ]; then
  echo "error: missing command-line tools; install these packages (for example: sudo apt-get install$missing_pkgs), or use the conda environments in workflow/envs/" >&2
  exit 2
fi
[ -z "$missing_pkgs$test_pkgs" ] && exit 0
if [ "$can_install" = no ]; then
  echo "note:$test_pkgs not installed (not root): the browser, spreadsheet and download tests will be skipped" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
if [ -n "$missing_pkgs" ]; then
  echo "installing from Debian's packages:$missing_pkgs"
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing_pkgs >/dev/null
fi
if [ -n "$test_pkgs" ]; then
  echo "installing for the tests:$test_pkgs"
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $test_pkgs >/dev/null \
    || echo "note: could not install$test_pkgs: the browser, spreadsheet and download tests will be skipped" >&2
fi
