//! A reading command on an unchanged corpus is answered from the stamp of
//! the generation in use, without the full check; any change the full
//! check would see (an edit in place, a file added below a folder, a
//! manifest edited back to its old time, a damaged store) still reaches the
//! store. A stamp is only written for entries that last changed more than
//! two seconds before the check, so every test first lets the corpus
//! settle.

use crate::util::*;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;

/// Waits until what was written so far can be stamped.
fn settle() {
    std::thread::sleep(std::time::Duration::from_millis(2300));
}

/// The generation `CURRENT` names.
fn generation(w: &Workdir) -> String {
    std::fs::read_to_string(w.store().join("CURRENT"))
        .unwrap()
        .trim()
        .to_string()
}

fn stamp(w: &Workdir) -> PathBuf {
    w.store().join(format!("{}.stamp", generation(w)))
}

/// What tells one writing of the stamp from another: a full check writes
/// it anew (aside, then renamed), the stamp's own answer leaves it be.
fn stamp_written(w: &Workdir) -> (u64, i64, i64) {
    let m = std::fs::metadata(stamp(w)).expect("a stamp");
    (m.ino(), m.mtime(), m.mtime_nsec())
}

/// Runs a reading command and returns (stdout, stderr), asserting success.
fn read(w: &Workdir, args: &[&str]) -> (String, String) {
    let out = w.output(args);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "annalist {args:?}: {stderr}");
    (String::from_utf8(out.stdout).unwrap(), stderr)
}

const TITLES: &str = "SELECT ?t WHERE { ?d <http://purl.org/dc/terms/identifier> \"letter-1\" ; <http://schema.org/name> ?t }";

/// A built, settled fixture whose generation has its stamp.
fn stamped() -> Workdir {
    let w = Workdir::fixture("small");
    w.ok(&["build", "--quiet"]);
    settle();
    let (_, stderr) = read(&w, &["query", "--format", "csv", "entities"]);
    assert!(!stderr.contains("Built"), "{stderr}");
    assert!(stamp(&w).is_file(), "the full check stamps a settled store");
    w
}

#[test]
fn an_unchanged_corpus_is_answered_from_the_stamp_without_a_build() {
    let w = stamped();
    let (before, written) = (generation(&w), stamp_written(&w));
    for args in [
        &["query", "--format", "csv", "entities"][..],
        &["search", "Molotov", "--format", "csv"],
        &["mentions", "--entity", "molotov"],
    ] {
        let (out, stderr) = read(&w, args);
        assert!(!out.is_empty(), "annalist {args:?} answered nothing");
        assert!(!stderr.contains("Built"), "{stderr}");
    }
    assert_eq!(generation(&w), before, "nothing was built");
    assert_eq!(
        stamp_written(&w),
        written,
        "the stamp answered: no full check wrote it anew"
    );
    // `build` is answered from the stamp too, with every text looked at.
    let out = w.output(&["build"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("up to date"));
    assert_eq!(generation(&w), before, "nothing was built");
    assert_eq!(stamp_written(&w), written, "no full check wrote it anew");
}

#[test]
fn build_after_the_stamp_builds_an_edit_in_place() {
    let w = stamped();
    let before = generation(&w);
    // An edit in place changes no directory: only the texts' look sees it.
    w.edit("texts/article.txt", "greeted", "Zqxwvbn");
    let out = w.output(&["build"]);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("up to date"), "{stderr}");
    assert_ne!(generation(&w), before, "the edit was built");
    let (out, _) = read(&w, &["search", "Zqxwvbn", "--format", "csv"]);
    assert!(out.contains("article"), "{out}");
    // Nothing changed since: the next build has nothing to do.
    let out = w.output(&["build"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("up to date"));
}

#[test]
fn an_edit_in_place_after_the_stamp_is_seen() {
    let w = stamped();
    let texts = w.corpus().join("texts");
    let dir_time = std::fs::metadata(&texts).unwrap().mtime_nsec();
    let size = std::fs::metadata(texts.join("article.txt")).unwrap().len();
    // Same length, same file, same directory: only its times change.
    w.edit("texts/article.txt", "greeted", "Zqxwvbn");
    assert_eq!(
        std::fs::metadata(texts.join("article.txt")).unwrap().len(),
        size
    );
    assert_eq!(
        std::fs::metadata(&texts).unwrap().mtime_nsec(),
        dir_time,
        "an edit in place leaves its directory's time"
    );
    let (out, stderr) = read(&w, &["search", "Zqxwvbn", "--format", "csv"]);
    assert!(stderr.contains("Built"), "{stderr}");
    assert!(out.contains("article"), "{out}");
}

#[test]
fn a_manifest_edit_that_keeps_its_size_and_time_is_seen() {
    let w = stamped();
    let path = w.corpus().join("manifest.toml");
    let mtime = std::fs::metadata(&path).unwrap().modified().unwrap();
    w.edit(
        "manifest.toml",
        "Letter from Molotov to Sharett",
        "Letter from Molotov to Sharet!",
    );
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    let rows = w.select(TITLES);
    assert_eq!(
        rows,
        vec![vec!["Letter from Molotov to Sharet!".to_string()]]
    );
}

/// A built, settled fixture with a `[[folder]]` `archive/` holding
/// `archive/1953/a.txt`, whose generation has its stamp.
fn stamped_with_folder() -> Workdir {
    let w = Workdir::fixture("small");
    std::fs::create_dir_all(w.corpus().join("archive/1953")).unwrap();
    w.write("archive/1953/a.txt", "Molotov wrote to Sharett.\n");
    let manifest = w.read("manifest.toml");
    w.write(
        "manifest.toml",
        format!("{manifest}\n[[folder]]\npath = \"archive\"\nkind = \"note\"\n"),
    );
    w.ok(&["build", "--quiet"]);
    settle();
    read(&w, &["query", "--format", "csv", "entities"]);
    assert!(stamp(&w).is_file());
    w
}

#[test]
fn a_file_added_below_a_folder_after_the_stamp_is_built() {
    let w = stamped_with_folder();
    // Only archive/1953's time changes.
    w.write("archive/1953/b.txt", "Sharett wrote back to Molotov.\n");
    let ids = w.select(
        "SELECT ?id WHERE { ?d <http://purl.org/dc/terms/identifier> ?id FILTER(STRSTARTS(STR(?id), \"archive-\")) } ORDER BY ?id",
    );
    assert_eq!(
        ids,
        vec![
            vec!["archive-1953-a".to_string()],
            vec!["archive-1953-b".to_string()]
        ]
    );
}

#[test]
fn an_undescribed_text_is_still_named_when_the_stamp_answers() {
    let w = Workdir::fixture("small");
    w.write("stray.txt", "Nobody describes this file.\n");
    w.ok(&["build", "--quiet"]);
    settle();
    let (_, first) = read(&w, &["query", "--format", "csv", "entities"]);
    assert!(first.contains("stray.txt"), "{first}");
    let written = stamp_written(&w);
    let (_, again) = read(&w, &["query", "--format", "csv", "entities"]);
    assert_eq!(stamp_written(&w), written, "the stamp answered");
    assert_eq!(again, first, "the same warnings");
}

#[test]
fn a_store_damaged_after_the_stamp_is_found_and_built_anew() {
    let w = stamped();
    let sst = std::fs::read_dir(w.store().join(generation(&w)))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "sst"))
        .expect("a table file");
    let len = std::fs::metadata(&sst).unwrap().len();
    let f = std::fs::OpenOptions::new().write(true).open(&sst).unwrap();
    f.set_len(len / 2).unwrap();
    let (out, stderr) = read(&w, &["query", "--format", "csv", "entities"]);
    assert!(stderr.contains("damaged"), "{stderr}");
    assert!(out.contains("molotov"), "{out}");
}

#[test]
fn a_gazetteer_change_after_the_stamp_rebuilds() {
    let w = stamped();
    let gazetteer = w.read("gazetteer.csv");
    w.write("gazetteer.csv", gazetteer.replace("Sofia", "Sofiya"));
    let (_, stderr) = read(&w, &["query", "--format", "csv", "entities"]);
    assert!(stderr.contains("Built"), "{stderr}");
}

#[test]
fn in_the_background_an_edit_in_place_is_told_after_the_answer_and_built_next() {
    let w = stamped();
    w.edit("texts/article.txt", "greeted", "Zqxwvbn");
    let args = [
        "--check",
        "background",
        "search",
        "Zqxwvbn",
        "--format",
        "csv",
    ];
    // The answer comes from the store as it was, and says so after.
    let out = w.output(&args);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("Built"), "{stderr}");
    assert!(
        stderr.contains("changed after the store was built"),
        "{stderr}"
    );
    assert!(stderr.contains("annalist build"), "the fix: {stderr}");
    assert!(!stamp(&w).exists(), "the stamp is gone");
    // The next command checks in full and builds the edit in.
    let (out, stderr) = read(&w, &args);
    assert!(stderr.contains("Built"), "{stderr}");
    assert!(out.contains("article"), "{out}");
}

#[test]
fn in_the_background_an_unchanged_corpus_says_nothing_and_keeps_its_stamp() {
    let w = stamped();
    let written = stamp_written(&w);
    let (out, stderr) = read(
        &w,
        &[
            "--check",
            "background",
            "query",
            "--format",
            "csv",
            "entities",
        ],
    );
    assert!(out.contains("molotov"), "{out}");
    assert!(!stderr.contains("changed"), "{stderr}");
    assert_eq!(stamp_written(&w), written, "the stamp answered and stays");
}

#[test]
fn in_the_background_a_file_added_is_still_built_before_the_answer() {
    let w = stamped_with_folder();
    // A new file changes its directory, which is looked at first.
    w.write("archive/1953/b.txt", "Sharett wrote back to Molotov.\n");
    let (out, stderr) = read(
        &w,
        &[
            "--check",
            "background",
            "search",
            "wrote back",
            "--format",
            "csv",
        ],
    );
    assert!(stderr.contains("Built"), "{stderr}");
    assert!(out.contains("archive-1953-b"), "{out}");
}

/// [`stamped_with_folder`], with `archive/1954/c.txt` too, and ten files
/// in `archive/1955`, so that a change of a few files is an update, not a
/// build anew.
fn stamped_with_two_directories() -> Workdir {
    let w = stamped_with_folder();
    std::fs::create_dir_all(w.corpus().join("archive/1954")).unwrap();
    w.write("archive/1954/c.txt", "Molotov cabled Sharett in Zqxwvbn.\n");
    std::fs::create_dir_all(w.corpus().join("archive/1955")).unwrap();
    for i in 0..10 {
        w.write(&format!("archive/1955/d{i}.txt"), "Sharett met Molotov.\n");
    }
    w.ok(&["build", "--quiet"]);
    settle();
    read(&w, &["query", "--format", "csv", "entities"]);
    assert!(stamp(&w).is_file());
    w
}

/// Builds, and returns how many files the build saw and how many of them
/// it knew unchanged from the stamp (0 when it says nothing of it).
fn build_kept(w: &Workdir) -> (usize, usize) {
    let out = w.output(&["build"]);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{stderr}");
    let number_before = |word: &str| -> usize {
        let at = stderr
            .find(word)
            .unwrap_or_else(|| panic!("{word:?}: {stderr}"));
        let digits: String = stderr[..at]
            .trim_end()
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        digits.chars().rev().collect::<String>().parse().unwrap()
    };
    let files = number_before(" file");
    let kept = if stderr.contains("known unchanged from the stamp") {
        number_before(" of them known unchanged")
    } else {
        0
    };
    (files, kept)
}

#[test]
fn a_change_looks_only_at_the_directories_the_stamp_cannot_vouch_for() {
    let w = stamped_with_two_directories();
    // A file added to archive/1953 changes that directory alone.
    w.write("archive/1953/b.txt", "Sharett wrote back to Molotov.\n");
    let (files, kept) = build_kept(&w);
    assert_eq!(
        kept,
        files - 2,
        "every file but archive/1953's two is known from the stamp"
    );
    let (out, _) = read(&w, &["search", "wrote back", "--format", "csv"]);
    assert!(out.contains("archive-1953-b"), "{out}");
    let (out, _) = read(&w, &["search", "Zqxwvbn", "--format", "csv"]);
    assert!(out.contains("archive-1954-c"), "{out}");
}

#[test]
fn an_edit_in_place_beside_an_added_file_is_built_too() {
    let w = stamped_with_two_directories();
    // archive/1954 keeps its directory's time: only its text's look sees
    // the edit, and the stamp must not vouch for it.
    w.edit("archive/1954/c.txt", "Zqxwvbn", "Pqzjyxw");
    w.write("archive/1953/b.txt", "Sharett wrote back to Molotov.\n");
    let (files, kept) = build_kept(&w);
    assert_eq!(
        kept,
        files - 3,
        "archive/1953 and archive/1954 are looked at"
    );
    let (out, _) = read(&w, &["search", "Pqzjyxw", "--format", "csv"]);
    assert!(out.contains("archive-1954-c"), "{out}");
    let (out, _) = read(&w, &["search", "Zqxwvbn", "--format", "csv"]);
    assert!(
        !out.contains("archive-1954-c"),
        "the old text is gone: {out}"
    );
}

#[test]
fn a_file_removed_after_the_stamp_leaves_the_store() {
    let w = stamped_with_two_directories();
    std::fs::remove_file(w.corpus().join("archive/1953/a.txt")).unwrap();
    let (files, kept) = build_kept(&w);
    assert_eq!(kept, files, "archive/1953 holds no file now");
    let ids = w.select(
        "SELECT ?id WHERE { ?d <http://purl.org/dc/terms/identifier> ?id FILTER(STRSTARTS(STR(?id), \"archive-195\")) } ORDER BY ?id",
    );
    let ids: Vec<&str> = ids.iter().map(|row| row[0].as_str()).collect();
    assert!(!ids.contains(&"archive-1953-a"), "{ids:?}");
    assert!(ids.contains(&"archive-1954-c"), "{ids:?}");
    assert_eq!(ids.len(), 11, "{ids:?}");
}

#[test]
fn the_stamp_a_partial_look_writes_still_sees_later_edits() {
    let w = stamped_with_two_directories();
    w.write("archive/1953/b.txt", "Sharett wrote back to Molotov.\n");
    settle();
    // This build takes archive/1954 and texts/ from the stamp, and stamps
    // the generation it makes with their digests kept.
    let (_, kept) = build_kept(&w);
    assert!(kept > 0);
    assert!(stamp(&w).is_file(), "a settled corpus is stamped");
    let written = stamp_written(&w);
    let (_, stderr) = read(&w, &["query", "--format", "csv", "entities"]);
    assert!(!stderr.contains("Built"), "{stderr}");
    assert_eq!(stamp_written(&w), written, "the stamp answered");
    // An edit in place in a directory whose digests were kept is seen.
    w.edit("archive/1954/c.txt", "Zqxwvbn", "Pqzjyxw");
    let (out, stderr) = read(&w, &["search", "Pqzjyxw", "--format", "csv"]);
    assert!(stderr.contains("Built"), "{stderr}");
    assert!(out.contains("archive-1954-c"), "{out}");
}
