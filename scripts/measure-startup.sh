#!/usr/bin/env bash
# Cold start and idle memory of the release kiosk app (docs/architecture.md, Budgets: < 600 ms to the idle screen,
# < 250 MB PSS for the whole process tree). Builds the UI and `cargo build --release -p
# facekiosk-app`, then runs it 5 times (after one warm-up) on a private Xvfb 1280x800 screen with
# matchbox-window-manager; prints median/min/max. See scripts/measure_startup.py.
#
# Usage: scripts/measure-startup.sh [--runs N] [--idle SECS]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

for tool in Xvfb matchbox-window-manager xprop npm; do
    command -v "$tool" >/dev/null || { echo "no $tool: run \`cargo xtask setup\` first" >&2; exit 2; }
done

echo "==> npm run build (ui/ -> ui/dist)"
(cd ui && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run build)
echo "==> cargo build --release -p facekiosk-app"
cargo build --release -p facekiosk-app
target="${CARGO_TARGET_DIR:-target}"
echo "==> measuring"
exec python3 scripts/measure_startup.py "$target/release/facekiosk" "$@"
