//! Kept answers carried across builds: after updates, a library query
//! answers from the kept answer mended by what changed, byte for byte what
//! an evaluation of the new store answers.

use crate::util::*;
use std::path::PathBuf;

/// The generation in use and its answers directory.
fn answers_dir(w: &Workdir) -> PathBuf {
    let current = std::fs::read_to_string(w.store().join("CURRENT")).unwrap();
    w.store().join(format!("{}.answers", current.trim()))
}

/// The names of the files directly in `dir` with extension `ext`.
fn files(dir: &std::path::Path, ext: &str) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The library queries that say how they are carried.
fn carried_queries() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(repo().join("queries"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            std::fs::read_to_string(p)
                .unwrap()
                .lines()
                .any(|l| l.starts_with("# carry:"))
        })
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Adds a folder of forty notes to the corpus of `w`: an update describes
/// again only what changed while that is under a quarter of the files.
fn add_notes(w: &Workdir) {
    let manifest = w.read("manifest.toml");
    w.write(
        "manifest.toml",
        format!(
            "{manifest}\n[[folder]]\npath = \"archive\"\nkind = \"letter\"\nlanguage = \"en\"\n"
        ),
    );
    std::fs::create_dir_all(w.corpus().join("archive/notes")).unwrap();
    for i in 0..40 {
        w.write(
            &format!("archive/notes/{i:02}.txt"),
            format!(
                "Note {i}: Sharett wrote from Tel Aviv on {} May 1953.\n",
                i % 28 + 1
            ),
        );
    }
}

#[test]
fn kept_answers_are_mended_by_updates_as_an_evaluation_answers() {
    let carried = carried_queries();
    assert!(carried.len() >= 12, "{carried:?}");
    for q in [
        "concordance",
        "profile",
        "co-mentions",
        "timeline",
        "graphs",
    ] {
        assert!(carried.iter().any(|c| c == q), "{q} is carried");
    }
    let w = Workdir::shipped();
    add_notes(&w);
    w.ok(&["build", "--answers"]);
    let kept_at_first = files(&answers_dir(&w), "tsv").len();
    assert!(
        kept_at_first > carried.len(),
        "the library and the corpus's queries"
    );
    let before: Vec<String> = carried
        .iter()
        .map(|q| w.ok(&["query", q, "--format", "tsv"]))
        .collect();

    // One update adds two documents, changes a file of seven and removes
    // a note; the next removes one of the two, changes the other, and no
    // question is asked in between.
    w.write(
        "archive/a.txt",
        "Molotov wrote to Sharett from Moscow on 3 May 1953.\n\nTel Aviv answered Moscow.\n",
    );
    w.write(
        "archive/b.txt",
        "Ben Gurion and Sharett met in Jerusalem. Molotov was not there.\n",
    );
    std::fs::remove_file(w.corpus().join("archive/notes/07.txt")).unwrap();
    let file = "texts/002_c5a588f108b3ad1e.txt";
    let text = w.read(file);
    w.write(
        file,
        format!("{text}\nMolotov and Sharett met in Jerusalem.\n"),
    );
    w.ok(&["build", "--no-answers"]);
    assert_eq!(
        files(&answers_dir(&w).join("carry"), "tsv").len(),
        carried.len(),
        "every kept answer of a question that says how it is carried waits to be mended"
    );
    std::fs::remove_file(w.corpus().join("archive/b.txt")).unwrap();
    w.edit(
        "archive/a.txt",
        "Tel Aviv answered",
        "Jerusalem and Tel Aviv answered",
    );
    w.ok(&["build", "--no-answers"]);
    assert_eq!(
        files(&answers_dir(&w).join("carry"), "tsv").len(),
        carried.len(),
        "answers wait across updates"
    );
    let changes = std::fs::read_to_string(answers_dir(&w).join("carry/changes.json")).unwrap();
    assert!(
        changes.contains("archive-b") && changes.contains("archive-notes-07"),
        "the changes of both updates: {changes}"
    );
    assert!(
        files(&answers_dir(&w), "tsv").is_empty(),
        "none is kept yet"
    );

    let mut changed = 0;
    for (i, (q, was)) in carried.iter().zip(&before).enumerate() {
        let mended = w.ok(&["query", q, "--format", "tsv"]);
        // Mended and kept (the shipped corpus answers every query in well
        // under the half second after which an evaluation is kept).
        assert_eq!(
            files(&answers_dir(&w), "tsv").len(),
            i + 1,
            "{q} was mended"
        );
        let fresh = w.ok(&["query", q, "--format", "tsv", "--fresh"]);
        assert_eq!(mended, fresh, "{q}: the mended answer is the evaluation's");
        if &mended != was {
            changed += 1;
        }
        // And in another format, printed from the mended solutions.
        let csv = w.ok(&["query", q, "--format", "csv"]);
        let fresh_csv = w.ok(&["query", q, "--format", "csv", "--fresh"]);
        assert_eq!(csv, fresh_csv, "{q} in CSV");
    }
    assert!(changed >= 8, "the updates changed most answers: {changed}");
    // None of them waits any longer.
    assert!(files(&answers_dir(&w).join("carry"), "tsv").is_empty());
    // After a small update the largest answers are kept as splices of the
    // answers they mended, beside their bases; and mended again from
    // them, their printing too.
    let mut spliced = Vec::new();
    for (round, to) in ["Jerusalem answered", "Jerusalem replied"]
        .iter()
        .enumerate()
    {
        let from = ["Jerusalem and Tel Aviv answered", "Jerusalem answered"][round];
        w.edit("archive/a.txt", from, to);
        w.ok(&["build", "--no-answers"]);
        assert_eq!(
            files(&answers_dir(&w).join("carry"), "splice").len(),
            spliced.len(),
            "round {round}"
        );
        for q in &carried {
            let (mended, how) = asked_in_csv(&w, q);
            if q == "concordance" {
                assert!(how.contains("the kept printing is read"), "{how}");
            }
            let fresh = w.ok(&["query", q, "--format", "csv", "--fresh"]);
            assert_eq!(mended, fresh, "{q}, round {round}");
            let tsv = w.ok(&["query", q, "--format", "tsv"]);
            assert_eq!(
                tsv,
                w.ok(&["query", q, "--format", "tsv", "--fresh"]),
                "{q}"
            );
            let json = w.ok(&["query", q, "--format", "json"]);
            assert_eq!(
                json,
                w.ok(&["query", q, "--format", "json", "--fresh"]),
                "{q}"
            );
        }
        spliced = files(&answers_dir(&w), "splice");
        assert!(
            !spliced.is_empty(),
            "concordance's answer is larger than 64 KiB"
        );
        assert_eq!(files(&answers_dir(&w), "base").len(), 2 * spliced.len());
    }
    // `build --answers` finds the spliced answers kept, and keeps no copy
    // of them (it answers the questions no update carries).
    w.ok(&["build", "--answers"]);
    assert_eq!(files(&answers_dir(&w), "splice"), spliced);
    let whole = files(&answers_dir(&w), "tsv");
    for name in &spliced {
        let copy = name.replace(".splice", ".tsv");
        assert!(!whole.contains(&copy), "{copy}");
    }

    // A kept answer that no longer reads is evaluated, not mended.
    let kept = files(&answers_dir(&w), "tsv");
    let spliced = files(&answers_dir(&w), "splice");
    w.write(
        "archive/a.txt",
        "Sharett wrote to Molotov from Tel Aviv on 4 May 1953.\n",
    );
    w.ok(&["build", "--no-answers"]);
    // Nothing waited when this update ran: its changes are its own.
    let changes = std::fs::read_to_string(answers_dir(&w).join("carry/changes.json")).unwrap();
    assert!(
        changes.contains("archive-a") && !changes.contains("archive-b"),
        "{changes}"
    );
    for name in &kept {
        let path = answers_dir(&w).join("carry").join(name);
        std::fs::write(&path, "?nothing\n\"zzqx, damaged\"\n").unwrap();
    }
    // A splice whose base is cut short, and one that is no splice.
    for (i, name) in spliced.iter().enumerate() {
        let path = answers_dir(&w).join("carry").join(name);
        if i % 2 == 0 {
            let base = path.with_extension("tsv.base");
            let bytes = std::fs::read(&base).unwrap();
            std::fs::remove_file(&base).unwrap();
            std::fs::write(&base, &bytes[..bytes.len() - 1]).unwrap();
        } else {
            std::fs::write(&path, "{\"tsv\": \"zzqx\"}").unwrap();
        }
    }
    for q in &carried {
        let asked = w.ok(&["query", q, "--format", "tsv"]);
        let fresh = w.ok(&["query", q, "--format", "tsv", "--fresh"]);
        assert_eq!(asked, fresh, "{q}: evaluated again");
        assert!(!asked.contains("zzqx"), "{q}");
    }
}

#[test]
fn a_full_build_carries_nothing() {
    let w = Workdir::shipped();
    w.ok(&["build", "--answers"]);
    w.edit(
        "gazetteer.csv",
        "theatre in Jerusalem where",
        "theater in Jerusalem where",
    );
    w.ok(&["build"]);
    assert!(!answers_dir(&w).join("carry").exists());
}

#[test]
fn a_mended_answer_prints_a_hostile_label_in_csv_as_an_evaluation_does() {
    // The fixture's label holds quotes, commas, a line break, `<`, a
    // backslash and a leading `=`; a mended answer is printed in CSV from
    // its kept TSV lines, without the TSV parser.
    let w = Workdir::fixture("small");
    add_notes(&w);
    w.ok(&["build", "--answers"]);
    w.write(
        "archive/notes/05.txt",
        "Note 5: the Oddity Bureau wrote to Sharett again.\n",
    );
    w.ok(&["build", "--no-answers"]);
    let waiting = files(&answers_dir(&w).join("carry"), "tsv").len();
    assert!(waiting >= 12, "{waiting} answers wait");
    assert_eq!(
        files(&answers_dir(&w).join("carry"), "csv").len(),
        waiting,
        "each with its CSV printing"
    );
    for q in ["entities", "concordance", "profile", "co-mentions"] {
        let (mended, how) = asked_in_csv(&w, q);
        assert!(how.contains("the kept printing is read"), "{q}: {how}");
        let fresh = w.ok(&["query", q, "--format", "csv", "--fresh"]);
        assert_eq!(mended, fresh, "{q}");
        if q == "entities" {
            let gazetteer = csv_file(&w.corpus().join("gazetteer.csv")).1;
            let label = &gazetteer.iter().find(|r| r[0] == "odd").unwrap()[2];
            let quoted = format!("\"{}\"", label.replace('"', "\"\""));
            assert!(mended.contains(&quoted), "{mended}");
        }
    }
    assert_eq!(
        files(&answers_dir(&w).join("carry"), "tsv").len(),
        waiting - 4,
        "the four were mended, not evaluated"
    );

    // A printing that is not the kept lines' (here cut short) is left, and
    // the mended lines are printed instead.
    w.write(
        "archive/notes/06.txt",
        "Note 6: the Oddity Bureau wrote to Sharett once more.\n",
    );
    w.ok(&["build", "--no-answers"]);
    let carry = answers_dir(&w).join("carry");
    let mut cut = 0;
    for name in files(&carry, "csv") {
        let path = carry.join(name);
        let text = std::fs::read(&path).unwrap();
        // The last record cut off (a printing of the header alone stays).
        if let Some(end) = text[..text.len() - 2].iter().rposition(|&b| b == b'\n') {
            std::fs::write(&path, &text[..=end]).unwrap();
            cut += 1;
        }
    }
    assert!(cut >= 4, "{cut}");
    for q in ["entities", "concordance"] {
        let (mended, how) = asked_in_csv(&w, q);
        assert!(how.contains("is not the kept lines'"), "{q}: {how}");
        let fresh = w.ok(&["query", q, "--format", "csv", "--fresh"]);
        assert_eq!(mended, fresh, "{q}");
        assert_eq!(
            w.ok(&["query", q, "--format", "csv"]),
            fresh,
            "{q}, asked again"
        );
    }
}

/// Asks `q` in CSV, saying how a kept answer was mended: its output, and
/// what the mending said.
fn asked_in_csv(w: &Workdir, q: &str) -> (String, String) {
    let out = w
        .cmd(&["query", q, "--format", "csv"])
        .env("ANNALIST_DEBUG_CARRY", "1")
        .output()
        .unwrap();
    assert!(out.status.success(), "{q}");
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn the_summary_graph_is_not_counted_again_when_an_update_recorded_its_size() {
    let w = Workdir::shipped();
    add_notes(&w);
    w.ok(&["build", "--answers"]);
    w.write(
        "archive/notes/05.txt",
        "Note 5: Molotov and Sharett met in Jerusalem.\n",
    );
    w.ok(&["build", "--no-answers"]);
    let path = answers_dir(&w).join("carry/changes.json");
    let changes: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let quads = changes["quads"].as_object().expect("sizes recorded");
    let (summary, size) = quads.iter().next().expect("the summary graph's");
    assert!(summary.ends_with("graph/summary"), "{summary}");
    // The recorded size is the graph's: the evaluation counts the same.
    let fresh = w.ok(&["query", "graphs", "--format", "csv", "--fresh"]);
    let row = |csv: &str| {
        csv.lines()
            .find(|l| l.starts_with(&format!("{summary},")))
            .unwrap_or_else(|| panic!("{summary} in {csv}"))
            .to_string()
    };
    assert_eq!(row(&fresh), format!("{summary},{size},"));
    // And it is what the mending reads: a recorded size shows as it is.
    let mut changes = changes.clone();
    changes["quads"][summary] = serde_json::json!(12345);
    std::fs::write(&path, changes.to_string()).unwrap();
    let mended = w.ok(&["query", "graphs", "--format", "csv"]);
    assert_eq!(row(&mended), format!("{summary},12345,"));
    // Every other row is the evaluation's.
    let others = |csv: &str| -> Vec<String> {
        csv.lines()
            .filter(|l| !l.starts_with(&format!("{summary},")))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(others(&mended), others(&fresh));
}
