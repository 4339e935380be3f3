//! `gazetteer import wikidata` and `link`: the real dump sample (skipped
//! when ../shared is absent), synthetic dumps compressed in the test, bad
//! input, merging, and the review round trip.

use crate::util::{csv_file, repo, Workdir};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The first lines of a real `latest-all.json.gz`, or None (with a note)
/// when the shared reference material is absent.
fn sample() -> Option<PathBuf> {
    let p = shared().join("reference/wikidata-dump-sample/latest-all-first-49.json");
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipped: {} is absent", p.display());
        None
    }
}

/// The shared reference material: ../shared beside the checkout, or
/// where ANNALIST_SHARED points.
pub fn shared() -> PathBuf {
    std::env::var_os("ANNALIST_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared"))
}

fn fixture() -> PathBuf {
    repo().join("tests/fixtures/wikidata/dump.json")
}

fn gz(path: &Path, bytes: &[u8]) {
    let mut e = flate2::write::GzEncoder::new(
        std::fs::File::create(path).unwrap(),
        flate2::Compression::default(),
    );
    e.write_all(bytes).unwrap();
    e.finish().unwrap();
}

fn bz2(path: &Path, bytes: &[u8]) {
    let mut e = bzip2::write::BzEncoder::new(
        std::fs::File::create(path).unwrap(),
        bzip2::Compression::default(),
    );
    e.write_all(bytes).unwrap();
    e.finish().unwrap();
}

/// Rows of a gazetteer CSV by QID, each as column → cell.
fn by_qid(path: &Path) -> HashMap<String, HashMap<String, String>> {
    let (header, rows) = csv_file(path);
    rows.into_iter()
        .map(|r| {
            let row: HashMap<String, String> = header.iter().cloned().zip(r).collect();
            (row["wikidata"].clone(), row)
        })
        .collect()
}

fn import(w: &Workdir, dumps: &[&Path], out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args: Vec<String> = vec!["gazetteer".into(), "import".into(), "wikidata".into()];
    args.extend(dumps.iter().map(|d| d.display().to_string()));
    args.extend(["-o".into(), out.display().to_string()]);
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    w.output(&args)
}

#[test]
fn the_real_sample_gives_its_places_with_labels_aliases_and_facts() {
    let Some(sample) = sample() else { return };
    let w = Workdir::shipped();
    let out = w.path().join("wd.csv");
    let run = import(&w, &[&sample], &out, &[]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let rows = by_qid(&out);
    // What the sample says, read independently.
    let text = std::fs::read_to_string(&sample).unwrap();
    let mut expected: HashMap<String, serde_json::Value> = HashMap::new();
    for line in text.lines() {
        let l = line.trim().trim_end_matches(',');
        if l.starts_with('{') {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            expected.insert(v["id"].as_str().unwrap().to_string(), v);
        }
    }
    for (qid, label) in [
        ("Q84", "London"),
        ("Q64", "Berlin"),
        ("Q142", "France"),
        ("Q145", "United Kingdom"),
        ("Q220", "Rome"),
    ] {
        let row = rows.get(qid).unwrap_or_else(|| panic!("{qid} imported"));
        assert_eq!(row["label"], label);
        assert_eq!(row["type"], "Place", "{qid}");
        let e = &expected[qid];
        let aliases: Vec<&str> = row["aliases"]
            .split('|')
            .filter(|a| !a.is_empty())
            .collect();
        let want: Vec<&str> = e["aliases"]["en"]
            .as_array()
            .map(|a| a.iter().map(|v| v["value"].as_str().unwrap()).collect())
            .unwrap_or_default();
        for a in want
            .iter()
            .filter(|a| **a != label && !a.contains(['|', '@']))
        {
            assert!(aliases.contains(a), "{qid}: alias {a:?} in {aliases:?}");
        }
        assert_eq!(
            row["description"],
            e["descriptions"]["en"]["value"].as_str().unwrap()
        );
        let classes: Vec<&str> = e["claims"]["P31"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["rank"] != "deprecated")
            .map(|c| c["mainsnak"]["datavalue"]["value"]["id"].as_str().unwrap())
            .collect();
        assert_eq!(
            row["instance_of"],
            classes.join("|"),
            "{qid}: deprecated classes left out"
        );
        assert!(row["wikidata_source"].starts_with("Wikidata dump latest-all-first-49.json line "));
        let lat: f64 = row["latitude"].parse().unwrap();
        let lon: f64 = row["longitude"].parse().unwrap();
        assert!((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon));
    }
    assert_eq!(rows["Q84"]["country"], "Q145");
    // People by Q5, and not the items of other classes.
    assert_eq!(rows["Q23"]["type"], "Person");
    assert!(
        rows["Q23"]["born"].starts_with("1732"),
        "{:?}",
        rows["Q23"]["born"]
    );
    assert!(!rows.contains_key("Q44"), "beer is no place");
    // The imported file is a gazetteer annalist reads.
    w.ok(&["link", "--wikidata", out.to_str().unwrap(), "--quiet"]);

    // The same rows through gzip and bzip2, in the same order.
    let bytes = std::fs::read(&sample).unwrap();
    for (name, write) in [("s.json.gz", gz as fn(&Path, &[u8])), ("s.json.bz2", bz2)] {
        let packed = w.path().join(name);
        write(&packed, &bytes);
        let other = w.path().join(format!("{name}.csv"));
        let run = import(&w, &[&packed], &other, &["--quiet"]);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let strip = |p: &Path| -> Vec<Vec<String>> {
            csv_file(p)
                .1
                .into_iter()
                .map(|mut r| {
                    r[5] = r[5].split(" line ").nth(1).unwrap_or_default().to_string();
                    r
                })
                .collect()
        };
        assert_eq!(strip(&out), strip(&other), "{name}");
    }
}

#[test]
fn an_import_keeps_classes_languages_and_hostile_labels_intact() {
    let w = Workdir::fixture("small");
    let out = w.path().join("g.csv");
    let run = import(&w, &[&fixture()], &out, &["--languages", "en,de,ru"]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let rows = by_qid(&out);
    assert_eq!(rows.len(), 3, "the fourth entity is of another class");
    let ada = &rows["Q900000001"];
    assert_eq!(ada["type"], "Person");
    assert_eq!(
        ada["aliases"], "A. Testperson|Ада Тестперсон",
        "by language, then label before aliases"
    );
    assert_eq!(
        (ada["born"].as_str(), ada["died"].as_str()),
        ("1890-05-17", "1961")
    );
    assert_eq!(
        ada["wikidata_source"],
        "Wikidata dump dump.json line 2, entity revision 101 of 2026-01-03T00:00:00Z"
    );
    let town = &rows["Q900000002"];
    assert_eq!(
        town["aliases"], "Test Town|Testdorf",
        "aliases with | or @ are left out"
    );
    assert_eq!(
        (town["latitude"].as_str(), town["longitude"].as_str()),
        ("48.5", "-3.25")
    );
    assert_eq!(
        (town["founded"].as_str(), town["country"].as_str()),
        ("-0100", "Q900000009")
    );
    let co = &rows["Q900000003"];
    assert_eq!(co["label"], "=Quote, \"<Tag>\" & Co");
    assert_eq!(co["description"], "synthetic society, with a newline");
    assert_eq!(
        (co["type"].as_str(), co["founded"].as_str()),
        ("Organisation", "1920-03")
    );

    // A class list of our own: only people.
    let classes = w.path().join("classes.txt");
    std::fs::write(&classes, "# people only\nQ5 Person\n").unwrap();
    let people = w.path().join("p.csv");
    let run = import(
        &w,
        &[&fixture()],
        &people,
        &["--classes", classes.to_str().unwrap()],
    );
    assert!(run.status.success());
    assert_eq!(
        by_qid(&people).keys().collect::<Vec<_>>(),
        vec!["Q900000001"]
    );
    std::fs::write(&classes, "Q5,Human\n").unwrap();
    let err = w.fails(&[
        "gazetteer",
        "import",
        "wikidata",
        fixture().to_str().unwrap(),
        "-o",
        "x.csv",
        "--classes",
        classes.to_str().unwrap(),
    ]);
    assert!(
        err.contains("classes.txt:1:1") && err.contains("\"Human\""),
        "{err}"
    );
}

#[test]
fn an_import_merges_into_a_gazetteer_and_the_curated_row_wins() {
    let w = Workdir::fixture("small");
    let out = w.path().join("g.csv");
    std::fs::write(
        &out,
        "id,type,label,aliases,wikidata,wikidata_source,description\n\
         ada,Person,Ada T.,,Q900000001,checked by hand,curated\n\
         other,Place,Elsewhere,,,,\n",
    )
    .unwrap();
    let run = import(&w, &[&fixture(), &fixture()], &out, &[]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(
        stderr.contains("Q900000001") && stderr.contains("curated row is kept"),
        "{stderr}"
    );
    assert!(stderr.contains("came before in the dumps"), "{stderr}");
    let rows = by_qid(&out);
    assert_eq!(rows["Q900000001"]["label"], "Ada T.");
    assert_eq!(rows["Q900000001"]["wikidata_source"], "checked by hand");
    assert_eq!(rows[""]["id"], "other");
    assert_eq!(rows.len(), 4);
    assert_eq!(csv_file(&out).1.len(), 4, "each QID once");
}

#[test]
fn bad_dumps_name_the_file_and_line_and_keep_going_counts_them() {
    let w = Workdir::fixture("small");
    let text = std::fs::read_to_string(fixture()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let out = w.path().join("g.csv");
    std::fs::write(&out, "id,type,label\nkeep,Place,Keep Me\n").unwrap();
    let before = std::fs::read(&out).unwrap();

    // Cut in the middle of the third entity line.
    let cut = format!(
        "{}\n{}\n{}\n{}",
        lines[0],
        lines[1],
        lines[2],
        &lines[3][..40]
    );
    let cut_path = w.path().join("cut.json");
    std::fs::write(&cut_path, &cut).unwrap();
    let err = w.fails(&[
        "gazetteer",
        "import",
        "wikidata",
        cut_path.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(
        err.contains("cut.json:4:1") && err.contains("truncated"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(&out).unwrap(),
        before,
        "the gazetteer is untouched"
    );
    let run = import(&w, &[&cut_path], &out, &["--keep-going"]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(stderr.contains("1 bad lines"), "{stderr}");
    assert_eq!(by_qid(&out).len(), 3, "Keep Me and two entities");

    // A line that is not JSON, in the middle.
    let mut broken: Vec<&str> = lines.clone();
    broken[2] = "{\"type\":\"item\",\"id\": nonsense},";
    let bad = w.path().join("bad.json");
    std::fs::write(&bad, broken.join("\n")).unwrap();
    let err = w.fails(&[
        "gazetteer",
        "import",
        "wikidata",
        bad.to_str().unwrap(),
        "-o",
        "x.csv",
    ]);
    assert!(
        err.contains("bad.json:3:1") && err.contains("not a Wikidata entity"),
        "{err}"
    );
    assert!(err.contains("fix:"), "{err}");

    // A gzip stream cut short, and a bzip2 stream with a corrupted block.
    let full = w.path().join("full.json.gz");
    gz(&full, text.repeat(50).as_bytes());
    let bytes = std::fs::read(&full).unwrap();
    let short = w.path().join("short.json.gz");
    std::fs::write(&short, &bytes[..bytes.len() / 2]).unwrap();
    let err = w.fails(&[
        "gazetteer",
        "import",
        "wikidata",
        short.to_str().unwrap(),
        "-o",
        "x.csv",
    ]);
    assert!(
        err.contains("short.json.gz") && err.contains("compressed stream breaks off"),
        "{err}"
    );
    let packed = w.path().join("full.json.bz2");
    bz2(&packed, text.repeat(50).as_bytes());
    let mut bytes = std::fs::read(&packed).unwrap();
    let middle = bytes.len() / 2;
    for b in &mut bytes[middle..middle + 64] {
        *b ^= 0x5a;
    }
    let corrupt = w.path().join("corrupt.json.bz2");
    std::fs::write(&corrupt, &bytes).unwrap();
    let err = w.fails(&[
        "gazetteer",
        "import",
        "wikidata",
        corrupt.to_str().unwrap(),
        "-o",
        "x.csv",
    ]);
    assert!(err.contains("corrupt.json.bz2"), "{err}");
    assert!(!w.path().join("x.csv").exists(), "nothing half-written");
    // --keep-going goes on with the next dump.
    let run = import(
        &w,
        &[&short, &fixture()],
        &w.path().join("k.csv"),
        &["--keep-going"],
    );
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(stderr.contains("1 broken dumps"), "{stderr}");
    assert!(by_qid(&w.path().join("k.csv")).contains_key("Q900000003"));
}

const FIVE: [(&str, &str); 5] = [
    ("london", "Q84"),
    ("berlin", "Q64"),
    ("france", "Q142"),
    ("united-kingdom", "Q145"),
    ("rome", "Q220"),
];

/// The shipped corpus with the five places' QIDs taken out.
fn unlinked_corpus() -> Workdir {
    let w = Workdir::shipped();
    let path = w.corpus().join("gazetteer.csv");
    let mut r = csv::Reader::from_path(&path).unwrap();
    let header = r.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let mut wr = csv::Writer::from_path(&path).unwrap();
    wr.write_record(&header).unwrap();
    for row in rows {
        let mut cells: Vec<String> = row.iter().map(str::to_string).collect();
        if FIVE.iter().any(|(id, _)| *id == cells[0]) {
            cells[4].clear();
            cells[5].clear();
        }
        wr.write_record(&cells).unwrap();
    }
    wr.flush().unwrap();
    w
}

#[test]
fn link_proposes_the_removed_qids_first_and_accept_writes_them_back() {
    let Some(sample) = sample() else { return };
    let w = unlinked_corpus();
    let review = w.path().join("review.csv");
    w.ok(&[
        "link",
        "--wikidata",
        sample.to_str().unwrap(),
        "-o",
        review.to_str().unwrap(),
        "--quiet",
    ]);
    let (header, rows) = csv_file(&review);
    assert_eq!(
        header,
        ["entity", "rank", "qid", "label", "score", "evidence"]
    );
    for (id, qid) in FIVE {
        let first: Vec<&Vec<String>> = rows.iter().filter(|r| r[0] == id && r[1] == "1").collect();
        assert_eq!(first.len(), 1, "{id}: {rows:?}");
        assert_eq!(first[0][2], qid, "{id}");
        let evidence = &first[0][5];
        assert!(
            evidence.contains("= Wikidata label") && evidence.contains("type Place"),
            "{evidence}"
        );
        assert!(
            evidence.contains("latest-all-first-49.json line"),
            "{evidence}"
        );
    }
    // An entity that matches nothing says so.
    assert!(rows
        .iter()
        .any(|r| r[2].is_empty() && r[5].starts_with("no candidate")));
    // The same proposals from an index imported once.
    let index = w.path().join("index.csv");
    let run = import(&w, &[&sample], &index, &[]);
    assert!(run.status.success());
    let again = w.ok(&["link", "--wikidata", index.to_str().unwrap(), "--quiet"]);
    let firsts = |rows: &[Vec<String>]| -> Vec<(String, String)> {
        rows.iter()
            .filter(|r| r[1] == "1")
            .map(|r| (r[0].clone(), r[2].clone()))
            .collect()
    };
    assert_eq!(firsts(&crate::util::csv_rows(&again)), firsts(&rows));

    // Keep the five first rows, accept them.
    let mut wr = csv::Writer::from_path(&review).unwrap();
    wr.write_record(&header).unwrap();
    for r in rows
        .iter()
        .filter(|r| r[1] == "1" && FIVE.iter().any(|(id, _)| *id == r[0]))
    {
        wr.write_record(r).unwrap();
    }
    wr.flush().unwrap();
    w.ok(&["link", "--accept", review.to_str().unwrap(), "--quiet"]);
    let (h, g) = csv_file(&w.corpus().join("gazetteer.csv"));
    assert_eq!(
        &h[..7],
        [
            "id",
            "type",
            "label",
            "aliases",
            "wikidata",
            "wikidata_source",
            "description"
        ]
    );
    for (id, qid) in FIVE {
        let row = g.iter().find(|r| r[0] == id).unwrap();
        assert_eq!(row[4], qid);
        assert!(
            row[5].starts_with("candidate accepted in review (annalist link, score "),
            "{}",
            row[5]
        );
    }
    // Accepting twice changes nothing; a second row for one entity is refused.
    w.ok(&["link", "--accept", review.to_str().unwrap(), "--quiet"]);
    let mut text = std::fs::read_to_string(&review).unwrap();
    text.push_str("london,2,Q64,Berlin,0.5,x\n");
    std::fs::write(&review, text).unwrap();
    let err = w.fails(&["link", "--accept", review.to_str().unwrap()]);
    assert!(
        err.contains("review.csv:7:") && err.contains("has Wikidata id Q84 already"),
        "{err}"
    );
    w.ok(&["build", "--quiet"]);
}

#[test]
fn quickstatements_carry_mapped_claims_with_their_document() {
    // The fixture with a member-of claim between two linked entities: the
    // organisation's id is synthetic (see tests/fixtures/wikidata/README.md).
    let w = Workdir::fixture("small");
    let path = w.corpus().join("gazetteer.csv");
    let (header, rows) = csv_file(&path);
    let mut wr = csv::Writer::from_path(&path).unwrap();
    wr.write_record(&header).unwrap();
    for mut r in rows {
        if r[0] == "odd" {
            r[4] = "Q900000003".into();
            r[5] = "synthetic id of the test".into();
        }
        wr.write_record(&r).unwrap();
    }
    wr.flush().unwrap();
    let mut claims = w.read("relations.csv");
    claims.push_str("molotov,member-of,odd,1953-07,letter-1,\"You can read today's \"\"Truth\"\" but not the Truth.\",,\n");
    claims.push_str(
        "molotov,held-position,odd,1953,letter-1,V. Molotov,minister,a close mapping: left out\n",
    );
    w.write("relations.csv", claims);
    let out = w.ok(&["export", "--format", "quickstatements", "--quiet"]);
    let again = w.ok(&["export", "--format", "quickstatements", "--quiet"]);
    assert_eq!(out, again, "deterministic");
    let lines: Vec<Vec<&str>> = out.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(
        lines,
        vec![vec![
            "Q132899",
            "P463",
            "Q900000003",
            "P585",
            "+1953-07-00T00:00:00Z/10",
            "S854",
            "\"https://example.org/fixture/doc/letter-1\"",
            "S1683",
            "en:\"You can read today's 'Truth' but not the Truth.\"",
        ]]
    );
    // Nothing to write for the shipped corpus is no error.
    let shipped = Workdir::shipped();
    let out = shipped.ok(&["export", "--format", "quickstatements", "--quiet"]);
    for l in out.lines() {
        assert!(l.split('\t').count() >= 5, "{l}");
    }
}

#[test]
fn link_also_proposes_candidates_for_names_discover_finds() {
    let w = Workdir::fixture("small");
    let mut text = w.read("texts/article.txt");
    text.push_str(
        "\nComrade Ada Testperson spoke first. Then Comrade Ada Testperson read the letter.\n",
    );
    w.write("texts/article.txt", text);
    let out = w.ok(&[
        "link",
        "--wikidata",
        fixture().to_str().unwrap(),
        "--discovered",
        "--quiet",
    ]);
    let rows = crate::util::csv_rows(&out);
    let row = rows
        .iter()
        .find(|r| r[0] == "discovered:Ada Testperson")
        .unwrap_or_else(|| panic!("{rows:?}"));
    assert_eq!((row[1].as_str(), row[2].as_str()), ("1", "Q900000001"));
    assert!(
        row[5].contains("born 1890, before the documents that mention it (1942)"),
        "{}",
        row[5]
    );
    // Without --discovered, only gazetteer entities.
    let out = w.ok(&["link", "--wikidata", fixture().to_str().unwrap(), "--quiet"]);
    assert!(!out.contains("discovered:"), "{out}");
}
