//! The set-up scripts' prerequisite checks, run against directories the test
//! prepares: `scripts/prereq.sh` must find exactly the libclang that bindgen
//! loads, or say that it is missing.

use crate::util::repo;
use std::path::Path;
use std::process::Command;

/// Runs `annalist_find_libclang` with only `dirs` searched and, when given,
/// `LIBCLANG_PATH`; returns the library it names, or None for "missing".
fn find_libclang(dirs: &[&Path], libclang_path: Option<&Path>) -> Option<String> {
    let script = repo().join("scripts/prereq.sh");
    let mut c = Command::new("bash");
    c.arg("-c")
        .arg(format!(
            "source '{}' && annalist_find_libclang",
            script.display()
        ))
        .env(
            "ANNALIST_LIBCLANG_DIRS",
            dirs.iter()
                .map(|d| d.display().to_string())
                .collect::<Vec<_>>()
                .join(" "),
        )
        .env_remove("LIBCLANG_PATH");
    if let Some(p) = libclang_path {
        c.env("LIBCLANG_PATH", p);
    }
    let out = c.output().expect("bash runs");
    let found = String::from_utf8(out.stdout).unwrap().trim().to_string();
    if out.status.success() {
        assert!(!found.is_empty(), "success without a path");
        Some(found)
    } else {
        assert!(found.is_empty(), "failure that printed {found}");
        None
    }
}

fn dir_with(files: &[&str]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    for f in files {
        std::fs::write(d.path().join(f), b"").unwrap();
    }
    d
}

#[test]
fn libclang_cpp_alone_is_missing_libclang() {
    let d = dir_with(&["libclang-cpp.so.14", "libclang-cpp.so"]);
    assert_eq!(find_libclang(&[d.path()], None), None);
}

#[test]
fn a_versioned_libclang_is_found() {
    let d = dir_with(&["libclang.so.1"]);
    let found = find_libclang(&[d.path()], None).expect("libclang.so.1 is loadable");
    assert!(found.ends_with("/libclang.so.1"), "{found}");
    let d = dir_with(&["libclang-14.so.1"]);
    assert!(find_libclang(&[d.path()], None).is_some());
    let d = dir_with(&["libclang-14.so"]);
    assert!(find_libclang(&[d.path()], None).is_some());
}

#[test]
fn libclang_beside_libclang_cpp_is_the_one_found() {
    let d = dir_with(&["libclang-cpp.so.14", "libclang.so.1"]);
    let found = find_libclang(&[d.path()], None).expect("found");
    assert!(found.ends_with("/libclang.so.1"), "{found}");
}

#[test]
fn libclang_path_is_the_only_place_searched() {
    let elsewhere = dir_with(&["libclang.so"]);
    let empty = dir_with(&["libclang-cpp.so.14"]);
    // LIBCLANG_PATH names a directory without libclang: missing, although
    // the default directories have one.
    assert_eq!(find_libclang(&[elsewhere.path()], Some(empty.path())), None);
    // LIBCLANG_PATH names the directory that has it; defaults have none.
    let found = find_libclang(&[empty.path()], Some(elsewhere.path())).expect("found");
    assert!(found.starts_with(&elsewhere.path().display().to_string()));
    // LIBCLANG_PATH names the file itself.
    let file = elsewhere.path().join("libclang.so");
    assert_eq!(
        find_libclang(&[empty.path()], Some(&file)).as_deref(),
        Some(file.display().to_string().as_str())
    );
    // ... but not libclang-cpp.
    let cpp = empty.path().join("libclang-cpp.so.14");
    assert_eq!(find_libclang(&[elsewhere.path()], Some(&cpp)), None);
}
