//! The gazetteer: one CSV row per person, organisation, place, event or work.
//!
//! Columns: `id,type,label,aliases,wikidata,wikidata_source,description`
//! (`aliases` separated by `|`), and optionally `latitude,longitude` (WGS 84
//! decimal degrees, both or neither) and the other facts an import from
//! Wikidata writes ([`FACT_COLUMNS`]: `instance_of`, `born`, `died`,
//! `founded`, `dissolved`, `country`), and `gender` (`female` or `male`, which
//! a woman's or a man's title before a name is weighed against). The file is meant to be edited in a
//! spreadsheet, so it is plain RFC 4180 CSV in UTF-8 (a byte-order mark is
//! accepted).
//!
//! Invariants after [`Gazetteer::load`]: ids are unique and IRI-safe; every
//! Wikidata id is `Q` followed by digits and carries the source that
//! verified it; every alias has at least two letters or digits. A gazetteer
//! is an authority file meant to serve many corpora, so a fault confined to
//! one alias (a name too short to match, a document limit that is no
//! document id) leaves that alias out and is recorded in
//! [`Gazetteer::dropped`] with its line and column; [`Gazetteer::fit`]
//! leaves out the aliases limited to documents another corpus has. Faults of
//! structure (header, ids, types, labels, Wikidata ids) stay errors.

use crate::error::{InputError, Position, Result};
use crate::input::corpus::is_valid_id;
use crate::text::table::Table;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// The kind of an entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityType {
    Person,
    Organisation,
    Place,
    Event,
    Work,
}

impl EntityType {
    pub const ALL: [EntityType; 5] = [
        EntityType::Person,
        EntityType::Organisation,
        EntityType::Place,
        EntityType::Event,
        EntityType::Work,
    ];

    pub fn name(self) -> &'static str {
        match self {
            EntityType::Person => "Person",
            EntityType::Organisation => "Organisation",
            EntityType::Place => "Place",
            EntityType::Event => "Event",
            EntityType::Work => "Work",
        }
    }

    fn parse(s: &str) -> Option<EntityType> {
        let s = s.trim();
        Self::ALL.into_iter().find(|t| {
            t.name().eq_ignore_ascii_case(s)
                || (*t == EntityType::Organisation && s.eq_ignore_ascii_case("Organization"))
        })
    }
}

/// One gazetteer row.
#[derive(Debug, Clone)]
pub struct Entity {
    pub id: String,
    pub kind: EntityType,
    pub label: String,
    /// Other spellings, without the label and without repeats.
    pub aliases: Vec<String>,
    /// For each alias, the documents it is limited to (written
    /// `name@doc-id@…` in the CSV); empty when it applies everywhere.
    pub alias_scopes: Vec<Vec<String>>,
    /// The line of the row, for messages.
    pub line: usize,
    /// A Wikidata item id such as `Q855`.
    pub wikidata: Option<String>,
    /// Where the Wikidata id was verified.
    pub wikidata_source: Option<String>,
    pub description: Option<String>,
    /// Where it is: WGS 84 latitude and longitude in decimal degrees.
    pub coordinates: Option<(f64, f64)>,
    /// The optional fact columns that are filled, by column name.
    pub facts: BTreeMap<String, String>,
}

impl std::fmt::Display for EntityType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Entity {
    /// The label followed by the aliases: every name the tagger looks for.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.label.as_str()).chain(self.aliases.iter().map(String::as_str))
    }

    /// Every name with the documents it is limited to (none: everywhere).
    pub fn scoped_names(&self) -> impl Iterator<Item = (&str, &[String])> {
        std::iter::once((self.label.as_str(), &[][..])).chain(
            self.aliases
                .iter()
                .zip(&self.alias_scopes)
                .map(|(a, s)| (a.as_str(), s.as_slice())),
        )
    }
}

/// All entities, in file order, with an index by id.
#[derive(Debug, Clone, Default)]
pub struct Gazetteer {
    pub entities: Vec<Entity>,
    index: HashMap<String, usize>,
    /// The aliases left out because they cannot be used, in file order.
    pub dropped: Vec<Dropped>,
    /// The aliases left out by [`Gazetteer::fit`] because every document
    /// they are limited to belongs to another corpus.
    pub foreign: Vec<Dropped>,
}

/// An alias left out of the gazetteer, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    /// Where the alias is written (its cell).
    pub position: Position,
    pub entity: String,
    /// The alias as written, with its `@document` limits.
    pub alias: String,
    pub reason: String,
}

/// The gazetteer's columns, in the order annalist writes them; the optional
/// [`FACT_COLUMNS`] (coordinates among them) may follow.
pub const COLUMNS: [&str; 7] = [
    "id",
    "type",
    "label",
    "aliases",
    "wikidata",
    "wikidata_source",
    "description",
];

/// Optional columns with facts that help to decide a Wikidata link:
/// P31 classes (`|`-separated QIDs), dates (ISO, as precise as known; a
/// leading `-` for years BCE), WGS 84 coordinates in degrees, the country's
/// QID.
pub const FACT_COLUMNS: [&str; 8] = [
    "instance_of",
    "born",
    "died",
    "founded",
    "dissolved",
    "latitude",
    "longitude",
    "country",
];

/// An optional column: `female` or `male`, for a person.
pub const GENDER: &str = "gender";

impl Gazetteer {
    /// Reads and checks a gazetteer CSV.
    pub fn load(path: &Path) -> Result<Gazetteer> {
        let table = Table::read(path)?;
        let known: Vec<&str> = COLUMNS
            .into_iter()
            .chain(FACT_COLUMNS)
            .chain([GENDER])
            .collect();
        let (columns, rows) = table.rows_named(&known, &["id", "type", "label"])?;
        let col: HashMap<&str, usize> = known
            .iter()
            .zip(&columns)
            .filter_map(|(name, c)| c.map(|c| (*name, c)))
            .collect();

        let mut gazetteer = Gazetteer::default();
        for row in &rows {
            let cell = |name: &str| -> (String, Position) {
                match col.get(name) {
                    Some(&i) => row.cell(i),
                    None => (String::new(), row.position(0)),
                }
            };
            let fail = |pos: Position, msg: String, fix: &str| -> crate::Error {
                InputError::new(path, msg, fix).at(pos).into()
            };
            let (id, id_pos) = cell("id");
            if !is_valid_id(&id) {
                return Err(fail(
                    id_pos,
                    format!("entity id {id:?} is not a valid id"),
                    "use letters, digits, '.', '_' and '-', starting with a letter or digit (e.g. joseph-stalin)",
                ));
            }
            if gazetteer.index.contains_key(&id) {
                return Err(fail(
                    id_pos,
                    format!("duplicate entity id {id:?}"),
                    "give every row its own id, or merge the two rows",
                ));
            }
            let (kind, kind_pos) = cell("type");
            let kind = EntityType::parse(&kind).ok_or_else(|| {
                fail(
                    kind_pos,
                    format!("unknown entity type {kind:?}"),
                    "use Person, Organisation, Place, Event or Work",
                )
            })?;
            let (label, label_pos) = cell("label");
            check_name(&label)
                .map_err(|m| fail(label_pos, m, "give the entity a label with letters"))?;
            let (aliases_cell, aliases_pos) = cell("aliases");
            let mut aliases: Vec<String> = Vec::new();
            let mut alias_scopes: Vec<Vec<String>> = Vec::new();
            // Each alias's place in `aliases`: a row of many aliases (which
            // often share a long prefix) is read in linear time.
            let mut seen: HashMap<&str, usize> = HashMap::new();
            for written in aliases_cell
                .split('|')
                .map(str::trim)
                .filter(|a| !a.is_empty())
            {
                // "name@doc-a@doc-b" limits the alias to those documents.
                let mut parts = written.split('@').map(str::trim);
                let a = parts.next().unwrap_or_default();
                let scope: Vec<String> = parts.map(str::to_string).collect();
                // One unusable alias is left out, not the whole gazetteer.
                let unusable = match scope.iter().find(|d| !crate::input::corpus::is_valid_id(d)) {
                    Some(bad) => Some(format!("{bad:?} is not a document id")),
                    None => check_name(a).err(),
                };
                if let Some(reason) = unusable {
                    gazetteer.dropped.push(Dropped {
                        position: aliases_pos,
                        entity: id.clone(),
                        alias: written.to_string(),
                        reason,
                    });
                    continue;
                }
                if a == label {
                    continue;
                }
                match seen.get(a) {
                    // The same name twice: it applies wherever either says.
                    Some(&i) if scope.is_empty() || alias_scopes[i].is_empty() => {
                        alias_scopes[i].clear()
                    }
                    Some(&i) => alias_scopes[i].extend(scope),
                    None => {
                        seen.insert(a, aliases.len());
                        aliases.push(a.to_string());
                        alias_scopes.push(scope);
                    }
                }
            }
            let (wikidata, wd_pos) = cell("wikidata");
            let wikidata = if wikidata.is_empty() {
                None
            } else {
                let ok = wikidata.len() > 1
                    && wikidata.starts_with('Q')
                    && wikidata[1..].bytes().all(|b| b.is_ascii_digit())
                    && !wikidata[1..].starts_with('0');
                if !ok {
                    return Err(fail(
                        wd_pos,
                        format!("wikidata id {wikidata:?} is not Q followed by digits"),
                        "write the item id as Wikidata shows it (e.g. Q855), or leave the cell empty",
                    ));
                }
                Some(wikidata)
            };
            let (source, source_pos) = cell("wikidata_source");
            let wikidata_source = (!source.is_empty()).then_some(source);
            if wikidata.is_some() && wikidata_source.is_none() {
                return Err(fail(
                    source_pos,
                    format!("wikidata id of {id:?} has no wikidata_source"),
                    "say where the id was verified (a URL or a citation), or leave the wikidata cell empty",
                ));
            }
            let (description, _) = cell("description");
            let coordinates = coordinates(cell("latitude"), cell("longitude"))
                .map_err(|(pos, msg)| {
                    fail(
                        pos,
                        msg,
                        "write WGS 84 decimal degrees, latitude -90 to 90 and longitude -180 to 180 \
                         (e.g. 55.7558 and 37.6173 for Moscow), both or neither",
                    )
                })?;
            let mut facts = BTreeMap::new();
            let (gender, gender_pos) = cell(GENDER);
            if !gender.is_empty() {
                if !matches!(gender.as_str(), "female" | "male") {
                    return Err(fail(
                        gender_pos,
                        format!("gender {gender:?} is not female or male"),
                        "write female or male, or leave the cell empty",
                    ));
                }
                facts.insert(GENDER.to_string(), gender);
            }
            for name in FACT_COLUMNS {
                let (value, pos) = cell(name);
                if value.is_empty() {
                    continue;
                }
                // Coordinates were checked above, as a pair.
                let _ = pos;
                facts.insert(name.to_string(), value);
            }
            gazetteer.index.insert(id.clone(), gazetteer.entities.len());
            gazetteer.entities.push(Entity {
                id,
                kind,
                label,
                aliases,
                alias_scopes,
                line: id_pos.line,
                wikidata,
                wikidata_source,
                description: (!description.is_empty()).then_some(description),
                coordinates,
                facts,
            });
        }
        Ok(gazetteer)
    }

    /// Whether an alias is limited to documents: only then does
    /// [`Gazetteer::fit`] depend on the corpus.
    pub fn has_scopes(&self) -> bool {
        self.entities
            .iter()
            .any(|e| e.alias_scopes.iter().any(|s| !s.is_empty()))
    }

    /// Fits the gazetteer to a corpus: a document limit (`name@doc`) that
    /// names no document of the corpus is removed, and an alias left with
    /// no document it applies to is left out and recorded in
    /// [`Gazetteer::foreign`]. A gazetteer curated on one corpus thus
    /// serves another.
    pub fn fit(&mut self, has_document: impl Fn(&str) -> bool) {
        for e in &mut self.entities {
            let mut keep = vec![true; e.aliases.len()];
            for (i, scope) in e.alias_scopes.iter_mut().enumerate() {
                if scope.is_empty() || scope.iter().all(|d| has_document(d)) {
                    continue;
                }
                let written = std::iter::once(e.aliases[i].as_str())
                    .chain(scope.iter().map(String::as_str))
                    .collect::<Vec<_>>()
                    .join("@");
                scope.retain(|d| has_document(d));
                if scope.is_empty() {
                    keep[i] = false;
                    self.foreign.push(Dropped {
                        position: Position {
                            line: e.line,
                            column: 1,
                        },
                        entity: e.id.clone(),
                        alias: written,
                        reason: "limited to documents this corpus does not have".into(),
                    });
                }
            }
            let mut k = keep.iter();
            e.aliases.retain(|_| *k.next().unwrap_or(&true));
            let mut k = keep.iter();
            e.alias_scopes.retain(|_| *k.next().unwrap_or(&true));
        }
    }

    /// What was left out of the gazetteer, as warnings: one naming every
    /// alias limited to another corpus's documents, and one a line for
    /// each unusable alias.
    pub fn warnings(&self, path: &Path) -> Vec<String> {
        let mut out = Vec::new();
        if !self.foreign.is_empty() {
            let list: Vec<String> = self
                .foreign
                .iter()
                .map(|d| format!("{:?} of {} (line {})", d.alias, d.entity, d.position.line))
                .collect();
            out.push(format!(
                "{}: {} alias{} limited to documents this corpus does not have {} ignored: {}",
                path.display(),
                self.foreign.len(),
                if self.foreign.len() == 1 { "" } else { "es" },
                if self.foreign.len() == 1 { "is" } else { "are" },
                list.join(", ")
            ));
        }
        for d in &self.dropped {
            out.push(format!(
                "{}:{}:{}: alias {:?} of {} left out: {}; fix: give each alias at least two \
                 letters or digits, and write name@document-id to limit one to a document",
                path.display(),
                d.position.line,
                d.position.column,
                d.alias,
                d.entity,
                d.reason
            ));
        }
        out
    }

    /// The first thing left out, as an error (for `build --strict`).
    pub fn strict_error(&self, path: &Path) -> Option<crate::Error> {
        let first = self.dropped.first().or(self.foreign.first())?;
        let n = self.dropped.len() + self.foreign.len();
        Some(
            InputError::new(
                path,
                format!(
                    "alias {:?} of {:?} {}{}",
                    first.alias,
                    first.entity,
                    first.reason,
                    if n > 1 {
                        format!(" ({} more aliases left out; see the warnings without --strict)", n - 1)
                    } else {
                        String::new()
                    }
                ),
                "correct or remove the alias (each needs two letters or digits, and name@document-id \
                 a document of this corpus), or build without --strict to leave such aliases out",
            )
            .at(first.position)
            .into(),
        )
    }

    /// The index of the entity with this id.
    pub fn get(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    pub fn len(&self) -> usize {
        self.entities.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }
}

/// The coordinates of a row: both cells empty, or two numbers in range.
fn coordinates(
    (lat, lat_pos): (String, Position),
    (lon, lon_pos): (String, Position),
) -> Result<Option<(f64, f64)>, (Position, String)> {
    match (lat.is_empty(), lon.is_empty()) {
        (true, true) => return Ok(None),
        (false, true) => return Err((lon_pos, "latitude without longitude".into())),
        (true, false) => return Err((lat_pos, "longitude without latitude".into())),
        _ => {}
    }
    let degrees = |v: &str, pos: Position, what: &str, max: f64| {
        v.parse::<f64>()
            .ok()
            .filter(|x| x.is_finite() && x.abs() <= max && !v.starts_with('+'))
            .ok_or_else(|| {
                (
                    pos,
                    format!("{what} {v:?} is not decimal degrees between -{max} and {max}"),
                )
            })
    };
    Ok(Some((
        degrees(&lat, lat_pos, "latitude", 90.0)?,
        degrees(&lon, lon_pos, "longitude", 180.0)?,
    )))
}

fn check_name(name: &str) -> Result<(), String> {
    if name.chars().filter(|c| c.is_alphanumeric()).count() < 2 {
        return Err(format!(
            "name {name:?} has fewer than two letters or digits"
        ));
    }
    Ok(())
}
