//! Builds the query library into the binary: every `queries/*.rq`, sorted by
//! name, so that an installed `annalist` carries its ready questions.

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
}
