#!/usr/bin/env bash
# Cold start and idle memory of the release kiosk app (docs/architecture.md, Budgets: < 600 ms to the idle screen,
# < 250 MB PSS for the whole process tree). Builds the UI and `cargo build --release -p
# facekiosk-app --features demo` (it runs `--demo`), then runs it 5 times (after one warm-up) on a
# private Xvfb 1280x800 screen with matchbox-window-manager; prints median/min/max. See
# scripts/measure_startup.py.
#
# --bare: also builds the bare Tauri window (bench/bare-window, in the same cargo run, so built
# the same way) and measures it alternately with the kiosk, with the ratios
# (`cargo xtask bench --compare` uses this). --production: also builds the kiosk as a hospital
# gets it (release, no demo) and measures it on --config KIOSK_TOML (a sandbox's, which the
# caller runs). --build-only / --no-build: only one half.
#
# Usage: scripts/measure-startup.sh [--bare] [--production] [--build-only | --no-build]
#                                   [--config KIOSK_TOML] [--runs N] [--idle SECS]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bare=0 production=0 build=1 measure=1 pass=()
for arg in "$@"; do
    case "$arg" in
        --bare) bare=1 ;;
        --production) production=1 ;;
        --build-only) measure=0 ;;
        --no-build) build=0 ;;
        *) pass+=("$arg") ;;
    esac
done

for tool in Xvfb matchbox-window-manager xprop npm; do
    command -v "$tool" >/dev/null || { echo "no $tool: run \`cargo xtask setup\` first" >&2; exit 2; }
done

target="${CARGO_TARGET_DIR:-target}"
if [ "$build" = 1 ]; then
    echo "==> npm run build (ui/ -> ui/dist)"
    (cd ui && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run build)
    packages=(-p facekiosk-app --features facekiosk-app/demo)
    [ "$bare" = 1 ] && packages+=(-p bare-window)
    echo "==> cargo build --release ${packages[*]}"
    cargo build --release "${packages[@]}"
    # Copies, measured later: another build in the shared target dir (the packages build the
    # kiosk without the demo) may replace target/release/facekiosk in the meantime.
    mkdir -p "$target/startup-bins"
    cp "$target/release/facekiosk" "$target/startup-bins/"
    [ "$bare" = 1 ] && cp "$target/release/bare-window" "$target/startup-bins/"
    if [ "$production" = 1 ]; then
        echo "==> cargo build --release -p facekiosk-app (no demo)"
        cargo build --release -p facekiosk-app
        cp "$target/release/facekiosk" "$target/startup-bins/facekiosk-production"
    fi
fi
[ "$measure" = 1 ] || exit 0
echo "==> measuring"
args=("$target/startup-bins/facekiosk")
[ "$bare" = 1 ] && args+=(--bare "$target/startup-bins/bare-window")
[ "$production" = 1 ] && args+=(--production "$target/startup-bins/facekiosk-production")
exec python3 scripts/measure_startup.py "${args[@]}" "${pass[@]}"
