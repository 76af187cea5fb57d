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
