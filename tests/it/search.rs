//! `annalist search`: words, phrases and prefixes found in the documents'
//! texts, ranked, with passages whose offsets are code points; the index
//! kept beside each generation follows incremental builds.

use crate::util::*;

/// The small fixture plus a folder of searchable notes.
fn with_notes() -> Workdir {
    let w = Workdir::fixture("small");
    std::fs::create_dir_all(w.corpus().join("notes")).unwrap();
    w.write(
        "notes/one.txt",
        "Řím. The uranium shipment left Praha.\nUranium again, and uranium once more.\n",
    );
    w.write(
        "notes/two.txt",
        "A single word of uranium here, and the trial of Slánský in Prague.\n",
    );
    w.write(
        "notes/three.txt",
        "Shipment of grain. The red fox ran; a fox red in tooth.\n",
    );
    w.write(
        "notes/four.txt",
        "Nothing to see, \"hostile\", <b>&amp;</b> =1+1.\n",
    );
    // Enough files that changing a few updates the store (past a quarter,
    // a build starts afresh).
    for i in 0..20 {
        w.write(
            &format!("notes/filler-{i:02}.txt"),
            format!("Filler note {i}.\n"),
        );
    }
    let manifest = w.read("manifest.toml");
    w.write(
        "manifest.toml",
        format!("{manifest}\n[[folder]]\npath = \"notes\"\nkind = \"note\"\nlanguage = \"en\"\n"),
    );
    w
}

/// The hits as CSV rows (header checked): document, start, end, hit.
fn hits(w: &Workdir, args: &[&str]) -> Vec<(String, usize, usize, String)> {
    let mut all = vec!["search", "--format", "csv", "--quiet"];
    all.extend_from_slice(args);
    let out = w.ok(&all);
    assert_eq!(
        out.lines().next(),
        Some("document,title,date,start,end,left,hit,right,score")
    );
    csv_rows(&out)
        .iter()
        .map(|r| {
            (
                r[0].clone(),
                r[3].parse().unwrap(),
                r[4].parse().unwrap(),
                r[6].clone(),
            )
        })
        .collect()
}

#[test]
fn a_word_is_found_in_context_with_code_point_offsets() {
    let w = with_notes();
    let found = hits(&w, &["shipment"]);
    let docs: Vec<&str> = found.iter().map(|h| h.0.as_str()).collect();
    assert!(
        docs.contains(&"notes-one") && docs.contains(&"notes-three"),
        "{found:?}"
    );
    let text = w.read("notes/one.txt");
    let chars: Vec<char> = text.chars().collect();
    for (doc, start, end, hit) in found.iter().filter(|h| h.0 == "notes-one") {
        let span: String = chars[*start..*end].iter().collect();
        assert_eq!(&span, hit, "{doc}: offsets are code points");
        assert_eq!(span, "shipment");
    }
}

#[test]
fn a_document_with_more_hits_ranks_first() {
    let w = with_notes();
    let found = hits(&w, &["uranium"]);
    assert_eq!(found[0].0, "notes-one", "{found:?}");
    assert_eq!(found.iter().filter(|h| h.0 == "notes-one").count(), 3);
    assert_eq!(found.last().unwrap().0, "notes-two", "{found:?}");
}

#[test]
fn a_phrase_matches_words_in_a_row_only() {
    let w = with_notes();
    let found = hits(&w, &["\"red fox\""]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].3, "red fox");
    assert!(hits(&w, &["\"fox shipment\""]).is_empty());
}

#[test]
fn a_prefix_matches_every_word_it_begins() {
    let w = with_notes();
    let found = hits(&w, &["ura*"]);
    let mut docs: Vec<&str> = found.iter().map(|h| h.0.as_str()).collect();
    docs.dedup();
    docs.sort();
    assert_eq!(docs, ["notes-one", "notes-two"]);
    let found = hits(&w, &["\"the tri*\""]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].3, "the trial");
}

#[test]
fn accents_and_case_do_not_count() {
    let w = with_notes();
    for q in ["slansky", "SLÁNSKÝ", "Slánský"] {
        let found = hits(&w, &[q]);
        let two: Vec<_> = found.iter().filter(|h| h.0 == "notes-two").collect();
        assert_eq!(two.len(), 1, "{q}: {found:?}");
        assert_eq!(two[0].3, "Slánský");
    }
    let found = hits(&w, &["rim"]);
    let one: Vec<_> = found.iter().filter(|h| h.0 == "notes-one").collect();
    assert_eq!(one.len(), 1, "{found:?}");
    assert_eq!((one[0].1, one[0].2, one[0].3.as_str()), (0, 3, "Řím"));
}

#[test]
fn no_hit_is_an_empty_answer_with_a_message() {
    let w = with_notes();
    let out = w.output(&["search", "zeppelin", "--format", "csv", "--quiet"]);
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no document contains"), "{stderr}");
    assert!(csv_rows(&String::from_utf8(out.stdout).unwrap()).is_empty());
}

#[test]
fn hostile_queries_are_usage_errors() {
    let w = with_notes();
    for q in ["\"unterminated", "AND OR", "*", "ur*an", "!!!"] {
        let err = w.fails(&["search", q]);
        assert!(err.contains("fix:"), "{q}: {err}");
    }
    assert!(w
        .fails(&["search", "uranium", "--limit", "0"])
        .contains("--limit"));
}

#[test]
fn hostile_text_survives_json_and_table() {
    let w = with_notes();
    let out = w.ok(&["search", "hostile", "--format", "json", "--quiet"]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let hit = &v[0];
    assert_eq!(hit["document"], "notes-four");
    assert_eq!(hit["hit"], "hostile");
    assert_eq!(hit["right"], "\", <b>&amp;</b> =1+1.");
    assert_eq!(hit["start"], 17);
    let table = w.ok(&["search", "hostile", "--format", "table", "--quiet"]);
    assert!(table.contains("notes-four"), "{table}");
}

#[test]
fn the_limit_counts_documents() {
    let w = with_notes();
    let found = hits(&w, &["uranium", "--limit", "1"]);
    assert!(found.iter().all(|h| h.0 == "notes-one"), "{found:?}");
    assert_eq!(found.len(), 3);
}

#[test]
fn an_update_reindexes_the_changed_file_like_a_full_build() {
    let w = with_notes();
    assert_eq!(hits(&w, &["grain"]).len(), 1);
    w.edit("notes/three.txt", "grain", "barley");
    w.write("notes/five.txt", "More barley, from Kiev.\n");
    std::fs::remove_file(w.corpus().join("notes/four.txt")).unwrap();
    let stderr = String::from_utf8_lossy(&w.output(&["build"]).stderr).to_string();
    assert!(
        stderr.contains("(1 added, 1 changed, 1 removed)"),
        "an update: {stderr}"
    );
    assert!(hits(&w, &["grain"]).is_empty(), "the removed word is gone");
    assert!(
        hits(&w, &["hostile"]).is_empty(),
        "the removed file is gone"
    );
    let mut updated = hits(&w, &["barley"]);
    assert_eq!(updated.len(), 2, "{updated:?}");
    let mut words = Vec::new();
    for q in ["uranium", "shipment", "fox", "barley"] {
        words.push(hits(&w, &[q]));
    }
    // Old generations go with their indexes.
    let dirs: Vec<String> = std::fs::read_dir(w.store())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with("gen-") && !n.contains('.') || n.ends_with(".search"))
        .collect();
    let gens = dirs.iter().filter(|n| !n.ends_with(".search")).count();
    assert_eq!(dirs.len(), 2 * gens, "one index per generation: {dirs:?}");

    w.ok(&["build", "--force", "--quiet"]);
    let mut full = hits(&w, &["barley"]);
    updated.sort();
    full.sort();
    assert_eq!(updated, full);
    for (k, q) in ["uranium", "shipment", "fox", "barley"].iter().enumerate() {
        let mut a = words[k].clone();
        let mut b = hits(&w, &[q]);
        a.sort();
        b.sort();
        assert_eq!(a, b, "{q}: an update finds what a full build finds");
    }
}

#[test]
fn ties_are_broken_by_document_id() {
    let w = with_notes();
    // Twenty notes of three words each: the same score for "filler".
    let found = hits(&w, &["filler"]);
    let docs: Vec<&str> = found.iter().map(|h| h.0.as_str()).collect();
    let mut sorted = docs.clone();
    sorted.sort();
    assert_eq!(docs.len(), 20, "{found:?}");
    assert_eq!(docs, sorted, "equal scores in id order");
    let five = hits(&w, &["filler", "--limit", "5"]);
    let five: Vec<&str> = five.iter().map(|h| h.0.as_str()).collect();
    assert_eq!(five, sorted[..5].to_vec());
}

/// The whole CSV answer of each query, scores and order included.
fn answers(w: &Workdir) -> Vec<String> {
    [
        "uranium",
        "shipment",
        "fox",
        "barley",
        "filler",
        "\"red fox\"",
        "ura*",
        "\"the tri*\"",
        "f*",
        "note",
    ]
    .iter()
    .map(|q| w.ok(&["search", q, "--format", "csv", "--quiet"]))
    .collect()
}

#[test]
fn an_update_answers_every_query_as_a_full_build_does() {
    let w = with_notes();
    answers(&w);
    w.edit("notes/filler-03.txt", "Filler", "Barley filler");
    w.edit(
        "notes/one.txt",
        "uranium shipment",
        "uranium barley shipment",
    );
    w.write("notes/five.txt", "A red fox and more barley, from Kiev.\n");
    std::fs::remove_file(w.corpus().join("notes/filler-07.txt")).unwrap();
    let stderr = String::from_utf8_lossy(&w.output(&["build"]).stderr).to_string();
    assert!(
        stderr.contains("(1 added, 2 changed, 1 removed)"),
        "an update: {stderr}"
    );
    let updated = answers(&w);
    assert!(updated[3].contains("notes-five") && updated[3].contains("notes-filler-03"));
    assert!(!updated[4].contains("notes-filler-07"), "{}", updated[4]);
    w.ok(&["build", "--force", "--quiet"]);
    let full = answers(&w);
    for (a, b) in updated.iter().zip(&full) {
        assert_eq!(a, b, "an update answers as a full build, byte for byte");
    }
}

/// The search directory of the store's current generation.
fn index_of(w: &Workdir) -> std::path::PathBuf {
    let current = std::fs::read_to_string(w.store().join("CURRENT")).unwrap();
    w.store().join(format!("{}.search", current.trim()))
}

#[test]
fn a_lost_index_is_made_anew() {
    let w = with_notes();
    let before = answers(&w);
    std::fs::remove_dir_all(index_of(&w)).unwrap();
    let out = w.output(&["search", "uranium", "--format", "csv"]);
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("the search index") && stderr.contains("made it anew"),
        "{stderr}"
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap(), before[0]);
    assert_eq!(answers(&w), before);
}

#[test]
fn a_damaged_index_is_made_anew_by_build() {
    let w = with_notes();
    let before = answers(&w);
    // Cut every file of the index short.
    for entry in std::fs::read_dir(index_of(&w)).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.ends_with(".idx") || name.ends_with(".store") || name.ends_with(".pos") {
            let len = std::fs::metadata(&path).unwrap().len();
            let f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
            f.set_len(len / 2).unwrap();
        }
    }
    let out = w.output(&["build"]);
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("the search index") && stderr.contains("made it anew"),
        "{stderr}"
    );
    assert_eq!(answers(&w), before);
    let again = String::from_utf8_lossy(&w.output(&["build"]).stderr).to_string();
    assert!(again.contains("up to date"), "{again}");
}
