//! The W3C Entity Reconciliation API 0.2 over the corpus's gazetteer:
//! service manifest, reconciliation queries (single, or a batch as the
//! `queries` form parameter OpenRefine sends) with type and property
//! conditions, entity suggest, and an HTML preview.
//!
//! Candidates are gazetteer entities; their ids are gazetteer ids (the
//! identifier space is the corpus's `{base}entity/`), and each candidate's
//! description carries its Wikidata id where the gazetteer has one.
//!
//! Invariants: names are compared folded as discover folds them; the same
//! query gives the same candidates in the same order (score, then id); an
//! answer never contains markup from a label unescaped.

use super::{Request, Response};
use crate::input::gazetteer::{EntityType, Gazetteer};
use crate::text::names::{name_key, similarity, VARIANT_THRESHOLD};
use serde_json::{json, Map, Value};

/// Properties a query can condition on.
pub const PROPERTIES: [(&str, &str); 3] = [
    ("wikidata", "Wikidata item id (e.g. Q84)"),
    ("alias", "another name of the entity"),
    ("description", "words of the entity's description"),
];

/// One entity as the service sees it.
#[derive(Debug, Clone)]
struct Item {
    id: String,
    kind: EntityType,
    label: String,
    names: Vec<(String, String)>,
    description: Option<String>,
    wikidata: Option<String>,
}

/// The reconciliation service over one gazetteer.
pub struct Service {
    items: Vec<Item>,
    base: String,
    name: String,
}

/// A scored candidate.
struct Scored<'a> {
    item: &'a Item,
    score: f64,
    exact_label: bool,
    features: Vec<(String, Value)>,
}

impl Service {
    /// `base` is the corpus's base IRI; `name` the service's name.
    pub fn new(gazetteer: &Gazetteer, base: &str, name: &str) -> Service {
        let items = gazetteer
            .entities
            .iter()
            .map(|e| Item {
                id: e.id.clone(),
                kind: e.kind,
                label: e.label.clone(),
                names: e.names().map(|n| (n.to_string(), name_key(n))).collect(),
                description: e.description.clone(),
                wikidata: e.wikidata.clone(),
            })
            .collect();
        Service {
            items,
            base: base.to_string(),
            name: name.to_string(),
        }
    }

    pub fn route(&self, req: &Request) -> Response {
        let root = format!("{}/reconcile", req.origin);
        match req.path.trim_end_matches('/') {
            "/reconcile" => match req.params.get("queries") {
                Some(q) => self.queries(q),
                None => Response::json(&self.manifest(&root)),
            },
            "/reconcile/suggest/entity" => self.suggest(req),
            "/reconcile/preview" => self.preview(req),
            _ => Response::error(404, "no such reconciliation path"),
        }
    }

    /// The service manifest.
    pub fn manifest(&self, root: &str) -> Value {
        let types: Vec<Value> = EntityType::ALL
            .iter()
            .map(|t| json!({"id": t.name(), "name": t.name()}))
            .collect();
        json!({
            "versions": ["0.2"],
            "name": self.name,
            "identifierSpace": format!("{}entity/", self.base),
            "schemaSpace": "http://schema.org/",
            "serviceVersion": env!("CARGO_PKG_VERSION"),
            "view": {"url": format!("{}entity/{{{{id}}}}", self.base)},
            "defaultTypes": types,
            "suggest": {
                "entity": {"service_url": root, "service_path": "/suggest/entity"}
            },
            "preview": {"url": format!("{root}/preview?id={{{{id}}}}"), "width": 400, "height": 120}
        })
    }

    /// A batch of queries: `{"q0": {"query": …, "type": …, "limit": …,
    /// "properties": [{"pid": …, "v": …}], "type_strict": …}, …}`.
    fn queries(&self, text: &str) -> Response {
        let batch: Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => return Response::error(400, &format!("queries is not JSON: {e}")),
        };
        let Some(batch) = batch.as_object() else {
            return Response::error(400, "queries must be a JSON object of queries by key");
        };
        let mut out = Map::new();
        for (key, q) in batch {
            match self.query(q) {
                Ok(result) => {
                    out.insert(key.clone(), json!({ "result": result }));
                }
                Err(m) => return Response::error(400, &format!("query {key:?}: {m}")),
            }
        }
        Response::json(&Value::Object(out))
    }

    fn query(&self, q: &Value) -> Result<Vec<Value>, String> {
        let q = q.as_object().ok_or("a query is a JSON object")?;
        let text = match q.get("query") {
            Some(Value::String(s)) => s.clone(),
            None => String::new(),
            Some(_) => return Err("query must be a string".into()),
        };
        let types: Vec<String> = match q.get("type") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::String(t)) => vec![t.clone()],
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(|t| t.as_str().map(str::to_string))
                .collect(),
            Some(_) => return Err("type must be a string or a list of strings".into()),
        };
        let limit = match q.get("limit") {
            None => 10,
            Some(v) => v.as_f64().ok_or("limit must be a number")?.max(0.0) as usize,
        };
        let mut conditions: Vec<(String, Vec<String>)> = Vec::new();
        if let Some(p) = q.get("properties") {
            for c in p.as_array().ok_or("properties must be a list")? {
                let pid = c
                    .get("pid")
                    .and_then(Value::as_str)
                    .ok_or("each property needs a pid")?;
                let values: Vec<String> = match c.get("v") {
                    Some(Value::Array(a)) => a.iter().map(value_text).collect(),
                    Some(v) => vec![value_text(v)],
                    None => return Err("each property needs a value v".into()),
                };
                conditions.push((pid.to_string(), values));
            }
        }
        if text.trim().is_empty() && conditions.is_empty() {
            return Err("a query needs query text or properties".into());
        }
        let key = name_key(&text);
        let mut scored: Vec<Scored> = Vec::new();
        for item in &self.items {
            if !types.is_empty()
                && !types
                    .iter()
                    .any(|t| t.eq_ignore_ascii_case(item.kind.name()))
            {
                continue;
            }
            let mut features = Vec::new();
            let (mut score, mut exact_label) = (0.0, false);
            if !key.is_empty() {
                let mut name_score: f64 = 0.0;
                for (i, (written, k)) in item.names.iter().enumerate() {
                    let s = if *k == key {
                        if i == 0 {
                            exact_label = true;
                            100.0
                        } else {
                            90.0
                        }
                    } else {
                        let s = similarity(&text, written);
                        if s >= VARIANT_THRESHOLD {
                            80.0 * s
                        } else if k.split(' ').any(|w| w == key)
                            || key.split(' ').all(|w| k.split(' ').any(|x| x == w))
                        {
                            50.0
                        } else {
                            0.0
                        }
                    };
                    name_score = name_score.max(s);
                }
                if name_score == 0.0 {
                    continue;
                }
                features.push((
                    "name".to_string(),
                    json!((name_score * 100.0).round() / 10000.0),
                ));
                score = name_score;
            }
            let mut all = true;
            for (pid, values) in &conditions {
                let hit = values.iter().any(|v| self.has(item, pid, v));
                features.push((format!("property:{pid}"), json!(hit)));
                if hit {
                    score += 10.0;
                } else {
                    all = false;
                }
            }
            if key.is_empty() && !all {
                continue;
            }
            if key.is_empty() {
                score = 50.0 + 10.0 * conditions.len() as f64;
            }
            scored.push(Scored {
                item,
                score: score.min(100.0),
                exact_label,
                features,
            });
        }
        scored.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.item.id.cmp(&b.item.id)));
        let unique_exact = scored.iter().filter(|s| s.exact_label).count() == 1;
        Ok(scored
            .into_iter()
            .take(limit)
            .map(|s| {
                let mut c = json!({
                    "id": s.item.id,
                    "name": s.item.label,
                    "score": (s.score * 100.0).round() / 100.0,
                    "match": s.exact_label && unique_exact,
                    "type": [{"id": s.item.kind.name(), "name": s.item.kind.name()}],
                    "features": s.features.iter().map(|(id, v)| json!({"id": id, "value": v})).collect::<Vec<_>>(),
                });
                if let Some(d) = describe(s.item) {
                    c["description"] = json!(d);
                }
                c
            })
            .collect())
    }

    /// Whether `item`'s property `pid` has value `v`.
    fn has(&self, item: &Item, pid: &str, v: &str) -> bool {
        match pid {
            "wikidata" => item.wikidata.as_deref() == Some(v.trim()),
            "alias" => {
                let k = name_key(v);
                !k.is_empty() && item.names.iter().skip(1).any(|(_, n)| *n == k)
            }
            "description" => {
                let want = name_key(v);
                let have = item
                    .description
                    .as_deref()
                    .map(name_key)
                    .unwrap_or_default();
                !want.is_empty() && format!(" {have} ").contains(&format!(" {want} "))
            }
            _ => false,
        }
    }

    /// Entity suggest: names that start with the prefix, folded.
    fn suggest(&self, req: &Request) -> Response {
        let prefix = name_key(req.params.get("prefix").map_or("", String::as_str));
        if prefix.is_empty() {
            return Response::error(400, "suggest needs a prefix parameter");
        }
        let cursor: usize = req
            .params
            .get("cursor")
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let mut hits: Vec<(u8, &Item)> = self
            .items
            .iter()
            .filter_map(|i| {
                let rank = if i.names[0].1.starts_with(&prefix) {
                    0
                } else if i.names.iter().any(|(_, k)| {
                    k.starts_with(&prefix) || k.split(' ').any(|w| w.starts_with(&prefix))
                }) {
                    1
                } else {
                    return None;
                };
                Some((rank, i))
            })
            .collect();
        hits.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then(a.1.label.cmp(&b.1.label))
                .then(a.1.id.cmp(&b.1.id))
        });
        let result: Vec<Value> = hits
            .into_iter()
            .skip(cursor)
            .take(10)
            .map(|(_, i)| {
                let mut v = json!({
                    "id": i.id,
                    "name": i.label,
                    "notable": [{"id": i.kind.name(), "name": i.kind.name()}],
                });
                if let Some(d) = describe(i) {
                    v["description"] = json!(d);
                }
                v
            })
            .collect();
        Response::json(&json!({ "result": result }))
    }

    /// An HTML card of one entity.
    fn preview(&self, req: &Request) -> Response {
        let id = req.params.get("id").map_or("", String::as_str);
        let Some(item) = self.items.iter().find(|i| i.id == id) else {
            return Response::error(404, "no entity with that id");
        };
        let mut html = format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{}</title></head><body style=\"font-family:sans-serif;font-size:13px;margin:4px\"><p><strong>{}</strong> ({})</p>",
            crate::export::site::html::attr(&item.label),
            crate::export::site::html::attr(&item.label),
            item.kind.name()
        );
        let others: Vec<String> = item
            .names
            .iter()
            .skip(1)
            .map(|(n, _)| crate::export::site::html::attr(n))
            .collect();
        if !others.is_empty() {
            html.push_str(&format!("<p>also: {}</p>", others.join(", ")));
        }
        if let Some(d) = &item.description {
            html.push_str(&format!("<p>{}</p>", crate::export::site::html::attr(d)));
        }
        if let Some(q) = &item.wikidata {
            html.push_str(&format!(
                "<p>Wikidata: <a href=\"http://www.wikidata.org/entity/{q}\" target=\"_blank\">{q}</a></p>"
            ));
        }
        html.push_str("</body></html>");
        Response::html(html)
    }
}

/// A candidate's description: the gazetteer's, with its Wikidata id.
fn describe(i: &Item) -> Option<String> {
    match (&i.description, &i.wikidata) {
        (Some(d), Some(q)) => Some(format!("{d} (Wikidata {q})")),
        (Some(d), None) => Some(d.clone()),
        (None, Some(q)) => Some(format!("Wikidata {q}")),
        (None, None) => None,
    }
}

/// A property value as text: a string, a number, a boolean, or an
/// entity's id.
fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Object(o) => o
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        other => other.to_string(),
    }
}
