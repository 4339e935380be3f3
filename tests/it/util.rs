//! The harness: every test runs the real `annalist` binary in a directory
//! of its own, on a copy of a corpus, and reads the output back with real
//! parsers.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The binary under test.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_annalist"))
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A scratch directory holding a copy of a corpus.
pub struct Workdir {
    pub dir: tempfile::TempDir,
}

impl Workdir {
    /// A copy of the shipped corpus.
    pub fn shipped() -> Workdir {
        Workdir::copy_of(&repo().join("corpus"))
    }

    /// A copy of `tests/fixtures/NAME`.
    pub fn fixture(name: &str) -> Workdir {
        Workdir::copy_of(&repo().join("tests/fixtures").join(name))
    }

    fn copy_of(src: &Path) -> Workdir {
        let dir = tempfile::tempdir().expect("a temporary directory");
        copy_dir(src, &dir.path().join("corpus"));
        Workdir { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn corpus(&self) -> PathBuf {
        self.path().join("corpus")
    }

    pub fn store(&self) -> PathBuf {
        self.corpus().join(".annalist")
    }

    /// `annalist ARGS --corpus <copy>`, run in the scratch directory.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(bin());
        c.args(args)
            .arg("--corpus")
            .arg(self.corpus())
            .current_dir(self.path())
            .env_remove("ANNALIST_CORPUS")
            .env_remove("ANNALIST_STORE")
            .stdin(Stdio::null());
        c
    }

    pub fn output(&self, args: &[&str]) -> Output {
        self.cmd(args).output().expect("the binary runs")
    }

    /// Runs and asserts success; returns standard output.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.output(args);
        assert!(
            out.status.success(),
            "annalist {args:?} failed: {}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("UTF-8 output")
    }

    /// Runs and asserts failure with exit code 2; returns standard error.
    pub fn fails(&self, args: &[&str]) -> String {
        let out = self.output(args);
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(
            out.status.code(),
            Some(2),
            "annalist {args:?} should fail:\n{stderr}"
        );
        assert!(!stderr.contains("panicked"), "a panic:\n{stderr}");
        assert!(
            !stderr.contains("RUST_BACKTRACE"),
            "a backtrace hint:\n{stderr}"
        );
        stderr
    }

    /// Exports the CSV tables into a fresh directory and returns it.
    pub fn export_csv(&self) -> PathBuf {
        let dir = tempfile::tempdir_in(self.path())
            .expect("a directory")
            .keep();
        self.ok(&[
            "export",
            "--format",
            "csv",
            "-o",
            dir.to_str().unwrap(),
            "--quiet",
        ]);
        dir
    }

    /// Runs a SELECT and parses its CSV result.
    pub fn select(&self, sparql: &str) -> Vec<Vec<String>> {
        let out = self.ok(&["query", "--format", "csv", "--sparql", sparql]);
        csv_rows(&out)
    }

    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        std::fs::write(self.corpus().join(rel), text).expect("write");
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.corpus().join(rel)).expect("read")
    }

    /// Replaces `from` by `to` in a corpus file, asserting it was there.
    pub fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} has no {from:?}");
        self.write(rel, text.replacen(from, to, 1));
    }
}

/// Parses CSV text (header row dropped).
pub fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("valid CSV").iter().map(str::to_string).collect())
        .collect()
}

/// Parses a CSV file into (header, rows).
pub fn csv_file(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).expect("a CSV file");
    let header = r
        .headers()
        .expect("a header")
        .iter()
        .map(str::to_string)
        .collect();
    let rows = r
        .records()
        .map(|r| r.expect("valid CSV").iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for entry in std::fs::read_dir(src).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == ".annalist" {
            continue;
        }
        let to = dst.join(&name);
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to);
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
}

/// The Python with rdflib and pyoxigraph that `scripts/test` installs.
pub fn python() -> PathBuf {
    let p = std::env::var_os("ANNALIST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let home = std::env::var_os("HOME")
                .map(PathBuf::from)
                .unwrap_or_default();
            home.join(".cache/annalist/venv/bin/python")
        });
    assert!(
        p.exists(),
        "{} not found: run scripts/test, which installs the Python clients (rdflib, pyoxigraph)",
        p.display()
    );
    p
}

/// Runs `tests/clients/rdf_clients.py ARGS` and parses its JSON answer.
pub fn client(args: &[&str]) -> serde_json::Value {
    run_json(
        Command::new(python())
            .arg(repo().join("tests/clients/rdf_clients.py"))
            .args(args),
    )
}

/// Runs `tests/clients/graph_clients.py ARGS` (networkx, Kùzu).
pub fn graph_client(args: &[&str]) -> serde_json::Value {
    run_json(
        Command::new(python())
            .arg(repo().join("tests/clients/graph_clients.py"))
            .args(args),
    )
}

/// Runs `tests/clients/falkordb_client.py ARGS` in the Python 3.12 venv.
pub fn falkordb(args: &[&str]) -> serde_json::Value {
    let python = installed("ANNALIST_PYTHON312", ".cache/annalist/venv312/bin/python");
    run_json(
        Command::new(python)
            .arg(repo().join("tests/clients/falkordb_client.py"))
            .args(args),
    )
}

/// Lints a Cypher file with Neo4j's own parser (`@neo4j-cypher/language-support`).
pub fn cypher_lint(path: &Path) -> serde_json::Value {
    let dir = std::env::var_os("ANNALIST_NODE_CLIENTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("tests/clients"));
    assert!(
        dir.join("node_modules").is_dir(),
        "{} has no node_modules: run scripts/test, which installs the Cypher linter",
        dir.display()
    );
    run_json(
        Command::new("node")
            .arg(dir.join("cypher_lint.mjs"))
            .arg(path),
    )
}

fn installed(var: &str, default: &str) -> PathBuf {
    let p = std::env::var_os(var).map(PathBuf::from).unwrap_or_else(|| {
        let home = std::env::var_os("HOME")
            .map(PathBuf::from)
            .unwrap_or_default();
        home.join(default)
    });
    assert!(
        p.exists(),
        "{} not found: run scripts/test, which installs it",
        p.display()
    );
    p
}

fn run_json(cmd: &mut Command) -> serde_json::Value {
    let out = cmd.output().expect("the client runs");
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON from the client")
}

/// Validates an XML file against a RELAX NG schema with xmllint.
pub fn relaxng_valid(schema: &Path, file: &Path) -> Result<(), String> {
    let out = Command::new("xmllint")
        .args(["--noout", "--relaxng"])
        .arg(schema)
        .arg(file)
        .output()
        .expect("xmllint (libxml2-utils) is installed by scripts/test");
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).to_string())
    }
}

/// Counts the statements `rapper` (raptor2) parses, or panics.
pub fn rapper_count(format: &str, path: &Path) -> usize {
    let out = Command::new("rapper")
        .args(["-i", format, "-c"])
        .arg(path)
        .output()
        .expect("rapper (raptor2-utils) is installed by scripts/test");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "rapper rejected {}:\n{stderr}",
        path.display()
    );
    let n = stderr
        .split("returned ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|n| n.parse().ok());
    n.unwrap_or_else(|| panic!("no count in rapper's output: {stderr}"))
}

/// Held by every test that writes to the Virtuoso that scripts/test starts:
/// a bulk load and a Graph Store push at the same time both write the
/// shared ontology graph, and Virtuoso serialises them behind its locks.
pub fn virtuoso_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}
