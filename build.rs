//! Builds the query library into the binary: every `queries/*.rq`, sorted by
//! name, so that an installed `annalist` carries its ready questions; and a
//! digest of the program's sources (`src/`, `ontology/`, `queries/`), so that
//! a store built by another build of the same version is not taken for up to
//! date.

use std::fmt::Write;
use std::path::Path;

fn main() {
    // Read at run time: a compiled build script is reused by every checkout
    // that shares the target directory, so a compile-time path could name
    // another checkout's queries.
    let root = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&root).join("queries");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<(String, String)> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "rq"))
                .map(|p| {
                    println!("cargo:rerun-if-changed={}", p.display());
                    let name = p.file_stem().unwrap().to_string_lossy().to_string();
                    (name, p.display().to_string())
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut code = String::from(
        "/// The built-in query library: (name, text).\npub const LIBRARY: &[(&str, &str)] = &[\n",
    );
    for (name, path) in names {
        writeln!(code, "    ({name:?}, include_str!({path:?})),").unwrap();
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("queries.rs");
    std::fs::write(out, code).unwrap();

    // FNV-1a over every source file's relative path and bytes, in path order.
    let mut files = Vec::new();
    for top in ["src", "ontology", "queries"] {
        let dir = Path::new(&root).join(top);
        println!("cargo:rerun-if-changed={}", dir.display());
        walk(&dir, &mut files);
    }
    files.sort();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for &b in (bytes.len() as u64).to_le_bytes().iter().chain(bytes) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let rel = path.strip_prefix(&root).unwrap_or(path);
        feed(rel.to_string_lossy().replace('\\', "/").as_bytes());
        feed(&std::fs::read(path).unwrap_or_default());
    }
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("program.rs");
    std::fs::write(
        out,
        format!("/// A digest of the program's sources.\npub const SOURCE_DIGEST: &str = \"{hash:016x}\";\n"),
    )
    .unwrap();
}

/// Every file under `dir`, recursively.
fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}
