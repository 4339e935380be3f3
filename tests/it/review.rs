//! Review: overrides, names limited to documents, shared names, the
//! concordance of `annalist mentions`, and the evaluator.

use crate::util::*;

type Found = Vec<(String, String, String)>;

fn mentions(w: &Workdir) -> Found {
    let (_, rows) = csv_file(&w.export_csv().join("mentions.csv"));
    rows.into_iter()
        .map(|r| (r[0].clone(), r[3].clone(), r[5].clone()))
        .collect()
}

fn has(list: &Found, doc: &str, text: &str, entity: &str) -> bool {
    list.iter()
        .any(|(d, t, e)| d == doc && t == text && e == entity)
}

#[test]
fn overrides_add_reject_and_relink_single_mentions() {
    let w = Workdir::fixture("small");
    let before = mentions(&w);
    assert!(has(&before, "letter-1", "Charette", "sharett"));
    assert!(has(&before, "letter-2", "Razin", "razin"));
    w.write(
        "overrides.csv",
        "document,action,quote,occurrence,start,end,entity,note\n\
         letter-1,reject,Charette,,,,,a reviewer reads someone else here\n\
         article,add,delegation,1,,,odd,\n\
         letter-2,relink,Sharett,1,,,razin,\n\
         letter-2,relink,Razin,,34,39,sharett,addressed by span\n",
    );
    let after = mentions(&w);
    assert!(!before
        .iter()
        .any(|m| m.0 == "article" && m.1 == "delegation"));
    assert!(!has(&after, "letter-1", "Charette", "sharett"));
    assert!(has(&after, "article", "delegation", "odd"));
    assert!(has(&after, "letter-2", "Sharett", "razin"));
    assert!(has(&after, "letter-2", "Razin", "sharett"));
    assert!(
        has(&after, "letter-2", "B. RAZIN", "razin"),
        "only the addressed mention changes"
    );
    assert_eq!(after.len(), before.len(), "one rejected, one added");
}

#[test]
fn a_name_limited_to_a_document_settles_a_shared_name_there() {
    let w = Workdir::fixture("small");
    // A second Razin, also "B. Razin", makes the names shared: nothing in
    // the letter decides, so its mentions are left unlinked and listed.
    let gazetteer = w.read("gazetteer.csv");
    w.write(
        "gazetteer.csv",
        format!("{gazetteer}razin-2,Person,Boris Razin,Razin|B. Razin,,,another Razin\n"),
    );
    let shared = mentions(&w);
    assert!(!has(&shared, "letter-2", "Razin", "razin"));
    let out = w.output(&["build", "--force"]);
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("belongs to several entities (razin, razin-2)"));
    let listed = csv_rows(&w.ok(&["query", "ambiguous", "--format", "csv", "--quiet"]));
    assert!(
        listed
            .iter()
            .any(|r| r[0] == "letter-2" && r[3] == "Razin" && r[4] == "razin|razin-2"),
        "{listed:?}"
    );
    let review = w.ok(&[
        "mentions",
        "--unlinked",
        "--doc",
        "letter-2",
        "--format",
        "tsv",
        "--quiet",
    ]);
    assert!(
        review
            .lines()
            .any(|l| l.contains("\tRazin\t") && l.contains("\tshared: razin|razin-2\t")),
        "{review}"
    );
    // Limited to letter-2, the second Razin's alias decides there.
    w.write(
        "gazetteer.csv",
        format!("{gazetteer}razin-2,Person,Boris Razin,Razin@letter-2,,,another Razin\n"),
    );
    let settled = mentions(&w);
    assert!(has(&settled, "letter-2", "Razin", "razin-2"));
    assert!(csv_rows(&w.ok(&["query", "ambiguous", "--format", "csv", "--quiet"])).is_empty());
    // An alias limited to a document the manifest lacks is ignored.
    w.write(
        "gazetteer.csv",
        format!("{gazetteer}razin-2,Person,Boris Razin,Razin@letter-9,,,another Razin\n"),
    );
    // A gazetteer serves other corpora: the alias is ignored with a
    // warning, and --strict refuses it.
    let out = w.output(&["build"]);
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("\"Razin@letter-9\" of razin-2 (line 14)")
    );
    let err = w.fails(&["build", "--strict"]);
    assert!(
        err.contains("gazetteer.csv:14:1") && err.contains("Razin@letter-9"),
        "{err}"
    );
}

#[test]
fn mentions_lists_a_concordance_for_review() {
    let w = Workdir::fixture("small");
    let out = w.ok(&[
        "mentions", "--entity", "molotov", "--format", "tsv", "--quiet",
    ]);
    let rows: Vec<Vec<&str>> = out.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(
        rows[0],
        [
            "document", "start", "end", "left", "mention", "right", "entity", "type", "wikidata",
            "how", "reason"
        ]
    );
    assert_eq!(rows.len() - 1, 4);
    let letter = rows
        .iter()
        .find(|r| r[0] == "letter-1" && r[4] == "Molotov")
        .unwrap();
    assert!(letter[3].ends_with("ünïcödé 😀 first:"), "{letter:?}");
    assert!(
        letter[5].starts_with("’s reply reached Charette"),
        "{letter:?}"
    );
    // Every row carries the entity's type and Wikidata id.
    assert_eq!(&letter[6..9], ["molotov", "Person", "Q132899"]);
    // And how it was found: a name the gazetteer lists, so no reason.
    assert_eq!(&letter[9..], ["listed", ""]);
    // --unlinked: entities without a Wikidata id (Sharett), not Molotov (Q132899).
    let unlinked = w.ok(&["mentions", "--unlinked", "--format", "tsv", "--quiet"]);
    assert!(
        unlinked.contains("\tsharett\tPerson\t\tlisted\t\n") && !unlinked.contains("\tmolotov\t"),
        "{unlinked}"
    );
}

const GOLD: &str = "document,start,end,text,type,entity
letter-1,12,24,V.M. MOLOTOV,Person,molotov
letter-1,28,38,M. SHARETT,Person,sharett
letter-1,103,111,Charette,Person,sharett
letter-2,44,51,Slansky,Person,slansky
letter-2,74,77,Mr.,Person,
";

#[test]
fn evaluate_scores_strict_exact_and_overlap_with_linking() {
    let w = Workdir::fixture("small");
    w.write("gold.csv", GOLD);
    let report = w.ok(&["evaluate", "--quiet"]);
    let all = report.lines().find(|l| l.starts_with("all ")).unwrap();
    let numbers: Vec<f64> = all
        .split_whitespace()
        .skip(1)
        .map(|n| n.parse().unwrap())
        .collect();
    // 4 of the 5 gold mentions are found exactly; the tagger finds 21 persons, organisations and places
    // in the fixture (Pravda, Sofia, Tel Aviv … are not in this small gold file).
    let found = mentions(&w)
        .iter()
        .filter(|m| m.2 != "stalins-death")
        .count();
    let (p, r) = (4.0 / found as f64, 4.0 / 5.0);
    assert!(
        (numbers[0] - p).abs() < 0.001 && (numbers[1] - r).abs() < 0.001,
        "{all}"
    );
    assert_eq!(numbers[9] as usize, 5, "support");
    assert!(
        report.contains("linking accuracy: 1.000 (4 of 4"),
        "{report}"
    );
    assert!(
        report.contains("misses (gold, not found): 1") && report.contains("[Mr.]"),
        "{report}"
    );
    // --min-f1 turns a low score into exit code 1.
    assert_eq!(
        w.output(&["evaluate", "--quiet", "--min-f1", "0.99"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        w.output(&["evaluate", "--quiet", "--min-f1", "0.1"])
            .status
            .code(),
        Some(0)
    );
    // A gold row whose text is not what the document says is refused, with its line.
    w.write("gold.csv", GOLD.replace("44,51,Slansky", "44,51,Slánský"));
    let err = w.fails(&["evaluate"]);
    assert!(
        err.contains("gold.csv:5:") && err.contains("has \"Slansky\" at 44..51"),
        "{err}"
    );
}

#[test]
fn the_shipped_corpus_holds_its_score_against_the_gold_standard() {
    let w = Workdir::shipped();
    // With the reviewers' overrides: every gold mention, nothing else, every link right.
    let out = w.output(&["evaluate", "--quiet", "--min-f1", "1.0"]);
    let report = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{report}");
    assert!(report.contains("linking accuracy: 1.000"), "{report}");
    assert!(
        report.contains("misses (gold, not found): 0")
            && report.contains("false hits (found, not gold): 0")
    );
    // The gazetteer alone (no overrides) stays above 0.99.
    std::fs::remove_file(w.corpus().join("overrides.csv")).unwrap();
    let out = w.output(&["evaluate", "--quiet", "--min-f1", "0.99"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// (document, start, end, text) of every mention, from the CSV export.
fn spans(w: &Workdir) -> Vec<(String, usize, usize, String)> {
    let (_, rows) = csv_file(&w.export_csv().join("mentions.csv"));
    let mut v: Vec<_> = rows
        .into_iter()
        .map(|r| {
            (
                r[0].clone(),
                r[1].parse().unwrap(),
                r[2].parse().unwrap(),
                r[3].clone(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn web_annotation_and_brat_give_back_the_same_spans() {
    let w = Workdir::shipped();
    let want = spans(&w);
    // W3C Web Annotation: one annotation per mention, code-point selectors.
    let json = w.ok(&["export", "--format", "webanno", "--quiet"]);
    let collection: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(collection["type"], "AnnotationCollection");
    assert_eq!(collection["@context"], "http://www.w3.org/ns/anno.jsonld");
    let mut got = Vec::new();
    for item in collection["first"]["items"].as_array().unwrap() {
        let source = item["target"]["source"].as_str().unwrap();
        let doc = source.rsplit('/').next().unwrap().to_string();
        let selectors = item["target"]["selector"].as_array().unwrap();
        let position = selectors
            .iter()
            .find(|s| s["type"] == "TextPositionSelector")
            .unwrap();
        let quote = selectors
            .iter()
            .find(|s| s["type"] == "TextQuoteSelector")
            .unwrap();
        got.push((
            doc,
            position["start"].as_u64().unwrap() as usize,
            position["end"].as_u64().unwrap() as usize,
            quote["exact"].as_str().unwrap().to_string(),
        ));
        let bodies: Vec<&str> = item["body"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["source"].as_str().unwrap())
            .collect();
        assert!(bodies[0].contains("/entity/"));
    }
    got.sort();
    assert_eq!(got, want);
    assert_eq!(collection["total"].as_u64().unwrap() as usize, want.len());
    // brat: DOC.txt and DOC.ann, fragments split at line breaks.
    let dir = w.path().join("brat");
    w.ok(&[
        "export",
        "--format",
        "brat",
        "-o",
        dir.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(dir.join("annotation.conf").is_file());
    let mut got = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|x| x != "ann") {
            continue;
        }
        let doc = path.file_stem().unwrap().to_string_lossy().to_string();
        let text: Vec<char> = std::fs::read_to_string(path.with_extension("txt"))
            .unwrap()
            .chars()
            .collect();
        for line in std::fs::read_to_string(&path)
            .unwrap()
            .lines()
            .filter(|l| l.starts_with('T'))
        {
            let fields: Vec<&str> = line.split('\t').collect();
            let ranges: Vec<(usize, usize)> = fields[1]
                .split_once(' ')
                .unwrap()
                .1
                .split(';')
                .map(|r| {
                    let (a, b) = r.split_once(' ').unwrap();
                    (a.parse().unwrap(), b.parse().unwrap())
                })
                .collect();
            let pieces: Vec<String> = ranges
                .iter()
                .map(|&(a, b)| text[a..b].iter().collect())
                .collect();
            assert_eq!(pieces.join(" "), fields[2], "{line}");
            let (start, end) = (ranges[0].0, ranges.last().unwrap().1);
            got.push((
                doc.clone(),
                start,
                end,
                text[start..end].iter().collect::<String>(),
            ));
        }
    }
    got.sort();
    assert_eq!(got, want);
}

#[test]
fn tei_files_are_well_formed_and_mark_the_mentions() {
    let w = Workdir::shipped();
    let dir = w.path().join("tei");
    w.ok(&[
        "export",
        "--format",
        "tei",
        "-o",
        dir.to_str().unwrap(),
        "--quiet",
    ]);
    let files: Vec<std::path::PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 31);
    let out = std::process::Command::new("xmllint")
        .arg("--noout")
        .args(&files)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let letter = std::fs::read_to_string(dir.join("molotov-to-sharett-1953-07-15.xml")).unwrap();
    assert!(
        letter.contains(
            r#"<persName ref="http://www.wikidata.org/entity/Q132899">V. Molotov</persName>"#
        ),
        "a linked person points at Wikidata"
    );
    assert!(
        letter.contains(r##"<persName ref="#moshe-sharett">"##),
        "an unlinked one at its standOff entry"
    );
    assert!(
        letter.contains("<listPerson>")
            && letter.contains(r#"<idno type="wikidata">Q132899</idno>"#)
    );
    // The body's text is the document's text.
    let body = std::process::Command::new("xmllint")
        .args(["--xpath", "string(//*[local-name()='body'])"])
        .arg(dir.join("molotov-to-sharett-1953-07-15.xml"))
        .output()
        .unwrap();
    let (_, docs) = csv_file(&w.export_csv().join("documents.csv"));
    let d = docs
        .iter()
        .find(|d| d[0] == "molotov-to-sharett-1953-07-15")
        .unwrap();
    let file: Vec<char> = w.read(&d[1]).chars().collect();
    let text: String = file[d[2].parse::<usize>().unwrap()..d[3].parse::<usize>().unwrap()]
        .iter()
        .collect();
    // xmllint ends what it prints with a line break of its own.
    let printed = String::from_utf8_lossy(&body.stdout);
    assert_eq!(printed.strip_suffix('\n').unwrap_or(&printed), text);
}

#[test]
fn discover_lists_missing_names_and_variants_as_gazetteer_rows() {
    let w = Workdir::fixture("small");
    let article = w.read("texts/article.txt");
    w.write(
        "texts/article.txt",
        format!("{article}\nComrade Petrenko spoke to Sharetto and Charetta. Later Comrade Petrenko left the Wiltshire Club.\n"),
    );
    let rows_path = w.path().join("candidates.csv");
    let out = w.ok(&[
        "discover",
        "--min-count",
        "1",
        "--format",
        "tsv",
        "-o",
        rows_path.to_str().unwrap(),
        "--quiet",
    ]);
    let rows: Vec<Vec<&str>> = out
        .lines()
        .skip(1)
        .map(|l| l.split('\t').collect())
        .collect();
    assert_eq!(
        &rows[0][..3],
        ["Petrenko", "Person", "2"],
        "ranked by frequency, typed by the title before it"
    );
    let sharetto = rows.iter().find(|r| r[0] == "Sharetto").expect("Sharetto");
    assert_eq!(sharetto[1], "Person");
    assert!(
        sharetto[3].starts_with("sharett (Moshe Sharett"),
        "{sharetto:?}"
    );
    // A spelling the build links by itself is a mention, not a candidate.
    assert!(!rows.iter().any(|r| r[0] == "Charetta"), "{rows:?}");
    assert!(rows
        .iter()
        .any(|r| r[0] == "Wiltshire Club" && r[1] == "Organisation"));
    assert!(
        !rows
            .iter()
            .any(|r| r[0].contains("Molotov") || r[0] == "Oddity Bureau"),
        "known names are no candidates"
    );
    // The rows paste into the gazetteer as they are: it still loads and builds.
    let (header, candidates) = csv_file(&rows_path);
    assert_eq!(
        header,
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
    let mut gazetteer = w.read("gazetteer.csv");
    for c in candidates
        .iter()
        .filter(|c| c[0] == "petrenko" || c[0] == "wiltshire-club")
    {
        let mut line = csv::Writer::from_writer(Vec::new());
        line.write_record(c).unwrap();
        gazetteer.push_str(&String::from_utf8(line.into_inner().unwrap()).unwrap());
    }
    w.write("gazetteer.csv", gazetteer);
    let after = w.ok(&["discover", "--min-count", "1", "--format", "tsv", "--quiet"]);
    let names: Vec<&str> = after
        .lines()
        .skip(1)
        .filter_map(|l| l.split('\t').next())
        .collect();
    assert!(
        !names.contains(&"Petrenko") && names.contains(&"Sharetto"),
        "{names:?}"
    );
}

#[test]
fn the_mentions_export_goes_to_evaluate_as_it_is() {
    let w = Workdir::fixture("small");
    let mentions = w.export_csv().join("mentions.csv");
    let (header, rows) = csv_file(&mentions);
    assert_eq!(&header[4..6], ["type", "entity"]);
    assert!(
        rows.iter().any(|r| r[4] == "Person") && rows.iter().any(|r| r[4] == "Place"),
        "types are exported: {rows:?}"
    );
    let path = mentions.to_str().unwrap();
    // Scored against the store itself: everything found, every link right.
    let out = w.output(&["evaluate", "--quiet", "--gold", path, "--min-f1", "1.0"]);
    let report = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{report}");
    assert!(report.contains("linking accuracy: 1.000"), "{report}");
    let out = w.output(&[
        "evaluate",
        "--quiet",
        "--gold",
        path,
        "--predicted",
        path,
        "--min-f1",
        "1.0",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
