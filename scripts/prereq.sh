# Sourced by scripts/env.sh and scripts/test: the checks for what building and
# testing annalist need. Only functions: sourcing it changes nothing, so a test
# can run each check against directories it prepared.

# The directories clang-sys (through bindgen) searches for libclang when
# LIBCLANG_PATH is unset, in its own order. ANNALIST_LIBCLANG_DIRS replaces
# them (a test prepares its own).
annalist_libclang_dirs() {
    if [ -n "${ANNALIST_LIBCLANG_DIRS+set}" ]; then
        echo "$ANNALIST_LIBCLANG_DIRS"
        return
    fi
    local prefix dirs=""
    if prefix="$(llvm-config --prefix 2>/dev/null)" && [ -n "$prefix" ]; then
        dirs="$prefix/bin $prefix/lib $prefix/lib64"
    fi
    local IFS=:
    for d in ${LD_LIBRARY_PATH:-}; do dirs="$dirs $d"; done
    echo "$dirs /usr/local/llvm*/lib* /usr/local/lib*/*/* /usr/local/lib*/* /usr/local/lib* /usr/lib*/*/* /usr/lib*/* /usr/lib*"
}

# Prints the first libclang in directory $1 that clang-sys would load:
# libclang.so, libclang-N.so, libclang.so.N or libclang-N.so.N, never
# libclang-cpp (the C++ interface, which has not libclang's symbols).
annalist_libclang_in() {
    local f
    for f in "$1"/libclang.so "$1"/libclang-*.so "$1"/libclang.so.* "$1"/libclang-*.so.*; do
        case "${f##*/}" in *-cpp.*) continue ;; esac
        if [ -e "$f" ]; then
            echo "$f"
            return 0
        fi
    done
    return 1
}

# Prints the libclang that bindgen would load, or fails. LIBCLANG_PATH, when
# set, is the only place searched, as clang-sys does: a file or a directory.
annalist_find_libclang() {
    if [ -n "${LIBCLANG_PATH:-}" ]; then
        if [ -f "$LIBCLANG_PATH" ]; then
            case "${LIBCLANG_PATH##*/}" in
                *-cpp.*) return 1 ;;
                libclang.so | libclang-*.so | libclang.so.* | libclang-*.so.*)
                    echo "$LIBCLANG_PATH"
                    return 0
                    ;;
            esac
            return 1
        fi
        annalist_libclang_in "$LIBCLANG_PATH"
        return
    fi
    local d
    # Word splitting expands the globs of the default directories.
    for d in $(annalist_libclang_dirs); do
        [ -d "$d" ] || continue
        annalist_libclang_in "$d" && return 0
    done
    return 1
}

# A C++ compiler, which RocksDB's build needs.
annalist_find_cxx() {
    local c
    for c in "${CXX:-}" c++ g++ clang++; do
        [ -n "$c" ] && command -v "$c" >/dev/null 2>&1 && { command -v "$c"; return 0; }
    done
    return 1
}

# A Python interpreter of version $1 (e.g. 3.12) that can make a venv: on
# PATH, or from pyenv when pyenv has it but does not select it.
annalist_find_python() {
    local want="$1" p v
    for p in "python$want" python3; do
        if "$p" -c "import sys, venv, ensurepip; sys.exit(sys.version_info[:2] != tuple(map(int, '$want'.split('.'))))" >/dev/null 2>&1; then
            command -v "$p"
            return 0
        fi
    done
    if command -v pyenv >/dev/null 2>&1; then
        for v in $(pyenv whence "python$want" 2>/dev/null | sort -rV); do
            p="$(PYENV_VERSION="$v" pyenv which "python$want" 2>/dev/null)" || continue
            if "$p" -c 'import venv, ensurepip' >/dev/null 2>&1; then
                echo "$p"
                return 0
            fi
        done
    fi
    return 1
}

# Says in one line what is missing and the command that fixes it, then fails.
annalist_missing() {
    echo "annalist: missing $1; fix: $2" >&2
    return 1
}

annalist_apt_install() {
    local sudo=""
    if [ "$(id -u)" != 0 ]; then
        if ! command -v sudo >/dev/null 2>&1; then
            annalist_missing "$*" "run as root: apt-get install -y $*"
            return 1
        fi
        sudo="sudo"
    fi
    echo "annalist: installing $* (Debian packages)" >&2
    local log
    log="$(mktemp)"
    if $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$log" 2>&1 &&
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >>"$log" 2>&1; then
        rm -f "$log"
    else
        cat "$log" >&2
        rm -f "$log"
        annalist_missing "$*" "apt-get update && apt-get install -y $*"
        return 1
    fi
}

# Everything compiling annalist needs: cargo, a C++ compiler, libclang.
# Installs the Debian packages that are missing; says what to do otherwise.
annalist_require_build() {
    command -v cargo >/dev/null 2>&1 ||
        annalist_missing "cargo (the Rust toolchain)" "curl --proto '=https' -sSf https://sh.rustup.rs | sh" || return 1
    if ! annalist_find_cxx >/dev/null; then
        annalist_apt_install g++ || return 1
    fi
    if ! annalist_find_libclang >/dev/null; then
        if [ -n "${LIBCLANG_PATH:-}" ]; then
            annalist_missing "libclang in LIBCLANG_PATH=$LIBCLANG_PATH" "unset LIBCLANG_PATH, or point it at the directory holding libclang.so" || return 1
        fi
        annalist_apt_install libclang-dev || return 1
        annalist_find_libclang >/dev/null ||
            annalist_missing "libclang after installing libclang-dev" "set LIBCLANG_PATH to the directory holding libclang.so" || return 1
    fi
}
