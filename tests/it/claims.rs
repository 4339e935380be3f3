//! Relations, events and dates as claims, and the historians' questions of
//! queries/: every query's answer on the shipped corpus is pinned here.

use crate::util::*;

fn rows(w: &Workdir, query: &str, binds: &[&str]) -> Vec<Vec<String>> {
    let mut args = vec!["query", query, "--format", "csv", "--quiet"];
    for b in binds {
        args.extend(["--bind", b]);
    }
    csv_rows(&w.ok(&args))
}

fn has(rows: &[Vec<String>], cells: &[&str]) -> bool {
    rows.iter()
        .any(|r| cells.iter().all(|c| r.iter().any(|x| x == c)))
}

#[test]
fn the_shipped_corpus_answers_every_question_of_the_library() {
    let w = Workdir::shipped();
    w.ok(&["build", "--quiet"]);

    // Who wrote to whom, from document metadata and stated relations.
    let r = rows(&w, "correspondence", &[]);
    assert!(has(
        &r,
        &[
            "1953-07-15",
            "Vyacheslav Molotov",
            "Moshe Sharett",
            "molotov-to-sharett-1953-07-15",
            "letter"
        ]
    ));
    assert!(has(
        &r,
        &[
            "1953-07-06",
            "Moshe Sharett",
            "Vyacheslav Molotov",
            "sharett-to-molotov-1953-07-06",
            "letter"
        ]
    ));
    assert!(has(
        &r,
        &[
            "1953-04-14",
            "Ben-Tsion Razin",
            "Eastern European Department",
            "telegram"
        ]
    ));
    assert!(has(
        &r,
        &["1942", "Jewish Anti-Fascist Committee", "greeting"]
    ));

    // A person's profile: posts, letters, mentions by document.
    let r = rows(&w, "profile", &["entity=moshe-sharett"]);
    assert!(has(
        &r,
        &[
            "held a position in",
            "Israeli Foreign Ministry (Foreign Minister)",
            "sharett-to-molotov-1953-07-06"
        ]
    ));
    assert!(has(&r, &["wrote", "sharett-to-molotov-1953-07-06"]));
    assert!(has(&r, &["received", "molotov-to-sharett-1953-07-15"]));
    assert!(r.iter().all(|row| row[0] == "moshe-sharett"));

    // The members and officers of the Jewish Anti-Fascist Committee, as the greeting lists them.
    let r = rows(
        &w,
        "members",
        &["organisation=jewish-anti-fascist-committee"],
    );
    assert!(has(&r, &["Solomon Mikhoels", "chair", "chairman"]));
    assert!(has(&r, &["Shakhno Epstein", "post", "secretary"]));
    let members: Vec<&str> = r
        .iter()
        .filter(|x| x[2] == "member")
        .map(|x| x[1].as_str())
        .collect();
    for m in [
        "Ilya Ehrenburg",
        "David Oistrakh",
        "Emil Gilels",
        "Itzik Fefer",
        "David Bergelson",
    ] {
        assert!(members.contains(&m), "{m} is a member");
    }
    assert_eq!(members.len(), 10);
    assert!(r
        .iter()
        .all(|x| x[5] == "jac-greeting-to-league-v-congress-1942"));

    // The timeline 1941-1953 (a range the query takes from --bind), in date order, from events,
    // documents and dates in the text.
    let r = rows(&w, "timeline", &["from=1941", "to=1953"]);
    assert!(r.windows(2).all(|p| p[0][0] <= p[1][0]), "date order");
    assert!(r
        .iter()
        .all(|x| x[0].as_str() >= "1941" && x[0].as_str() < "1954"));
    assert!(has(
        &r,
        &[
            "1953-03-05",
            "event",
            "Death of Joseph Stalin",
            "coates-forgotten-alliance-2014-09-02"
        ]
    ));
    assert!(has(
        &r,
        &[
            "1953-03-09",
            "event",
            "Death of Joseph Stalin",
            "avner-to-levavi-1953-07-01"
        ]
    ));
    assert!(has(&r, &["1953-07-15", "document: letter"]));
    assert!(has(
        &r,
        &[
            "1953-02-09",
            "date in the text",
            "“February 9”",
            "molotov-to-sharett-1953-07-15"
        ]
    ));
    for kind in ["event", "date in the text"] {
        assert!(r.iter().filter(|x| x[1] == kind).count() > 10, "{kind}");
    }

    // League V's aid, by date and route.
    let r = rows(&w, "aid", &[]);
    assert_eq!(
        (r[0][0].as_str(), r[0][1].as_str(), r[0][2].as_str()),
        ("1941", "Histadrut", "Ivan Maisky")
    );
    assert!(has(&r, &["1943-04-18", "League V", "Red Army"]));
    assert!(r.iter().any(|x| x[3].contains("Tehran")));
    assert!(
        r.iter().all(|x| !x[5].is_empty()),
        "every aid claim carries its evidence"
    );

    // Sources that disagree: Stalin's death on 5 March (the blog, the title page) and 9 March (Avner).
    let r = rows(&w, "conflicting-claims", &[]);
    assert!(has(
        &r,
        &[
            "Death of Joseph Stalin",
            "1953-03-09",
            "avner-to-levavi-1953-07-01",
            "1953-03-05",
            "coates-forgotten-alliance-2014-09-02"
        ]
    ));
    assert!(has(
        &r,
        &[
            "Death of Joseph Stalin",
            "1953-03-09",
            "1953-03-05",
            "soviets-and-palestine-ch4-front-matter"
        ]
    ));
    assert!(
        r.iter()
            .any(|x| x[0] == "First All-Palestinian Congress of League V"),
        "the article places its congress twice"
    );
    assert!(r.iter().all(|x| x[1] == "occurred in"), "{r:?}");

    // Who mentions whom.
    let r = rows(&w, "author-mentions", &[]);
    assert_eq!(&r[0][..2], ["Andrew Coates", "Joseph Stalin"]);
    let stalin_by_coates: usize = r[0][2].parse().unwrap();
    let concordance = rows(&w, "concordance", &["entity=joseph-stalin"]);
    let coates_docs = [
        "coates-forgotten-alliance-2014-09-02",
        "coates-forgotten-alliance-comment-03",
        "coates-forgotten-alliance-comment-11",
    ];
    assert_eq!(
        concordance
            .iter()
            .filter(|c| coates_docs.contains(&c[0].as_str()))
            .count(),
        stalin_by_coates
    );

    // Entities that rest on one source.
    let r = rows(&w, "single-source", &[]);
    assert!(has(
        &r,
        &["belgrade", "Belgrade", "avner-to-levavi-1953-07-01"]
    ));
    assert!(!r.iter().any(|x| x[0] == "joseph-stalin"));

    // Relations with their evidence: one row per claim of relations.csv.
    let r = rows(&w, "relations", &[]);
    let claims = w.read("relations.csv").lines().count() - 1;
    assert_eq!(r.len(), claims);
    assert!(r.iter().all(|x| !x[6].is_empty()));
    assert!(has(
        &r,
        &[
            "Andrei Gromyko",
            "held a position in",
            "USSR Foreign Ministry",
            "deputy foreign minister",
            "1947-05"
        ]
    ));

    // Documents in date order, undated last.
    let r = rows(&w, "documents", &[]);
    assert_eq!(r.len(), 31);
    assert_eq!(r[0][1], "jac-greeting-to-league-v-congress-1942");
    assert!(has(
        &r,
        &[
            "1953-07-15",
            "molotov-to-sharett-1953-07-15",
            "letter",
            "Vyacheslav Molotov",
            "Moshe Sharett"
        ]
    ));
    let dated: Vec<&String> = r
        .iter()
        .map(|x| &x[0])
        .take_while(|d| !d.is_empty())
        .collect();
    assert!(dated.windows(2).all(|p| p[0] <= p[1]));

    // Co-mentions: Israel and the Soviet Union share the most sentences
    // (one of them only through names nested in an article's title).
    let r = rows(&w, "co-mentions", &[]);
    assert_eq!(&r[0][..3], ["Israel", "Soviet Union", "21"]);

    // The named graphs: one per document, plus gazetteer, corpus, summary
    // and ontology.
    let r = rows(&w, "graphs", &[]);
    assert_eq!(r.len(), 31 + 4);
    assert!(r.iter().any(|x| x[0].ends_with("/graph/summary")));
    assert_eq!(r.iter().filter(|x| x[0].contains("/doc/")).count(), 31);
    let total: usize = r.iter().map(|x| x[1].parse::<usize>().unwrap()).sum();
    let quads = w.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0][0]
        .parse::<usize>()
        .unwrap();
    assert_eq!(total, quads);

    // Places and what happened there.
    let r = rows(&w, "places", &[]);
    assert!(has(
        &r,
        &[
            "Tehran",
            "Acceptance of the League V ambulances in Tehran (happened here)",
            "1943-05-02"
        ]
    ));
    assert!(has(
        &r,
        &[
            "Edison Theater",
            "First All-Palestinian Congress of League V (happened here)",
            "1942-05"
        ]
    ));
}

#[test]
fn claims_live_in_their_sources_graph_and_survive_a_triples_only_export() {
    let w = Workdir::fixture("small");
    let out = w.output(&["build"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("5 claims"), "{stderr}");
    // Rows 3 and 6 cite passages that do not name their entities.
    assert!(
        stderr.contains(
            "in 2 claims neither the subject nor the object is named near the quote (lines 3, 6)"
        ),
        "{stderr}"
    );
    // The statement itself, in the graph of the document that makes it.
    let g = w.select(
        "PREFIX ans: <https://w3id.org/annalist/ns#> PREFIX e: <https://example.org/fixture/entity/>
         SELECT ?g WHERE { GRAPH ?g { e:razin ans:met e:slansky } }",
    );
    assert_eq!(
        g,
        vec![vec!["https://example.org/fixture/doc/letter-2".to_string()]]
    );
    // In Turtle (no graphs) the reified claim keeps its source, evidence and date.
    let ttl = w.path().join("claims.ttl");
    w.ok(&[
        "export",
        "--format",
        "turtle",
        "-o",
        ttl.to_str().unwrap(),
        "--quiet",
    ]);
    let q = "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> PREFIX prov: <http://www.w3.org/ns/prov#>
             PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> PREFIX dcterms: <http://purl.org/dc/terms/>
             SELECT ?source ?quote ?date WHERE { ?c a rdf:Statement ; prov:hadPrimarySource ?source ;
               prov:wasDerivedFrom/nif:anchorOf ?quote ; dcterms:date ?date }";
    // Reloaded by pyoxigraph from the Turtle alone, each claim still names its source.
    let reloaded = client(&["query", "turtle", ttl.to_str().unwrap(), q]);
    let reloaded = reloaded.as_array().unwrap();
    assert_eq!(reloaded.len(), 4, "{reloaded:?}");
    assert!(reloaded.iter().any(
        |r| r["source"] == "https://example.org/fixture/doc/letter-2"
            && r["quote"] == "Razin met Slansky and Slánský in Sofia"
            && r["date"] == "1953-04"
    ));
    assert_eq!(w.select(q).len(), 4);
}

#[test]
fn dates_in_the_text_are_normalised_and_an_inferred_year_is_said() {
    let w = Workdir::fixture("small");
    let r = w.select(
        "PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
         PREFIX itsrdf: <http://www.w3.org/2005/11/its/rdf#> PREFIX time: <http://www.w3.org/2006/time#>
         PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
         SELECT ?written ?value ?note WHERE {
           ?d itsrdf:taClassRef time:TemporalEntity ; nif:anchorOf ?written .
           OPTIONAL { ?d itsrdf:taIdentRef ?i . { ?i time:inXSDDate ?value } UNION { ?i time:inXSDgYearMonth ?value } UNION { ?i time:inXSDgYear ?value } }
           OPTIONAL { ?d skos:editorialNote ?note } } ORDER BY ?written",
    );
    let get = |w: &str| {
        r.iter()
            .find(|x| x[0] == w)
            .unwrap_or_else(|| panic!("{w} in {r:?}"))
            .clone()
    };
    assert_eq!(get("July 15, 1953")[1], "1953-07-15");
    assert_eq!(get("April 1953")[1], "1953-04");
    let march = get("5 March");
    assert_eq!(march[1], "1953-03-05", "the year of letter-1");
    assert!(
        march[2].contains("no year"),
        "the inferred year is said: {march:?}"
    );
}
