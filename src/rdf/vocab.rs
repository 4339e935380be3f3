//! The IRIs annalist writes: standard vocabularies first, then the few terms
//! of its own, which `ontology/annalist.ttl` declares.
//!
//! Invariant: no other module spells out a vocabulary IRI; every term in
//! [`ans`] is declared in the ontology (a unit test checks it).

use oxigraph::model::NamedNodeRef;

macro_rules! namespace {
    ($(#[$doc:meta])* $module:ident, $ns:literal, { $($name:ident = $local:literal),* $(,)? }) => {
        $(#[$doc])*
        pub mod $module {
            use super::NamedNodeRef;
            pub const NS: &str = $ns;
            $(pub const $name: NamedNodeRef<'static> = NamedNodeRef::new_unchecked(concat!($ns, $local));)*
        }
    };
}

namespace!(
    /// RDF itself.
    rdf, "http://www.w3.org/1999/02/22-rdf-syntax-ns#", {
        TYPE = "type",
        STATEMENT = "Statement",
        SUBJECT = "subject",
        PREDICATE = "predicate",
        OBJECT = "object",
    }
);

namespace!(
    /// OGC GeoSPARQL 1.1: where a place is, as a WKT point (WGS 84 longitude
    /// and latitude, the CRS84 default of `geo:wktLiteral`).
    geo, "http://www.opengis.net/ont/geosparql#", {
        HAS_GEOMETRY = "hasGeometry",
        GEOMETRY = "Geometry",
        AS_WKT = "asWKT",
        WKT_LITERAL = "wktLiteral",
    }
);

namespace!(
    /// XML Schema datatypes.
    xsd, "http://www.w3.org/2001/XMLSchema#", {
        INTEGER = "integer",
    }
);

namespace!(
    /// schema.org: documents, their metadata, and entity classes.
    schema, "http://schema.org/", {
        CREATIVE_WORK = "CreativeWork",
        MESSAGE = "Message",
        ARTICLE = "Article",
        BLOG_POSTING = "BlogPosting",
        COMMENT = "Comment",
        REPORT = "Report",
        DIGITAL_DOCUMENT = "DigitalDocument",
        COLLECTION = "Collection",
        PERSON = "Person",
        ORGANIZATION = "Organization",
        PLACE = "Place",
        EVENT = "Event",
        NAME = "name",
        DESCRIPTION = "description",
        AUTHOR = "author",
        RECIPIENT = "recipient",
        DATE_CREATED = "dateCreated",
        IN_LANGUAGE = "inLanguage",
        TRANSLATION_OF_WORK = "translationOfWork",
        PUBLISHER = "publisher",
        IS_PART_OF = "isPartOf",
        HAS_PART = "hasPart",
        ENCODING_FORMAT = "encodingFormat",
        START_DATE = "startDate",
        END_DATE = "endDate",
        ROLE_NAME = "roleName",
    }
);

namespace!(
    /// Dublin Core terms.
    dcterms, "http://purl.org/dc/terms/", {
        IDENTIFIER = "identifier",
        TYPE = "type",
        SOURCE = "source",
        DATE = "date",
    }
);

namespace!(
    /// SKOS: labels and notes.
    skos, "http://www.w3.org/2004/02/skos/core#", {
        PREF_LABEL = "prefLabel",
        ALT_LABEL = "altLabel",
        NOTE = "note",
        EDITORIAL_NOTE = "editorialNote",
    }
);

namespace!(
    /// OWL: identity with Wikidata items.
    owl, "http://www.w3.org/2002/07/owl#", { SAME_AS = "sameAs" }
);

namespace!(
    /// W3C Web Annotation: where a document lies in its file.
    oa, "http://www.w3.org/ns/oa#", {
        HAS_SOURCE = "hasSource",
        HAS_SELECTOR = "hasSelector",
        TEXT_POSITION_SELECTOR = "TextPositionSelector",
        START = "start",
        END = "end",
    }
);

namespace!(
    /// NIF 2.0 Core: document texts, sentences and mentions (offsets in
    /// Unicode code points).
    nif, "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#", {
        CONTEXT = "Context",
        SENTENCE = "Sentence",
        IS_STRING = "isString",
        BEGIN_INDEX = "beginIndex",
        END_INDEX = "endIndex",
        ANCHOR_OF = "anchorOf",
        REFERENCE_CONTEXT = "referenceContext",
        SOURCE_URL = "sourceUrl",
        SENTENCE_OF = "sentence",
    }
);

namespace!(
    /// PROV-O: where a claim comes from.
    prov, "http://www.w3.org/ns/prov#", {
        HAD_PRIMARY_SOURCE = "hadPrimarySource",
        WAS_DERIVED_FROM = "wasDerivedFrom",
    }
);

namespace!(
    /// OWL-Time: the instants that dates in the text name.
    time, "http://www.w3.org/2006/time#", {
        INSTANT = "Instant",
        TEMPORAL_ENTITY = "TemporalEntity",
        IN_XSD_DATE = "inXSDDate",
        IN_XSD_G_YEAR_MONTH = "inXSDgYearMonth",
        IN_XSD_G_YEAR = "inXSDgYear",
    }
);

namespace!(
    /// ITS 2.0 in RDF: the entity a mention refers to.
    itsrdf, "http://www.w3.org/2005/11/its/rdf#", {
        TA_IDENT_REF = "taIdentRef",
        TA_CLASS_REF = "taClassRef",
    }
);

namespace!(
    /// annalist's own terms, declared in `ontology/annalist.ttl`.
    ans, "https://w3id.org/annalist/ns#", {
        WIKIDATA_SOURCE = "wikidataSource",
        DOCUMENT_KINDS = "DocumentKinds",
        CANDIDATE = "candidate",
        FOUND_BY = "foundBy",
        NESTED_IN = "nestedIn",
        MENTION_METHODS = "MentionMethods",
        MENTION_COUNT = "mentionCount",
        DOCUMENT_COUNT = "documentCount",
        CO_MENTION_OF = "coMentionOf",
        SENTENCE_COUNT = "sentenceCount",
        TALLY_OF = "tallyOf",
        TALLY_IN = "tallyIn",
    }
);

/// The Wikidata entity namespace.
pub const WIKIDATA_ENTITY: &str = "http://www.wikidata.org/entity/";

/// The IRI of the ontology, also the name of the graph that holds it.
pub const ONTOLOGY_IRI: &str = "https://w3id.org/annalist/ns";

/// The ontology itself, loaded into every store.
pub const ONTOLOGY_TTL: &str = include_str!("../../ontology/annalist.ttl");

/// The PREFIX lines of the queries annalist runs itself.
pub const SPARQL_PREFIXES: &str = "
PREFIX schema: <http://schema.org/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
PREFIX itsrdf: <http://www.w3.org/2005/11/its/rdf#>
PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX ans: <https://w3id.org/annalist/ns#>
PREFIX geo: <http://www.opengis.net/ont/geosparql#>
";

/// The prefixes written into Turtle, TriG and JSON-LD exports.
pub fn prefixes(base: &str) -> Vec<(&'static str, String)> {
    vec![
        ("rdf", rdf::NS.into()),
        ("xsd", xsd::NS.into()),
        ("schema", schema::NS.into()),
        ("dcterms", dcterms::NS.into()),
        ("skos", skos::NS.into()),
        ("owl", owl::NS.into()),
        ("oa", oa::NS.into()),
        ("prov", prov::NS.into()),
        ("time", time::NS.into()),
        ("nif", nif::NS.into()),
        ("itsrdf", itsrdf::NS.into()),
        ("ans", ans::NS.into()),
        ("geo", geo::NS.into()),
        ("wd", WIKIDATA_ENTITY.into()),
        ("entity", format!("{base}entity/")),
        ("doc", format!("{base}doc/")),
        ("file", format!("{base}file/")),
        ("graph", format!("{base}graph/")),
        ("claim", format!("{base}claim/")),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparql_prefixes_agree_with_the_namespaces() {
        for line in SPARQL_PREFIXES.lines().filter(|l| !l.is_empty()) {
            let (prefix, iri) = line
                .strip_prefix("PREFIX ")
                .and_then(|l| l.split_once(": <"))
                .expect("a PREFIX line");
            let want = prefixes("http://example.org/")
                .into_iter()
                .find(|(p, _)| *p == prefix)
                .map(|(_, i)| i);
            assert_eq!(want.as_deref(), iri.strip_suffix('>'), "{prefix}");
        }
    }

    #[test]
    fn every_minted_term_is_declared_in_the_ontology() {
        for term in [
            ans::WIKIDATA_SOURCE,
            ans::DOCUMENT_KINDS,
            ans::CANDIDATE,
            ans::FOUND_BY,
            ans::NESTED_IN,
            ans::MENTION_METHODS,
            ans::MENTION_COUNT,
            ans::DOCUMENT_COUNT,
            ans::CO_MENTION_OF,
            ans::SENTENCE_COUNT,
            ans::TALLY_OF,
            ans::TALLY_IN,
        ] {
            let local = term.as_str().strip_prefix(ans::NS).unwrap();
            assert!(
                ONTOLOGY_TTL.contains(&format!("\nans:{local}\n")),
                "ans:{local} is not declared in ontology/annalist.ttl"
            );
        }
        for r in crate::input::relations::VOCABULARY {
            assert!(
                ONTOLOGY_TTL.contains(&format!("\nans:{}\n", r.local)),
                "relation ans:{} is not declared in ontology/annalist.ttl",
                r.local
            );
        }
        for kind in crate::input::corpus::KINDS {
            assert!(
                ONTOLOGY_TTL.contains(&format!("\nans:{kind}\n")),
                "document kind ans:{kind} is not declared in ontology/annalist.ttl"
            );
        }
    }
}
