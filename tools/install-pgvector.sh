#!/usr/bin/env bash
# Installs the pgvector extension into the machine's PostgreSQL when it is missing.
# Debian 12 does not package pgvector, so it is built from Debian 13's source package.
set -euo pipefail

PG_CONFIG="${PG_CONFIG:-$(ls -d /usr/lib/postgresql/*/bin/pg_config 2>/dev/null | sort -V | tail -n 1)}"
if [ -z "$PG_CONFIG" ] && command -v pg_config >/dev/null; then PG_CONFIG="$(command -v pg_config)"; fi
if [ -z "$PG_CONFIG" ]; then echo "install-pgvector: no pg_config found" >&2; exit 1; fi
SHAREDIR="$("$PG_CONFIG" --sharedir 2>/dev/null || true)"
if [ -n "$SHAREDIR" ] && [ -f "$SHAREDIR/extension/vector.control" ]; then
  echo "install-pgvector: pgvector is already installed"
  exit 0
fi

PG_MAJOR="$("$PG_CONFIG" --version | sed -E 's/^PostgreSQL ([0-9]+).*/\1/')"
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q "postgresql-server-dev-${PG_MAJOR}" make gcc >/dev/null

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial"
echo "deb-src http://deb.debian.org/debian trixie main" > "$work/sources.list"
apt_opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o "Dir::Etc::SourceParts=-" -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache")
apt-get "${apt_opts[@]}" update -q >/dev/null
(cd "$work" && apt-get "${apt_opts[@]}" source --download-only pgvector >/dev/null)
tar -xf "$(ls "$work"/pgvector_*.orig.tar.* | head -n 1)" -C "$work"
src="$(find "$work" -maxdepth 1 -type d -name 'pgvector-*' | head -n 1)"
make -C "$src" PG_CONFIG="$PG_CONFIG" OPTFLAGS="" >/dev/null
make -C "$src" PG_CONFIG="$PG_CONFIG" install >/dev/null
echo "install-pgvector: installed pgvector into $("$PG_CONFIG" --pkglibdir)"
