//! Places on a map: the gazetteer's places as GeoJSON (RFC 7946), each with
//! what the corpus says of it.
//!
//! One Feature per place of the gazetteer, in id order: `id` (the gazetteer
//! id, also the Feature's `id`), `label`, `wikidata` (or null), `mentions`
//! (how often the texts mention it), `documents` (the ids of the documents
//! that mention it) and `dates` (their dates, sorted, without repeats). A
//! place with coordinates in the gazetteer has a Point geometry (WGS 84
//! longitude, latitude, as RFC 7946 orders them); a place without has a null
//! geometry, so that the map's table still lists every place.
//!
//! Invariant: everything is read from the store and sorted, so the same
//! store gives the same bytes; every string goes through JSON escaping.

use crate::annotations::webanno::string;
use crate::error::Result;
use crate::export::select;
use crate::vocab::SPARQL_PREFIXES;
use oxigraph::store::Store;
use std::collections::BTreeMap;
use std::io::Write;

const PLACES: &str = "
SELECT ?id ?label ?wikidata ?wkt (COUNT(?m) AS ?mentions) WHERE {
  ?p a schema:Place ; dcterms:identifier ?id ; skos:prefLabel ?label .
  OPTIONAL { ?p geo:hasGeometry/geo:asWKT ?wkt }
  OPTIONAL { ?p owl:sameAs ?wd FILTER(STRSTARTS(STR(?wd), STR(wd:)))
             BIND(STRAFTER(STR(?wd), STR(wd:)) AS ?wikidata) }
  OPTIONAL { ?m itsrdf:taIdentRef ?p }
} GROUP BY ?id ?label ?wikidata ?wkt ORDER BY ?id";

const MENTIONED_IN: &str = "
SELECT DISTINCT ?id ?doc ?date WHERE {
  ?p a schema:Place ; dcterms:identifier ?id .
  ?m itsrdf:taIdentRef ?p ; nif:referenceContext/nif:sourceUrl ?d .
  ?d dcterms:identifier ?doc .
  OPTIONAL { ?d schema:dateCreated ?date }
} ORDER BY ?id ?doc";

/// The longitude and latitude of a WKT `POINT(lon lat)`.
fn point(wkt: &str) -> Option<(f64, f64)> {
    let inner = wkt.trim().strip_prefix("POINT")?.trim();
    let inner = inner.strip_prefix('(')?.strip_suffix(')')?;
    let mut numbers = inner.split_whitespace().map(|n| n.parse::<f64>().ok());
    let (lon, lat) = (numbers.next()??, numbers.next()??);
    numbers.next().is_none().then_some((lon, lat))
}

/// Writes the places of `store` as a GeoJSON FeatureCollection; returns
/// (features, features with a geometry).
pub fn write_geojson(store: &Store, out: &mut dyn Write) -> Result<(usize, usize)> {
    let q = |body: &str| select(store, &format!("{SPARQL_PREFIXES}{body}"));
    let mut mentioned: BTreeMap<String, (Vec<String>, Vec<String>)> = BTreeMap::new();
    for r in q(MENTIONED_IN)? {
        let entry = mentioned.entry(r[0].clone()).or_default();
        if !entry.0.contains(&r[1]) {
            entry.0.push(r[1].clone());
        }
        if !r[2].is_empty() && !entry.1.contains(&r[2]) {
            entry.1.push(r[2].clone());
        }
    }
    let list = |items: &[String]| -> String {
        let items: Vec<String> = items.iter().map(|s| string(s)).collect();
        format!("[{}]", items.join(", "))
    };
    let mut features = Vec::new();
    let mut located = 0;
    for r in q(PLACES)? {
        let (id, label, wikidata, wkt, mentions) = (&r[0], &r[1], &r[2], &r[3], &r[4]);
        let geometry = match point(wkt) {
            Some((lon, lat)) => {
                located += 1;
                format!("{{\"type\": \"Point\", \"coordinates\": [{lon}, {lat}]}}")
            }
            None => "null".to_string(),
        };
        let (docs, mut dates) = mentioned.remove(id).unwrap_or_default();
        dates.sort();
        let wikidata = if wikidata.is_empty() {
            "null".to_string()
        } else {
            string(wikidata)
        };
        features.push(format!(
            "    {{\"type\": \"Feature\", \"id\": {id}, \"geometry\": {geometry}, \"properties\": \
             {{\"id\": {id}, \"label\": {label}, \"wikidata\": {wikidata}, \"mentions\": {mentions}, \
             \"documents\": {docs}, \"dates\": {dates}}}}}",
            id = string(id),
            label = string(label),
            mentions = mentions.parse::<u64>().unwrap_or(0),
            docs = list(&docs),
            dates = list(&dates),
        ));
    }
    let w = |out: &mut dyn Write, s: &str| out.write_all(s.as_bytes());
    (|| {
        w(out, "{\"type\": \"FeatureCollection\", \"features\": [\n")?;
        w(out, &features.join(",\n"))?;
        w(
            out,
            if features.is_empty() {
                "]}\n"
            } else {
                "\n]}\n"
            },
        )
    })()
    .map_err(crate::Error::Output)?;
    Ok((features.len(), located))
}

#[cfg(test)]
mod tests {
    use super::point;

    #[test]
    fn wkt_points_are_read_back() {
        assert_eq!(point("POINT(37.6173 55.7558)"), Some((37.6173, 55.7558)));
        assert_eq!(point(" POINT (-0.1 51.5) "), Some((-0.1, 51.5)));
        assert_eq!(point("POINT(1)"), None);
        assert_eq!(point("LINESTRING(1 2, 3 4)"), None);
        assert_eq!(point(""), None);
    }
}
