#!/usr/bin/env bash
# Writes the env file of docker-compose.yml with fresh random secrets (mode 600; never overwrites one):
#
#   bash scripts/compose/make-env.sh --dev                                 # mail goes to Mailpit (--profile dev)
#   bash scripts/compose/make-env.sh --smtp 'smtps://user:pass@host:465'   # a real SMTP relay
#   docker compose --env-file compose.env [--profile dev] up --build       # (or export COMPOSE_ENV_FILES=compose.env)
#
# Options: --dev | --smtp URL (one is required), --out FILE (default compose.env at the repository root; - = stdout),
# --public-url URL (PUBLIC_BASE_URL, default http://localhost:3000), --admin-user NAME (default admin),
# --retention-days N (DOCNOTIFY_RETENTION_DAYS, default 30).
# Not `.env`: the docnotify CLI reads `.env` as its own configuration (`docnotify dev` would send mail to a Mailpit
# host that does not exist outside compose). The file holds every secret of the deployment: keep it out of git.
set -euo pipefail

die() { printf 'make-env: error: %s\n' "$*" >&2; exit 2; }
out="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/compose.env"
smtp="" dev=0 public_url=http://localhost:3000 admin_user=admin retention=30
while [[ $# -gt 0 ]]; do
  case $1 in
    --dev) dev=1; shift ;;
    --smtp) [[ $# -ge 2 ]] || die "--smtp needs a URL"; smtp=$2; shift 2 ;;
    --out) [[ $# -ge 2 ]] || die "--out needs a file (or -)"; out=$2; shift 2 ;;
    --public-url) [[ $# -ge 2 ]] || die "--public-url needs a URL"; public_url=$2; shift 2 ;;
    --admin-user) [[ $# -ge 2 ]] || die "--admin-user needs a name"; admin_user=$2; shift 2 ;;
    --retention-days) [[ $# -ge 2 ]] || die "--retention-days needs a number"; retention=$2; shift 2 ;;
    -h | --help) sed -n '2,12p' "$0"; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
if [[ $dev == 1 && -n $smtp ]]; then die "give --dev or --smtp URL, not both"; fi
if [[ $dev == 1 ]]; then smtp=smtp://mailpit:1025; fi
[[ -n $smtp ]] || die "give --dev (Mailpit, with docker compose --profile dev) or --smtp URL (your relay)"
[[ $smtp =~ ^smtps?:// ]] || die "--smtp must be an smtp:// or smtps:// URL, got '$smtp'"
[[ $smtp != *"'"* ]] || die "--smtp: percent-encode the ' in the URL (%27)"
[[ $public_url =~ ^https?:// ]] || die "--public-url must be an http:// or https:// URL, got '$public_url'"
[[ $retention =~ ^[1-9][0-9]*$ ]] || die "--retention-days must be a whole number of days, got '$retention'"
[[ $admin_user =~ ^[^:[:space:]]+$ ]] || die "--admin-user must not contain ':' or spaces"

hex() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; } # hex N -> 2N hex characters from the kernel's CSPRNG

if [[ $out != - ]]; then
  [[ ! -e $out ]] || die "$out exists: not overwriting its secrets (remove it first to start over)"
  umask 077
  exec >"$out"
fi
cat <<ENV
# docnotify docker-compose.yml settings, made by scripts/compose/make-env.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ).
# Secrets: keep this file private. docs/deployment.md explains each variable.
POSTGRES_PASSWORD=$(hex 24)
API_TOKEN=$(hex 32)
ACTION_LINK_SECRET=k1:$(hex 32)
ADMIN_CREDENTIALS=$admin_user:$(hex 12)
SMTP_URL='$smtp'
PUBLIC_BASE_URL=$public_url
DOCNOTIFY_RETENTION_DAYS=$retention
ENV
if [[ $dev == 1 ]]; then
  echo "# Mail goes to Mailpit: start with \`docker compose --env-file compose.env --profile dev up\` (inbox http://localhost:8025)."
fi
if [[ $out != - ]]; then
  exec >&2
  echo "make-env: wrote $out (mode 600)"
  if git -C "$(dirname "$out")" rev-parse --git-dir >/dev/null 2>&1 && ! git -C "$(dirname "$out")" check-ignore -q "$out"; then
    echo "make-env: WARNING: git does not ignore $out: add it to .gitignore before committing anything"
  fi
  echo "make-env: next: docker compose --env-file $(basename "$out")$([[ $dev == 1 ]] && echo ' --profile dev') up --build"
fi
