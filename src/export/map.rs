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

use crate::error::Result;
use crate::input::gazetteer::EntityType;
use crate::read::{self, Order, Reader};
use crate::text::escape::json_string;
use oxigraph::store::Store;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;

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
    let reader = Reader::new(store);
    let places: Vec<read::Entity> = reader
        .entities()?
        .into_iter()
        .filter(|e| e.kind == EntityType::Place)
        .collect();
    let index: HashMap<&str, usize> = places
        .iter()
        .enumerate()
        .map(|(i, p)| (p.iri.as_str(), i))
        .collect();
    // Per place: its mentions, and the documents that name it with their dates.
    let mut mentions = vec![0usize; places.len()];
    let mut named_in: Vec<BTreeMap<String, Option<String>>> = vec![BTreeMap::new(); places.len()];
    for key in reader.documents(Order::Id)? {
        let mut date = None;
        let graph = reader.graph(&key)?;
        for m in graph.mentions()? {
            let Some(&p) = index.get(m.entity.as_str()) else {
                continue;
            };
            mentions[p] += 1;
            if date.is_none() {
                date = Some(graph.document()?.date.map(|d| d.to_string()));
            }
            named_in[p].insert(key.id.clone(), date.clone().flatten());
        }
    }
    let list = |items: &[String]| -> String {
        let items: Vec<String> = items.iter().map(|s| json_string(s)).collect();
        format!("[{}]", items.join(", "))
    };
    let mut features = Vec::new();
    let mut located = 0;
    for (p, place) in places.iter().enumerate() {
        let geometry = match place.wkt.as_deref().and_then(point) {
            Some((lon, lat)) => {
                located += 1;
                format!("{{\"type\": \"Point\", \"coordinates\": [{lon}, {lat}]}}")
            }
            None => "null".to_string(),
        };
        let docs: Vec<String> = named_in[p].keys().cloned().collect();
        let dates: Vec<String> = named_in[p]
            .values()
            .flatten()
            .cloned()
            .collect::<BTreeSet<String>>()
            .into_iter()
            .collect();
        let wikidata = match &place.wikidata {
            Some(q) => json_string(q),
            None => "null".to_string(),
        };
        features.push(format!(
            "    {{\"type\": \"Feature\", \"id\": {id}, \"geometry\": {geometry}, \"properties\": \
             {{\"id\": {id}, \"label\": {label}, \"wikidata\": {wikidata}, \"mentions\": {mentions}, \
             \"documents\": {docs}, \"dates\": {dates}}}}}",
            id = json_string(&place.id),
            label = json_string(&place.label),
            mentions = mentions[p],
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
