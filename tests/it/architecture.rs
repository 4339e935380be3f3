//! The house follows the data: every module of `src/` imports only from its
//! own stage or from the stages before it, and no two modules import each
//! other. The stages, in order, are the folders `lib.rs` lists.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The stages in the order the data flows; a module may import from its own
/// stage and from every stage before it. The helpers come first.
const STAGES: &[&[&str]] = &[
    &["error", "output", "text"],
    &["input"],
    &["annotate"],
    &["rdf"],
    &["store"],
    &["pipeline"],
    &["read"],
    &["export"],
    &["review"],
    &["wikidata"],
    &["serve"],
];

/// What is not a library stage: the command line and the test helpers.
const OUTSIDE: &[&str] = &["cmd", "cli", "main", "lib", "proptests"];

type Module = Vec<String>;

fn rank(m: &Module) -> usize {
    STAGES
        .iter()
        .position(|s| s.contains(&m[0].as_str()))
        .unwrap_or_else(|| panic!("{} is in no stage: add it to STAGES", m.join("::")))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The library's modules, by path, with their source less comments and
/// test modules.
fn modules(src: &Path) -> BTreeMap<Module, String> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut out = BTreeMap::new();
    for f in files {
        let rel = f.strip_prefix(src).unwrap().with_extension("");
        let mut parts: Module = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if parts.last().is_some_and(|l| l == "mod") {
            parts.pop();
        }
        if OUTSIDE.contains(&parts[0].as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        let code: String = code
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        out.insert(parts, code);
    }
    out
}

/// The paths of the form `crate::a::b` and `super::a` in `code`.
fn paths(code: &str, module: &Module) -> Vec<Module> {
    let mut found = Vec::new();
    let bytes = code.as_bytes();
    let word = |i: usize| i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_');
    let mut i = 0;
    while i < code.len() {
        let rest = &code[i..];
        let before_ok = i == 0 || !(word(i - 1) || bytes[i - 1] == b':');
        let (base, skip): (Module, usize) = if before_ok && rest.starts_with("crate::") {
            (Vec::new(), "crate::".len())
        } else if before_ok && rest.starts_with("super::") {
            let mut ups = 0;
            let mut j = 0;
            while code[i + j..].starts_with("super::") {
                ups += 1;
                j += "super::".len();
            }
            // A module's `super` is the module its path ends in, less one.
            let keep = module.len().saturating_sub(ups);
            (module[..keep].to_vec(), j)
        } else {
            i += rest.chars().next().map_or(1, char::len_utf8);
            continue;
        };
        let mut j = i + skip;
        let mut path = base;
        loop {
            let start = j;
            while word(j) {
                j += 1;
            }
            if j == start {
                break;
            }
            path.push(code[start..j].to_string());
            if code[j..].starts_with("::") && word(j + 2) {
                j += 2;
            } else {
                break;
            }
        }
        found.push(path);
        i = j.max(i + 1);
    }
    found
}

/// The module a path names: its longest prefix that is a module.
fn resolve<'m>(path: &Module, modules: &'m BTreeMap<Module, String>) -> Option<&'m Module> {
    (1..=path.len())
        .rev()
        .find_map(|n| modules.get_key_value(&path[..n]).map(|(k, _)| k))
}

fn imports() -> BTreeMap<Module, BTreeSet<Module>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let modules = modules(&src);
    let mut edges: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (m, code) in &modules {
        for p in paths(code, m) {
            if let Some(target) = resolve(&p, &modules) {
                if target != m {
                    edges.entry(m.clone()).or_default().insert(target.clone());
                }
            }
        }
    }
    edges
}

#[test]
fn no_module_imports_from_a_later_stage() {
    let edges = imports();
    assert!(
        edges.len() > 30,
        "the scan found too few modules: {edges:?}"
    );
    let mut upward = Vec::new();
    for (from, targets) in &edges {
        for to in targets {
            if rank(to) > rank(from) {
                upward.push(format!("{} -> {}", from.join("::"), to.join("::")));
            }
        }
    }
    assert!(
        upward.is_empty(),
        "imports against the flow:\n{}",
        upward.join("\n")
    );
}

#[test]
fn no_two_modules_import_each_other() {
    let edges = imports();
    let mut mutual = Vec::new();
    for (a, targets) in &edges {
        for b in targets {
            if a < b && edges.get(b).is_some_and(|t| t.contains(a)) {
                mutual.push(format!("{} <-> {}", a.join("::"), b.join("::")));
            }
        }
    }
    assert!(
        mutual.is_empty(),
        "modules that import each other:\n{}",
        mutual.join("\n")
    );
}

#[test]
fn the_scan_sees_an_import_against_the_flow() {
    // The scan itself: a path into a later stage is found and resolved.
    let mut modules = BTreeMap::new();
    modules.insert(
        vec!["input".to_string(), "corpus".to_string()],
        String::new(),
    );
    modules.insert(vec!["rdf".to_string(), "quads".to_string()], String::new());
    let m = vec!["input".to_string(), "corpus".to_string()];
    let found = paths("let x = crate::rdf::quads::check(c);", &m);
    let target = resolve(&found[0], &modules).expect("resolved");
    assert_eq!(target, &vec!["rdf".to_string(), "quads".to_string()]);
    assert!(rank(target) > rank(&m));
}
