# Sourced by scripts/annalist and scripts/test: installs what building
# annalist needs and points cargo at a target directory outside the
# checkout, so every clone on this machine reuses one compiled RocksDB.

# Oxigraph's RocksDB bindings need libclang at build time.
annalist_have_libclang() {
    ls /usr/lib/llvm-*/lib/libclang*.so* /usr/lib/*/libclang*.so* >/dev/null 2>&1
}

annalist_apt_install() {
    local sudo=""
    if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
    echo "annalist: installing $* (Debian packages)" >&2
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 &&
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

if ! annalist_have_libclang; then
    annalist_apt_install libclang-dev || { echo "annalist: could not install libclang-dev" >&2; exit 1; }
fi

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/annalist/target}"
mkdir -p "$CARGO_TARGET_DIR"
