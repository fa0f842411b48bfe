#!/bin/sh
# docker-compose.yml's temporal-namespace job (temporalio/admin-tools image): waits for the Temporal server, creates
# docnotify's namespace with its retention (or sets the retention of the existing one, so DOCNOTIFY_RETENTION_DAYS
# applies on the next `docker compose up`), registers the search attributes, and waits until the frontend accepts a
# query over all of them. Fails loudly: "already exists" (namespace, or an attribute of the same type) is fine,
# anything else — an attribute of another type, a server that never becomes healthy, a rejected retention — exits
# non-zero and `docker compose up` stops before the worker and web server start.
#
# Environment: TEMPORAL_ADDRESS (temporal:7233), DOCNOTIFY_NAMESPACE (default), DOCNOTIFY_RETENTION_DAYS (30),
# DOCNOTIFY_SEARCH_ATTRIBUTES ("Name=Type Name=Type ..."), DOCNOTIFY_WAIT_SECONDS (180: for the server, then for the
# attributes), DOCNOTIFY_POLL_SECONDS (3).
set -eu

ADDRESS=${TEMPORAL_ADDRESS:-temporal:7233}
NAMESPACE=${DOCNOTIFY_NAMESPACE:-default}
DAYS=${DOCNOTIFY_RETENTION_DAYS:-30}
ATTRIBUTES=${DOCNOTIFY_SEARCH_ATTRIBUTES:?temporal-namespace: set DOCNOTIFY_SEARCH_ATTRIBUTES (Name=Type ...)}
WAIT=${DOCNOTIFY_WAIT_SECONDS:-180}
POLL=${DOCNOTIFY_POLL_SECONDS:-3}

fail() { echo "temporal-namespace: error: $*" >&2; exit 1; }
say() { echo "temporal-namespace: $*"; }

case $DAYS in
  '' | *[!0-9]* | 0*) fail "DOCNOTIFY_RETENTION_DAYS must be a whole number of days from 1 to 3650, got '$DAYS'" ;;
esac
[ "$DAYS" -le 3650 ] || fail "DOCNOTIFY_RETENTION_DAYS must be a whole number of days from 1 to 3650, got '$DAYS'"
RETENTION="$((DAYS * 24))h"

# Parse and check the attribute list before touching the server.
SA_ARGS=""
QUERY=""
for pair in $ATTRIBUTES; do
  name=${pair%%=*} type=${pair#*=}
  [ -n "$name" ] && [ "$name" != "$pair" ] || fail "DOCNOTIFY_SEARCH_ATTRIBUTES: '$pair' is not Name=Type"
  case $type in
    Keyword) cond="$name = 'docnotify-probe'" ;;
    Bool) cond="$name = true" ;;
    Int) cond="$name = 0" ;;
    Datetime) cond="$name > '2000-01-01T00:00:00Z'" ;;
    *) fail "DOCNOTIFY_SEARCH_ATTRIBUTES: $name has type '$type' (Keyword, Bool, Int or Datetime)" ;;
  esac
  SA_ARGS="$SA_ARGS --name $name --type $type"
  QUERY="${QUERY:+$QUERY AND }$cond"
done
[ -n "$SA_ARGS" ] || fail "DOCNOTIFY_SEARCH_ATTRIBUTES is empty"

t() { temporal "$@" --address "$ADDRESS"; }

say "waiting for the Temporal server at $ADDRESS (up to ${WAIT}s)"
waited=0
until out=$(t operator cluster health 2>&1) && printf '%s' "$out" | grep -q SERVING; do
  [ "$waited" -lt "$WAIT" ] || fail "the server at $ADDRESS is not healthy after ${WAIT}s: $out"
  sleep "$POLL"
  waited=$((waited + POLL))
done
say "server is SERVING"

if t operator namespace describe --namespace "$NAMESPACE" >/dev/null 2>&1; then
  say "namespace '$NAMESPACE' exists: setting its retention to $DAYS days"
  t operator namespace update --namespace "$NAMESPACE" --retention "$RETENTION"
elif out=$(t operator namespace create --namespace "$NAMESPACE" --retention "$RETENTION" 2>&1); then
  say "namespace '$NAMESPACE' created, retention $DAYS days"
else
  case $out in
    *"already exists"* | *"AlreadyExists"*)
      say "namespace '$NAMESPACE' was created meanwhile: setting its retention to $DAYS days"
      t operator namespace update --namespace "$NAMESPACE" --retention "$RETENTION" ;;
    *) fail "creating namespace '$NAMESPACE': $out" ;;
  esac
fi

# The CLI refuses an attribute that exists with another type; the server skips one that exists with the same type.
say "registering search attributes:$SA_ARGS"
# shellcheck disable=SC2086 # SA_ARGS is a list of words checked above
t operator search-attribute create --namespace "$NAMESPACE" $SA_ARGS

say "waiting until the frontend accepts a query over every attribute"
waited=0
until out=$(t workflow count --namespace "$NAMESPACE" --query "$QUERY" 2>&1); do
  [ "$waited" -lt "$WAIT" ] || fail "the frontend still rejects the search attributes after ${WAIT}s: $out"
  sleep "$POLL"
  waited=$((waited + POLL))
done
say "done: namespace '$NAMESPACE', retention $DAYS days, $(echo $ATTRIBUTES | wc -w) search attributes"
