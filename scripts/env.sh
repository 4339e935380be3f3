# Sourced by scripts/annalist and scripts/test: checks, in seconds and before
# anything is compiled, what building annalist needs (cargo, a C++ compiler,
# the libclang that Oxigraph's RocksDB bindings load), installs the Debian
# packages that are missing, and points cargo at a target directory outside
# the checkout, so every clone on this machine reuses one compiled RocksDB.

source "$(dirname "${BASH_SOURCE[0]}")/prereq.sh"

annalist_require_build || exit 1

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/annalist/target}"
mkdir -p "$CARGO_TARGET_DIR"
