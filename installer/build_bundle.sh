#!/usr/bin/env bash
# Build the ChartBrief desktop bundle: a self-contained Linux folder (PyInstaller --onedir) with the
# `ChartBrief` executable, the embedded model, the .desktop entry and the icon. See installer/README.md.
#
#   installer/build_bundle.sh                 # -> dist/ChartBrief/  (1.8 GB; 5-14 min on 2 CPUs)
#   installer/build_bundle.sh --dist DIR      # -> DIR/ChartBrief/
#   installer/build_bundle.sh --fingerprint   # print the source fingerprint a bundle records, and exit
#
# Needs the venv made by `installer/install.sh --dev` (PyInstaller is in the dev extra: the `bundle`
# extra of pyproject.toml). Environment: CHARTBRIEF_VENV (default <repo>/.venv).
# The bundle runs as  dist/ChartBrief/ChartBrief [summarize NOTE ...]  (no arguments: the window);
# dist/ChartBrief/install-desktop-entry.sh adds it to the desktop menu of the current user.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${CHARTBRIEF_VENV:-$ROOT/.venv}"
DIST="$ROOT/dist"
die() { echo "build_bundle.sh: error: $*" >&2; exit 1; }
say() { echo "build_bundle.sh: $*" >&2; }

PY="$VENV/bin/python"
[ -x "$PY" ] || die "no virtual environment at $VENV; run installer/install.sh --dev first."

# The fingerprint of what goes into a bundle: ChartBrief's code and data, the spec and the locked
# dependency set. A bundle whose BUILD-INFO names the same fingerprint was built from this tree.
fingerprint() {
  "$PY" - "$ROOT" <<'PYEOF'
import hashlib, sys
from pathlib import Path
root = Path(sys.argv[1])
files = [root / "pyproject.toml", root / "installer" / "requirements.lock"]
for top in ("core", "gui", "benchmarks", "resources"):
    files += [p for p in (root / top).rglob("*") if p.is_file() and "__pycache__" not in p.parts]
files += [root / "installer" / n for n in ("build_bundle.sh", "chartbrief.spec", "bundle_main.py",
                                           "bundle_selftest.py", "chartbrief.desktop")]
h = hashlib.sha256()
for f in sorted(files):
    h.update(str(f.relative_to(root)).encode() + b"\0" + hashlib.sha256(f.read_bytes()).digest())
print(h.hexdigest()[:20])
PYEOF
}

while [ $# -gt 0 ]; do
  case "$1" in
    --dist) shift; [ $# -gt 0 ] || die "--dist needs a folder"; mkdir -p "$1"; DIST="$(cd "$1" && pwd)" ;;
    --fingerprint) fingerprint; exit 0 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
  shift
done

"$PY" -c "import PyInstaller" 2>/dev/null \
  || die "PyInstaller is not installed in $VENV; run installer/install.sh --dev (or: $PY -m pip install 'chartbrief[bundle]')."

BUNDLE="$DIST/ChartBrief"
WORK="$ROOT/build/bundle"
START=$(date +%s)
say "building $BUNDLE (PyInstaller; this takes a while)"
# --log-level WARN: PyInstaller's warnings about optional modules it cannot import (tensorflow, vllm, CUDA
# extras of torch …) are expected; build/bundle/ChartBrief/warn-ChartBrief.txt lists them all.
"$PY" -m PyInstaller --noconfirm --log-level WARN --workpath "$WORK" --distpath "$DIST" \
  "$ROOT/installer/chartbrief.spec" >&2

# The desktop entry and the icon, where a desktop looks for them inside an application folder
# (share/applications, share/icons), pointing at the bundle's own executable.
install -Dm644 "$ROOT/resources/icons/chartbrief.svg" "$BUNDLE/share/icons/hicolor/scalable/apps/chartbrief.svg"
mkdir -p "$BUNDLE/share/applications"
grep -v '^#' "$ROOT/installer/chartbrief.desktop" \
  | sed -e 's|^Exec=.*|Exec=ChartBrief|' -e 's|^TryExec=.*|TryExec=ChartBrief|' \
  > "$BUNDLE/share/applications/chartbrief.desktop"
cat > "$BUNDLE/install-desktop-entry.sh" <<'SHEOF'
#!/bin/sh
# Add this ChartBrief folder to the current user's desktop menu (run it again after moving the folder).
set -eu
HERE="$(cd "$(dirname "$0")" && pwd)"
APPS="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
ICONS="${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor/scalable/apps"
mkdir -p "$APPS" "$ICONS"
cp "$HERE/share/icons/hicolor/scalable/apps/chartbrief.svg" "$ICONS/chartbrief.svg"
sed -e "s|^Exec=.*|Exec=\"$HERE/ChartBrief\"|" -e "s|^TryExec=.*|TryExec=$HERE/ChartBrief|" \
  "$HERE/share/applications/chartbrief.desktop" > "$APPS/chartbrief.desktop"
echo "ChartBrief added to the menu: $APPS/chartbrief.desktop"
SHEOF
chmod 755 "$BUNDLE/install-desktop-entry.sh"

ELAPSED=$(( $(date +%s) - START ))
{
  echo "fingerprint=$(fingerprint)"
  echo "commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "build_seconds=$ELAPSED"
} > "$BUNDLE/BUILD-INFO"
say "done in ${ELAPSED}s: $BUNDLE ($(du -sh "$BUNDLE" | cut -f1)); run $BUNDLE/ChartBrief"
