#!/usr/bin/env bash
# Symlink the laws-cn files listed in files.txt into DEST, so the slice can be indexed as a corpus
# folder without copying the (shared, unbundled) law texts into the repository.
# Usage: tests/corpora/laws-slice/make_corpus.sh DEST [LAWS_CN_DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dest="${1:?usage: make_corpus.sh DEST [LAWS_CN_DIR]}"
laws="${2:-$here/../../../../shared/corpora/laws-cn}"
[ -d "$laws" ] || { echo "laws-cn not found at $laws (pass it as the 2nd argument)" >&2; exit 1; }
laws="$(cd "$laws" && pwd)"
mkdir -p "$dest"
n=0
while IFS= read -r rel; do
  case "$rel" in ''|'#'*) continue ;; esac
  src="$laws/$rel"
  [ -f "$src" ] || { echo "missing: $src" >&2; exit 1; }
  ln -sfn "$src" "$dest/$(basename "$rel")"
  n=$((n + 1))
done < "$here/files.txt"
echo "linked $n files into $dest"
