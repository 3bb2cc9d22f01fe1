# Shared helpers for the pkg-scripts. Source it; do not run it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
# The wasm-bindgen version pinned in Cargo.lock; the CLI must match it exactly.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/{getline; gsub(/[^0-9.]/,""); print; exit}' "$ROOT/Cargo.lock"
}
# Runs `cargo test ARGS` and fails unless every test that `cargo test ARGS -- --list` lists
# passed: an ignored or filtered test, or a test binary that ran nothing, is a shortfall.
cargo_test_every() {
  local listed ran status log
  listed="$(cargo test "$@" -- --list 2>/dev/null | grep -c ': test$' || true)"
  log="$(mktemp)"
  if cargo test "$@" 2>&1 | tee "$log"; then status=0; else status=1; fi
  ran="$(awk '/^test result: / { for (i = 2; i <= NF; i++) if ($i == "passed;") p += $(i-1) } END { print p + 0 }' "$log")"
  rm -f "$log"
  echo "cargo test: $ran passed of the $listed tests listed"
  ((status == 0 && listed > 0 && ran == listed))
}
