#!/usr/bin/env bash
# Regenerates migrations/versions/0001_initial.py from the models while the product has not yet
# shipped a release. After the first release, schema changes get new revisions (0003_...).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
mv migrations/versions/0002_*.py "$tmp"/ 2>/dev/null || true
rm -f migrations/versions/0001_*.py
export TEP_DATABASE_URL="sqlite:///$tmp/empty.sqlite"
.venv/bin/flask db migrate --rev-id 0001 -m "initial" >/dev/null
mv "$tmp"/0002_*.py migrations/versions/ 2>/dev/null || true
rm -rf "$tmp"
ls migrations/versions
