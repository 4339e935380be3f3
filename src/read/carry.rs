//! Kept answers carried across builds: an answer kept on an earlier
//! generation, mended by what the updates since then changed, instead of
//! evaluated again over the whole store.
//!
//! A query says how its rows follow the store with a line
//! `# carry: ?var=kind …`: every row is decided by the facts of the keys it
//! returns, so a row whose keys no update touched is still an answer's row,
//! and the rows of the touched keys are the query's rows with those keys
//! bound. The keys and what touches them ([`Changes`]):
//!
//! - `?v=document`: a document id; touched when the updates removed,
//!   changed or added that document;
//! - `?v=entity`: an entity id; touched when a changed document's graph
//!   names it, before or after;
//! - `?e=entity ?d=document`: touched when that document is changed and its
//!   graph names that entity;
//! - `?a=entity ?b=entity`: a pair whose count of shared sentences changed;
//! - `?g=graph`: a graph's IRI, touched when the graph changed.
//!
//! Beside a graph key, `?n=quads` says that `?n` is the number of quads
//! in that graph. An update that changed a graph only in its counts (the
//! summary graph, whose counts every update changes: seven million quads
//! at 1 GB, seconds to count again) records how many quads it holds
//! after ([`Changes::quads`]); that graph's rows are then its kept rows
//! with the recorded number, its other cells unchanged because nothing
//! but counts changed in it.
//!
//! The mended answer keeps the rows of untouched keys as they were kept
//! (their bytes), drops the touched ones and puts the rows of the touched
//! keys, evaluated with the keys bound, where the query's ORDER BY puts
//! them. Only the lines that hold a touched key's cell are read (one
//! multi-pattern search over the kept bytes finds them), and a new row's
//! place is found by halving the untouched lines' bytes. When the kept
//! answer's CSV printing was carried with it, the mended printing copies
//! its untouched records and prints only the new lines ([`Mended`]), so a
//! mending of hundreds of megabytes converts a few lines; both are kept
//! as splices of the answer mended ([`crate::store::spliced`]) when it is
//! large. So that the order decides every row's place, the ORDER BY must
//! name every variable the query returns (as `?v`, `ASC(?v)` or `DESC(?v)`;
//! before them `STR(?v)` and `BOUND(?v)` may come too): then rows that
//! compare equal are the same row, and the answer's bytes do not depend on
//! the order the evaluation met them in.
//!
//! Invariant: a mended answer is byte for byte the answer an evaluation
//! prints on the new generation (`tests/it/carry.rs`); a query this
//! module cannot mend (no `# carry:`, an ORDER BY it does not read, a term
//! whose order it does not know) is evaluated again, never guessed.

use crate::error::{Error, Result};
use crate::read::reprint::cells as cells_of;
use crate::store::answers::{Changes, Waiting, CARRY_LINE};
use crate::store::spliced::{Piece, Splice};
use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::{Literal, NamedNode, Term, Variable};
use oxigraph::sparql::results::{
    QueryResultsFormat, QueryResultsParser, QueryResultsSerializer, ReaderQueryResultsParserOutput,
};
use oxigraph::sparql::QuerySolution;
use spargebra::algebra::{Expression, Function, GraphPattern, OrderExpression};
use std::cmp::Ordering;
use std::collections::HashSet;

/// The most changed keys an answer is mended for: each is one evaluation
/// of the question bound to it (milliseconds to a second on a large store),
/// so past a few thousand the whole question costs less.
const BOUND_AT_MOST: usize = 5_000;

/// Cells of touched keys, and pairs of them.
type Cells = HashSet<Vec<u8>>;
type PairCells = HashSet<(Vec<u8>, Vec<u8>)>;
/// Whether a kept row (its cells) is touched.
type IsTouched = Box<dyn Fn(&[&[u8]]) -> bool>;

/// The kind of a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Document,
    Entity,
    Graph,
}

/// How a query's rows follow the store: its keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Keys {
    /// A document id.
    Document(Variable),
    Entity(Variable),
    /// An entity named in a document.
    EntityIn(Variable, Variable),
    /// A pair of entities that share sentences.
    Pair(Variable, Variable),
    /// A graph's IRI, and the variable that counts its quads, if any.
    Graph(Variable, Option<Variable>),
}

impl Keys {
    fn variables(&self) -> Vec<&Variable> {
        match self {
            Keys::Document(v) | Keys::Entity(v) | Keys::Graph(v, _) => vec![v],
            Keys::EntityIn(a, b) | Keys::Pair(a, b) => vec![a, b],
        }
    }
}

/// The keys a query declares with `# carry:`; None when it declares none.
pub fn keys(text: &str) -> std::result::Result<Option<Keys>, String> {
    let Some(line) = text
        .lines()
        .find_map(|l| l.trim_start().strip_prefix(CARRY_LINE))
    else {
        return Ok(None);
    };
    let mut declared = Vec::new();
    let mut quads = None;
    for item in line.split_whitespace() {
        let (var, kind) = item
            .split_once('=')
            .ok_or_else(|| format!("`{item}`: a key is written ?variable=kind"))?;
        let var = var
            .strip_prefix('?')
            .filter(|v| !v.is_empty())
            .ok_or_else(|| format!("`{item}`: a key is written ?variable=kind"))?;
        let kind = match kind {
            "document" => Kind::Document,
            "entity" => Kind::Entity,
            "graph" => Kind::Graph,
            "quads" if quads.is_none() => {
                quads = Some(Variable::new_unchecked(var));
                continue;
            }
            other => {
                return Err(format!(
                    "`{other}`: a key's kind is document, entity or graph (and one count of quads)"
                ))
            }
        };
        declared.push((Variable::new_unchecked(var), kind));
    }
    use Kind::*;
    let kinds: Vec<Kind> = declared.iter().map(|(_, k)| *k).collect();
    let mut vars = declared.into_iter().map(|(v, _)| v);
    let mut next = || vars.next().expect("as many as the kinds");
    if quads.is_some() && kinds[..] != [Graph] {
        return Err(
            "`?v=quads` counts the quads of a graph key, and comes beside one alone".into(),
        );
    }
    Ok(Some(match kinds[..] {
        [] => return Err("no key after `# carry:`".into()),
        [Document] => Keys::Document(next()),
        [Entity] => Keys::Entity(next()),
        [Graph] => Keys::Graph(next(), quads),
        [Entity, Document] => {
            let e = next();
            Keys::EntityIn(e, next())
        }
        [Entity, Entity] => {
            let a = next();
            Keys::Pair(a, next())
        }
        _ => {
            return Err(
                "the keys are a document, an entity, an entity and a document, two entities \
                 or a graph"
                    .into(),
            )
        }
    }))
}

/// What one ORDER BY condition reads of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Read {
    Term,
    Str,
    Bound,
    NotBound,
}

/// One ORDER BY condition: a column, what is read of it, and its way.
#[derive(Debug, Clone, Copy)]
struct Condition {
    column: usize,
    read: Read,
    descending: bool,
}

/// The ORDER BY of a SELECT query over the variables it returns, when it
/// decides every row's place (see the module's documentation).
fn order(query: &spargebra::Query) -> std::result::Result<Order, String> {
    let spargebra::Query::Select { pattern, .. } = query else {
        return Err("only SELECT answers are kept".into());
    };
    let mut p = pattern;
    let mut projected: Option<&Vec<Variable>> = None;
    let expressions = loop {
        match p {
            GraphPattern::Distinct { inner } => p = inner,
            GraphPattern::Project { inner, variables } => {
                projected = Some(variables);
                p = inner;
            }
            GraphPattern::OrderBy { expression, .. } => break expression,
            GraphPattern::Slice { .. } => {
                return Err("LIMIT and OFFSET let a new row push another out".into())
            }
            _ => return Err("no ORDER BY".into()),
        }
    };
    let projected = projected.ok_or("no projection")?.clone();
    let mut hidden: Vec<Variable> = Vec::new();
    let mut conditions = Vec::new();
    for e in expressions {
        let (inner, descending) = match e {
            OrderExpression::Asc(e) => (e, false),
            OrderExpression::Desc(e) => (e, true),
        };
        let (var, read) = match inner {
            Expression::Variable(v) => (v, Read::Term),
            Expression::FunctionCall(Function::Str, args) => match &args[..] {
                [Expression::Variable(v)] => (v, Read::Str),
                _ => return Err(format!("ORDER BY {inner}")),
            },
            Expression::Bound(v) => (v, Read::Bound),
            Expression::Not(b) => match &**b {
                Expression::Bound(v) => (v, Read::NotBound),
                _ => return Err(format!("ORDER BY {inner}")),
            },
            _ => return Err(format!("ORDER BY {inner}")),
        };
        let column = match projected.iter().position(|p| p == var) {
            Some(c) => c,
            None => match hidden.iter().position(|h| h == var) {
                Some(h) => projected.len() + h,
                None => {
                    hidden.push(var.clone());
                    projected.len() + hidden.len() - 1
                }
            },
        };
        conditions.push(Condition {
            column,
            read,
            descending,
        });
    }
    for (i, v) in projected.iter().enumerate() {
        if !conditions
            .iter()
            .any(|c| c.column == i && c.read == Read::Term)
        {
            return Err(format!("ORDER BY does not name ?{}", v.as_str()));
        }
    }
    Ok(Order {
        projected,
        hidden,
        conditions,
    })
}

/// A query's ORDER BY: the variables it returns, those it orders by
/// without returning them (which the keys must decide: `concordance`'s
/// file and place in it, of its document), and the conditions over both
/// (a column counts the returned variables first).
struct Order {
    projected: Vec<Variable>,
    hidden: Vec<Variable>,
    conditions: Vec<Condition>,
}

/// The query returning its hidden order variables after its own.
fn returning_hidden(query: &spargebra::Query, hidden: &[Variable]) -> spargebra::Query {
    let mut query = query.clone();
    if let spargebra::Query::Select { pattern, .. } = &mut query {
        let mut p = pattern;
        loop {
            match p {
                GraphPattern::Distinct { inner } => p = inner,
                GraphPattern::Project { variables, .. } => {
                    variables.extend(hidden.iter().cloned());
                    break;
                }
                _ => break,
            }
        }
    }
    query
}

/// One required part of a query's pattern that links terms: a triple
/// pattern or a property path.
#[derive(Clone)]
enum Link {
    Triple(spargebra::term::TriplePattern),
    Path(
        spargebra::term::TermPattern,
        spargebra::algebra::PropertyPathExpression,
        spargebra::term::TermPattern,
    ),
}

impl Link {
    /// Its variables and blank nodes (which match as variables do), by name.
    fn names(&self) -> Vec<String> {
        use spargebra::term::{NamedNodePattern, TermPattern};
        let name = |t: &TermPattern| match t {
            TermPattern::Variable(v) => Some(format!("?{}", v.as_str())),
            TermPattern::BlankNode(b) => Some(format!("_:{}", b.as_str())),
            _ => None,
        };
        match self {
            Link::Triple(t) => {
                let mut n: Vec<String> = [name(&t.subject), name(&t.object)]
                    .into_iter()
                    .flatten()
                    .collect();
                if let NamedNodePattern::Variable(v) = &t.predicate {
                    n.push(format!("?{}", v.as_str()));
                }
                n
            }
            Link::Path(s, _, o) => [name(s), name(o)].into_iter().flatten().collect(),
        }
    }
}

/// The parts of `p` every solution matches: those outside OPTIONAL, UNION,
/// MINUS, subqueries and groups.
fn required_links(p: &GraphPattern, out: &mut Vec<Link>) {
    match p {
        GraphPattern::Bgp { patterns } => out.extend(patterns.iter().cloned().map(Link::Triple)),
        GraphPattern::Path {
            subject,
            path,
            object,
        } => out.push(Link::Path(subject.clone(), path.clone(), object.clone())),
        GraphPattern::Join { left, right } => {
            required_links(left, out);
            required_links(right, out);
        }
        GraphPattern::LeftJoin { left, .. } | GraphPattern::Minus { left, .. } => {
            required_links(left, out)
        }
        GraphPattern::Filter { inner, .. }
        | GraphPattern::Extend { inner, .. }
        | GraphPattern::OrderBy { inner, .. }
        | GraphPattern::Project { inner, .. }
        | GraphPattern::Distinct { inner }
        | GraphPattern::Reduced { inner } => required_links(inner, out),
        _ => {}
    }
}

/// A query that finds the hidden order variables from the keys alone:
/// the fewest required parts of the query's pattern that link each key to
/// each hidden variable (breadth first), returning the hidden variables.
/// None when a hidden variable is not linked so (bound by an expression,
/// or only inside an OPTIONAL): the whole query then finds it.
fn lookup(
    query: &spargebra::Query,
    keys: &[&Variable],
    hidden: &[Variable],
) -> Option<spargebra::Query> {
    let spargebra::Query::Select { pattern, .. } = query else {
        return None;
    };
    let mut links = Vec::new();
    required_links(pattern, &mut links);
    let names: Vec<Vec<String>> = links.iter().map(Link::names).collect();
    // Each name reached, by the link that reached it.
    let mut reached: std::collections::HashMap<String, Option<usize>> = keys
        .iter()
        .map(|k| (format!("?{}", k.as_str()), None))
        .collect();
    let mut frontier: Vec<String> = reached.keys().cloned().collect();
    while !frontier.is_empty() {
        let mut next = Vec::new();
        for (i, ns) in names.iter().enumerate() {
            if ns.iter().any(|n| frontier.contains(n)) {
                for n in ns {
                    if !reached.contains_key(n) {
                        reached.insert(n.clone(), Some(i));
                        next.push(n.clone());
                    }
                }
            }
        }
        frontier = next;
    }
    // The links on the way back from each hidden variable to the keys.
    let mut used: std::collections::BTreeSet<usize> = std::collections::BTreeSet::new();
    for h in hidden {
        let mut at = format!("?{}", h.as_str());
        loop {
            let link = (*reached.get(&at)?)?;
            if !used.insert(link) {
                break;
            }
            // Back through the link to a name reached before it.
            let earlier = names[link]
                .iter()
                .filter(|n| **n != at)
                .find(|n| reached.get(*n).is_some_and(|r| r.is_none_or(|l| l != link)));
            match earlier {
                Some(n) if reached[n].is_some() => at = n.clone(),
                _ => break,
            }
        }
    }
    let mut triples = Vec::new();
    let mut paths = Vec::new();
    for i in used {
        match &links[i] {
            Link::Triple(t) => triples.push(t.clone()),
            Link::Path(s, p, o) => paths.push(GraphPattern::Path {
                subject: s.clone(),
                path: p.clone(),
                object: o.clone(),
            }),
        }
    }
    let inner = paths
        .into_iter()
        .fold(GraphPattern::Bgp { patterns: triples }, |left, right| {
            GraphPattern::Join {
                left: Box::new(left),
                right: Box::new(right),
            }
        });
    Some(spargebra::Query::Select {
        dataset: None,
        pattern: GraphPattern::Project {
            inner: Box::new(inner),
            variables: keys
                .iter()
                .map(|k| (*k).clone())
                .chain(hidden.iter().cloned())
                .collect(),
        },
        base_iri: None,
    })
}

/// A term's order is not known here (a date, a decimal…).
#[derive(Debug)]
struct Unknown;

/// What a condition reads of a term, as SPARQL's STR and BOUND give it.
fn read(read: Read, term: Option<&Term>) -> Option<Term> {
    match read {
        Read::Term => term.cloned(),
        Read::Str => match term? {
            Term::NamedNode(n) => Some(Literal::new_simple_literal(n.as_str()).into()),
            Term::Literal(l) => Some(Literal::new_simple_literal(l.value()).into()),
            _ => None,
        },
        Read::Bound => Some(Literal::from(term.is_some()).into()),
        Read::NotBound => Some(Literal::from(term.is_none()).into()),
    }
}

/// SPARQL's order of two terms as Oxigraph sorts them (`cmp_terms` of
/// spareval 0.2): unbound, blank nodes, IRIs, then literals; strings and
/// integers by value, other pairs of these by lexical form, datatype and
/// language. Literals of any other datatype are [`Unknown`] unless equal.
fn compare_terms(a: Option<&Term>, b: Option<&Term>) -> std::result::Result<Ordering, Unknown> {
    let rank = |t: &Term| match t {
        Term::BlankNode(_) => 0,
        Term::NamedNode(_) => 1,
        _ => 2,
    };
    Ok(match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(Term::BlankNode(x)), Some(Term::BlankNode(y))) => x.as_str().cmp(y.as_str()),
        (Some(Term::NamedNode(x)), Some(Term::NamedNode(y))) => x.as_str().cmp(y.as_str()),
        (Some(Term::Literal(x)), Some(Term::Literal(y))) => {
            if x == y {
                return Ok(Ordering::Equal);
            }
            let known = |l: &Literal| {
                [xsd::STRING, xsd::INTEGER, xsd::BOOLEAN, rdf::LANG_STRING].contains(&l.datatype())
            };
            if !known(x) || !known(y) {
                return Err(Unknown);
            }
            let same = |d| x.datatype() == d && y.datatype() == d;
            if same(xsd::STRING) || (same(rdf::LANG_STRING) && x.language() == y.language()) {
                x.value().cmp(y.value())
            } else if same(xsd::INTEGER) {
                let n = |l: &Literal| l.value().parse::<i64>().map_err(|_| Unknown);
                n(x)?.cmp(&n(y)?)
            } else {
                (x.value(), x.datatype(), x.language()).cmp(&(
                    y.value(),
                    y.datatype(),
                    y.language(),
                ))
            }
        }
        (Some(x), Some(y)) => rank(x).cmp(&rank(y)),
    })
}

/// The order of two rows by the conditions.
fn compare(
    conditions: &[Condition],
    a: &[Option<Term>],
    b: &[Option<Term>],
) -> std::result::Result<Ordering, Unknown> {
    for c in conditions {
        let (x, y) = (
            read(c.read, a[c.column].as_ref()),
            read(c.read, b[c.column].as_ref()),
        );
        let o = compare_terms(x.as_ref(), y.as_ref())?;
        let o = if c.descending { o.reverse() } else { o };
        if o != Ordering::Equal {
            return Ok(o);
        }
    }
    Ok(Ordering::Equal)
}

/// Why an answer is not mended; it is then evaluated again.
#[derive(Debug)]
enum NotMended {
    Cannot(String),
    Failed(Error),
}

impl From<Error> for NotMended {
    fn from(e: Error) -> Self {
        NotMended::Failed(e)
    }
}

/// Evaluates a query (the one asked, or it returning its hidden order
/// variables too) with these bindings, over the store and dataset asked.
pub type Evaluate<'e> =
    dyn Fn(&spargebra::Query, &[(String, Term)]) -> Result<Vec<QuerySolution>> + 'e;

/// Mends `waiting`, the kept answer of `query` (parsed: `parsed`, asked
/// with the bindings `asked`) on an earlier generation, by `evaluate` on
/// the new one, and keeps it. Returns whether the mended answer was kept;
/// otherwise the waiting answer is let go and the query is evaluated.
pub fn mend(
    query: &str,
    parsed: &spargebra::Query,
    asked: &[(String, Term)],
    waiting: Waiting,
    evaluate: &Evaluate<'_>,
) -> bool {
    let debug = std::env::var_os("ANNALIST_DEBUG_CARRY").is_some();
    let Ok(Some(keys)) = keys(query) else {
        waiting.drop_it();
        return false;
    };
    let Some(old) = waiting.read() else {
        waiting.drop_it();
        return false;
    };
    let changes = waiting.changes.clone();
    let pieces: Vec<&[u8]> = old
        .0
        .splice
        .pieces
        .iter()
        .map(|p| p.bytes(&old.0.base))
        .collect();
    let kept = match mended(parsed, asked, evaluate, &keys, &changes, &pieces) {
        Ok(m) => {
            let t = std::time::Instant::now();
            let printed = old.1.as_ref().map(|c| (&c.base[..], &c.splice));
            let Some((tsv, csv)) = m.splices((&old.0.base, &old.0.splice), printed) else {
                waiting.drop_it();
                return false;
            };
            if debug {
                eprintln!(
                    "annalist: the kept printing {}: {:.3} s",
                    match (&old.1, &csv) {
                        (None, _) => "is not there",
                        (Some(_), None) => "is not the kept lines'",
                        _ => "is read",
                    },
                    t.elapsed().as_secs_f64()
                );
                eprintln!(
                    "annalist: mended in {} pieces, {} bytes of their own, on a base of {}",
                    tsv.pieces.len(),
                    tsv.own_len(),
                    old.0.base.len()
                );
            }
            let kept = waiting.finish(&old, tsv, csv);
            if debug {
                eprintln!("annalist: kept, {:.3} s", t.elapsed().as_secs_f64());
            }
            kept.map_err(|e| e.to_string())
        }
        Err(NotMended::Failed(e)) => {
            waiting.drop_it();
            Err(e.to_string())
        }
        Err(NotMended::Cannot(why)) => {
            waiting.drop_it();
            Err(why)
        }
    };
    if let Err(why) = &kept {
        if debug {
            eprintln!("annalist: the kept answer is evaluated again: {why}");
        }
    }
    kept.unwrap_or(false)
}

/// A mended answer, made of the kept answer's pieces (each whole lines,
/// the first opening with the header): the header, then the untouched
/// lines and the new ones, in the answer's order.
#[derive(Debug, Default, PartialEq, Eq)]
struct Mended {
    /// The kept header's length, its line end after it.
    header: usize,
    parts: Vec<Part>,
}

#[derive(Debug, PartialEq, Eq)]
enum Part {
    /// Whole kept lines, with their line ends: bytes of a kept piece's
    /// body (after the header in the first piece).
    Kept(usize, usize, usize),
    /// A new line, without its line end.
    New(Vec<u8>),
}

impl Mended {
    /// Where a kept piece's lines start: after the header in the first.
    fn skip(&self, piece: usize) -> usize {
        if piece == 0 {
            self.header + 1
        } else {
            0
        }
    }

    /// The mended solutions as a splice of the kept solutions' base, and
    /// their printing as a splice of the kept printing's base, piece for
    /// piece, when the kept printing is theirs: as many records in each
    /// piece as it prints lines, and each kept span's first and last
    /// record what its lines print. None when a line of their own is not
    /// UTF-8 (the serializer writes none such).
    fn splices(
        &self,
        (base, kept): (&[u8], &Splice),
        printed: Option<(&[u8], &Splice)>,
    ) -> Option<(Splice, Option<Splice>)> {
        let not_utf8 = std::cell::Cell::new(false);
        let own = |bytes: &[u8]| {
            Piece::Own(String::from_utf8(bytes.to_vec()).unwrap_or_else(|_| {
                not_utf8.set(true);
                String::new()
            }))
        };
        // A span of a kept piece, in the new splice.
        let span = |pieces: &[Piece], base: &[u8], piece: usize, a: usize, b: usize| match &pieces
            [piece]
        {
            Piece::Base(at, _) => Piece::Base(*at + a as u64, *at + b as u64),
            Piece::Own(_) => own(&pieces[piece].bytes(base)[a..b]),
        };
        let mut tsv = vec![span(&kept.pieces, base, 0, 0, self.header + 1)];
        for part in &self.parts {
            tsv.push(match part {
                Part::Kept(p, a, b) => {
                    span(&kept.pieces, base, *p, self.skip(*p) + a, self.skip(*p) + b)
                }
                Part::New(line) => {
                    let mut l = line.clone();
                    l.push(b'\n');
                    own(&l)
                }
            });
        }
        let csv = printed.and_then(|(csv_base, csv_kept)| {
            let records = self.records(base, kept, csv_base, csv_kept)?;
            let csv_piece = |p: usize| csv_kept.pieces[p].bytes(csv_base);
            let header = &kept.pieces[0].bytes(base)[..self.header];
            let mut printed = Vec::new();
            let width = crate::read::reprint::csv_header(header, &mut printed).ok()?;
            let header_end = *records.first()?;
            if csv_piece(0).get(..header_end)? != &printed[..] {
                return None;
            }
            let mut pieces = vec![span(&csv_kept.pieces, csv_base, 0, 0, header_end)];
            let mut spans = records[1..].chunks(2);
            for part in &self.parts {
                pieces.push(match part {
                    Part::Kept(p, ..) => {
                        let [a, b] = spans.next()? else {
                            return None;
                        };
                        span(&csv_kept.pieces, csv_base, *p, *a, *b)
                    }
                    Part::New(line) => {
                        printed.clear();
                        crate::read::reprint::csv_line(line, width, &mut printed).ok()?;
                        own(&printed)
                    }
                });
            }
            Some(pieces)
        });
        // Pieces side by side are one, in both splices at once.
        let mut merged: Vec<(Piece, Option<Piece>)> = Vec::new();
        let paired: Vec<(Piece, Option<Piece>)> = match csv {
            Some(c) => tsv.into_iter().zip(c.into_iter().map(Some)).collect(),
            None => tsv.into_iter().map(|t| (t, None)).collect(),
        };
        for (t, c) in paired {
            if let Some((last_t, last_c)) = merged.last_mut() {
                let join_t = joined(last_t, &t);
                let join_c = match (&*last_c, &c) {
                    (Some(x), Some(y)) => joined(x, y).map(Some),
                    (None, None) => Some(None),
                    _ => None,
                };
                if let (Some(jt), Some(jc)) = (join_t, join_c) {
                    *last_t = jt;
                    *last_c = jc;
                    continue;
                }
            }
            merged.push((t, c));
        }
        if not_utf8.get() {
            return None;
        }
        let with_csv = merged.iter().all(|(_, c)| c.is_some()) && printed.is_some();
        let (tsv, csv): (Vec<Piece>, Vec<Option<Piece>>) = merged.into_iter().unzip();
        Some((
            Splice {
                base_len: kept.base_len,
                pieces: tsv,
            },
            printed.filter(|_| with_csv).map(|(_, c)| Splice {
                base_len: c.base_len,
                pieces: csv.into_iter().flatten().collect(),
            }),
        ))
    }

    /// Where the kept printing's records lie: the header's end in its
    /// first piece, then for each kept span the start and end of its
    /// records within its piece. None unless the printing is the kept
    /// lines' (see [`Mended::splices`]).
    fn records(
        &self,
        base: &[u8],
        kept: &Splice,
        csv_base: &[u8],
        csv_kept: &Splice,
    ) -> Option<Vec<usize>> {
        use crate::read::reprint::{csv_line, record_offsets};
        if csv_kept.pieces.len() != kept.pieces.len() {
            return None;
        }
        let header = &kept.pieces[0].bytes(base)[..self.header];
        let width = crate::read::reprint::csv_header(header, &mut Vec::new()).ok()?;
        // Each kept span's first line and the line after its last, counted
        // in its piece (the header is the first piece's line 0).
        let mut spans: Vec<(usize, usize, usize)> = Vec::new();
        let mut counted: Vec<(usize, usize)> = vec![(0, 0); kept.pieces.len()];
        counted[0] = (self.header + 1, 1);
        for part in &self.parts {
            if let Part::Kept(p, a, b) = *part {
                let bytes = kept.pieces[p].bytes(base);
                let skip = self.skip(p);
                let (at, line) = &mut counted[p];
                *line += memchr::memchr_iter(b'\n', &bytes[*at..skip + a]).count();
                let first = *line;
                *line += memchr::memchr_iter(b'\n', &bytes[skip + a..skip + b]).count();
                *at = skip + b;
                spans.push((p, first, *line));
            }
        }
        // Each piece's records at the lines wanted.
        let mut offsets: std::collections::HashMap<(usize, usize), usize> = Default::default();
        for (p, (at, line)) in counted.iter().enumerate() {
            let mut wanted: Vec<usize> = spans
                .iter()
                .filter(|s| s.0 == p)
                .flat_map(|&(_, a, b)| [a, a + 1, b - 1, b])
                .collect();
            if p == 0 {
                wanted.extend([0, 1]);
            }
            if wanted.is_empty() {
                continue;
            }
            wanted.sort_unstable();
            wanted.dedup();
            let bytes = kept.pieces[p].bytes(base);
            let count = line + memchr::memchr_iter(b'\n', &bytes[*at..]).count();
            let found = record_offsets(csv_kept.pieces[p].bytes(csv_base), count, &wanted)?;
            offsets.extend(wanted.into_iter().map(|w| (p, w)).zip(found));
        }
        // The first and last line of each span print as its first and
        // last record.
        let mut records = vec![offsets[&(0, 1)]];
        let mut printed = Vec::new();
        let mut kept_parts = self.parts.iter().filter_map(|p| match p {
            Part::Kept(p, a, b) => Some((*p, *a, *b)),
            Part::New(_) => None,
        });
        for &(p, first, end) in &spans {
            let (_, a, b) = kept_parts.next()?;
            let skip = self.skip(p);
            let lines = &kept.pieces[p].bytes(base)[skip + a..skip + b - 1];
            let last = memchr::memrchr(b'\n', lines).map_or(lines, |i| &lines[i + 1..]);
            let first_line = memchr::memchr(b'\n', lines).map_or(lines, |i| &lines[..i]);
            let csv = csv_kept.pieces[p].bytes(csv_base);
            for (line, n) in [(first_line, first), (last, end - 1)] {
                printed.clear();
                csv_line(line, width, &mut printed).ok()?;
                if csv.get(offsets[&(p, n)]..offsets[&(p, n + 1)])? != &printed[..] {
                    return None;
                }
            }
            records.extend([offsets[&(p, first)], offsets[&(p, end)]]);
        }
        Some(records)
    }
}

/// Two pieces side by side as one: adjacent spans, or texts.
fn joined(a: &Piece, b: &Piece) -> Option<Piece> {
    match (a, b) {
        (Piece::Base(x, y), Piece::Base(z, w)) if y == z => Some(Piece::Base(*x, *w)),
        (Piece::Own(x), Piece::Own(y)) => Some(Piece::Own(format!("{x}{y}"))),
        _ => None,
    }
}

/// The TSV cell of each term, as the kept answer writes it.
fn cells(terms: &[Term]) -> std::result::Result<Vec<Vec<u8>>, NotMended> {
    let v = Variable::new_unchecked("k");
    let mut ser = QueryResultsSerializer::from_format(QueryResultsFormat::Tsv)
        .serialize_solutions_to_writer(Vec::new(), vec![v.clone()])
        .map_err(Error::Output)?;
    for t in terms {
        ser.serialize([(v.as_ref(), t.as_ref())])
            .map_err(Error::Output)?;
    }
    let bytes = ser.finish().map_err(Error::Output)?;
    Ok(bytes
        .split(|&b| b == b'\n')
        .skip(1)
        .take(terms.len())
        .map(<[u8]>::to_vec)
        .collect())
}

/// The cells of a TSV line.
fn split(line: &[u8]) -> Vec<&[u8]> {
    cells_of(line).collect()
}

/// The terms of one kept line, read by the TSV parser.
fn parse(header: &[u8], line: &[u8]) -> std::result::Result<Vec<Option<Term>>, NotMended> {
    let mut text = Vec::with_capacity(header.len() + line.len() + 2);
    text.extend_from_slice(header);
    text.push(b'\n');
    text.extend_from_slice(line);
    text.push(b'\n');
    let damaged = |e: &dyn std::fmt::Display| NotMended::Cannot(format!("a kept line: {e}"));
    let parsed = QueryResultsParser::from_format(QueryResultsFormat::Tsv)
        .for_reader(&text[..])
        .map_err(|e| damaged(&e))?;
    let ReaderQueryResultsParserOutput::Solutions(mut solutions) = parsed else {
        return Err(damaged(&"not solutions"));
    };
    let variables = solutions.variables().to_vec();
    let s = solutions
        .next()
        .ok_or_else(|| damaged(&"no row"))?
        .map_err(|e| damaged(&e))?;
    Ok(variables.iter().map(|v| s.get(v).cloned()).collect())
}

fn literal(s: &str) -> Term {
    Literal::new_simple_literal(s).into()
}

/// Writes the mended answer.
fn mended(
    parsed: &spargebra::Query,
    asked: &[(String, Term)],
    run: &Evaluate<'_>,
    keys: &Keys,
    changes: &Changes,
    old: &[&[u8]],
) -> std::result::Result<Mended, NotMended> {
    let Order {
        projected: variables,
        hidden,
        conditions,
    } = order(parsed).map_err(NotMended::Cannot)?;
    let evaluated = if hidden.is_empty() {
        parsed.clone()
    } else {
        returning_hidden(parsed, &hidden)
    };
    let all: Vec<Variable> = variables.iter().chain(&hidden).cloned().collect();
    // Evaluates the query (returning its hidden variables) with `set` bound
    // beside the question's own bindings; None when they disagree.
    let evaluate =
        |set: &[(Variable, Term)]| -> std::result::Result<Option<Vec<QuerySolution>>, NotMended> {
            let mut bindings = asked.to_vec();
            for (v, t) in set {
                match bindings.iter().find(|(n, _)| n == v.as_str()) {
                    Some((_, asked)) if asked == t => {}
                    Some(_) => return Ok(None),
                    None => bindings.push((v.as_str().to_string(), t.clone())),
                }
            }
            Ok(Some(run(&evaluated, &bindings)?))
        };
    let first = old.first().copied().unwrap_or_default();
    let header_end = first
        .iter()
        .position(|&b| b == b'\n')
        .ok_or_else(|| NotMended::Cannot("no header".into()))?;
    let header = &first[..header_end];
    let names: Vec<String> = variables
        .iter()
        .map(|v| format!("?{}", v.as_str()))
        .collect();
    if split(header) != names.iter().map(|n| n.as_bytes()).collect::<Vec<_>>() {
        return Err(NotMended::Cannot(
            "the kept answer has other variables".into(),
        ));
    }
    let column = |v: &Variable| variables.iter().position(|p| p == v);
    let key_columns: Vec<usize> = keys
        .variables()
        .into_iter()
        .map(|v| {
            column(v).ok_or_else(|| NotMended::Cannot(format!("?{} is not returned", v.as_str())))
        })
        .collect::<std::result::Result<_, _>>()?;

    // The touched keys as terms, and as the cells that write them.
    let documents: Vec<Term> = changes.documents.iter().map(|d| literal(d)).collect();
    let entities: Vec<Term> = changes.entities().into_iter().map(literal).collect();
    let graphs: Vec<Term> = changes
        .graphs
        .iter()
        .map(|g| NamedNode::new_unchecked(g).into())
        .collect();
    let set = |terms: &[Term]| -> std::result::Result<Cells, NotMended> {
        Ok(cells(terms)?.into_iter().collect())
    };
    let pairs_of = |pairs: &std::collections::BTreeSet<(String, String)>| -> std::result::Result<(Vec<(Term, Term)>, PairCells), NotMended> {
        let terms: Vec<(Term, Term)> = pairs
            .iter()
            .map(|(a, b)| (literal(a), literal(b)))
            .collect();
        let firsts = cells(&terms.iter().map(|p| p.0.clone()).collect::<Vec<_>>())?;
        let seconds = cells(&terms.iter().map(|p| p.1.clone()).collect::<Vec<_>>())?;
        Ok((terms, firsts.into_iter().zip(seconds).collect()))
    };
    // The graphs whose rows are their kept rows with a recorded count of
    // quads (by the cell that writes each, with its count), and that
    // count's column: only when no hidden value orders the rows and the
    // question does not bind the count itself.
    let mut recounted: std::collections::HashMap<Vec<u8>, (Term, u64)> = Default::default();
    let mut quads_column = None;
    if let Keys::Graph(_, Some(q)) = keys {
        if hidden.is_empty() && !asked.iter().any(|(n, _)| n == q.as_str()) {
            quads_column = column(q);
        }
    }
    if quads_column.is_some() {
        let known: Vec<(Term, u64)> = graphs
            .iter()
            .filter_map(|g| match g {
                Term::NamedNode(n) => changes.quads.get(n.as_str()).map(|&n| (g.clone(), n)),
                _ => None,
            })
            .collect();
        let terms: Vec<Term> = known.iter().map(|(t, _)| t.clone()).collect();
        recounted = cells(&terms)?.into_iter().zip(known).collect();
    }
    // Each set of bound keys to evaluate, and which old rows are touched.
    let mut bound: Vec<Vec<(Variable, Term)>> = Vec::new();
    // The cells that a touched line holds one of, at least.
    let mut needles: Vec<Vec<u8>> = Vec::new();
    let touched: IsTouched = match keys {
        Keys::Document(v) | Keys::Entity(v) | Keys::Graph(v, _) => {
            let terms = match keys {
                Keys::Document(_) => &documents,
                Keys::Entity(_) => &entities,
                _ => &graphs,
            };
            let recounted_terms: HashSet<&Term> = recounted.values().map(|(t, _)| t).collect();
            bound.extend(
                terms
                    .iter()
                    .filter(|t| !recounted_terms.contains(t))
                    .map(|t| vec![(v.clone(), t.clone())]),
            );
            let cells = set(terms)?;
            needles.extend(cells.iter().cloned());
            let c = key_columns[0];
            Box::new(move |row| cells.contains(row[c]))
        }
        Keys::EntityIn(a, b) | Keys::Pair(a, b) => {
            let (terms, cells) = if matches!(keys, Keys::EntityIn(..)) {
                pairs_of(&changes.references)?
            } else {
                pairs_of(&changes.pairs)?
            };
            bound.extend(
                terms
                    .into_iter()
                    .map(|(x, y)| vec![(a.clone(), x), (b.clone(), y)]),
            );
            let (ca, cb) = (key_columns[0], key_columns[1]);
            // Most rows' first key is in no changed pair: told without
            // copying their cells.
            let firsts: Cells = cells.iter().map(|(x, _)| x.clone()).collect();
            // A touched line holds both cells: for an entity in a
            // document, the documents are fewer and rarer than the
            // entities (one added document names entities of a hundred
            // thousand lines); for a pair, either.
            if matches!(keys, Keys::EntityIn(..)) {
                needles.extend(cells.iter().map(|(_, y)| y.clone()));
                needles.sort_unstable();
                needles.dedup();
            } else {
                needles.extend(firsts.iter().cloned());
            }
            Box::new(move |row| {
                firsts.contains(row[ca]) && cells.contains(&(row[ca].to_vec(), row[cb].to_vec()))
            })
        }
    };

    // The rows of the touched keys on the new generation, unless there
    // are so many that evaluating the whole question costs less.
    if bound.len() > BOUND_AT_MOST {
        return Err(NotMended::Cannot(format!(
            "{} changed keys: the question is evaluated whole",
            bound.len()
        )));
    }
    let t0 = std::time::Instant::now();
    // The touched lines (and the rows of the graphs recounted): only a
    // line that holds a touched key's cell can be one, so the others are
    // passed over without reading their cells.
    // Each kept piece's lines (after the header in the first).
    let bodies: Vec<&[u8]> = old
        .iter()
        .enumerate()
        .map(|(i, p)| if i == 0 { &p[header_end + 1..] } else { *p })
        .collect();
    if bodies.iter().any(|b| b.last().is_some_and(|&c| c != b'\n')) {
        return Err(NotMended::Cannot("a kept piece does not end a line".into()));
    }
    let mut touched_lines: Vec<(usize, usize, usize)> = Vec::new();
    let mut recounted_rows: Vec<Vec<Option<Term>>> = Vec::new();
    let mut seen: HashSet<Term> = HashSet::new();
    let mut row: Vec<&[u8]> = Vec::with_capacity(variables.len());
    if !needles.is_empty() {
        let finder = aho_corasick::AhoCorasick::new(&needles)
            .map_err(|e| NotMended::Cannot(format!("the touched keys: {e}")))?;
        for (piece, body) in bodies.iter().enumerate() {
            let mut from = 0;
            while from < body.len() {
                let Some(m) = finder.find(aho_corasick::Input::new(*body).span(from..body.len()))
                else {
                    break;
                };
                let start = memchr::memrchr(b'\n', &body[..m.start()]).map_or(0, |i| i + 1);
                let end =
                    memchr::memchr(b'\n', &body[m.start()..]).map_or(body.len(), |i| m.start() + i);
                from = end + 1;
                let line = &body[start..end];
                row.clear();
                row.extend(cells_of(line));
                if row.len() != variables.len() {
                    return Err(NotMended::Cannot("a kept line of other width".into()));
                }
                if !touched(&row) {
                    continue;
                }
                touched_lines.push((piece, start, end));
                if let (Some(c), Some((g, n))) = (quads_column, recounted.get(row[key_columns[0]]))
                {
                    seen.insert(g.clone());
                    let mut terms = parse(header, line)?;
                    // An emptied graph is no row of a count grouped by graph.
                    if *n > 0 {
                        terms[c] = Some(Literal::from(*n as i64).into());
                        recounted_rows.push(terms);
                    }
                }
            }
        }
    }
    // The runs of untouched lines: spans of whole lines of a piece.
    let mut runs: Vec<(usize, usize, usize)> = Vec::new();
    let mut touched_in = touched_lines.iter().peekable();
    for (piece, body) in bodies.iter().enumerate() {
        let mut cursor = 0;
        while let Some(&(_, start, end)) = touched_in.next_if(|t| t.0 == piece) {
            if start > cursor {
                runs.push((piece, cursor, start));
            }
            cursor = end + 1;
        }
        if cursor < body.len() {
            runs.push((piece, cursor, body.len()));
        }
    }
    // A recounted graph with no kept row is asked as the others are (in
    // any order: the new rows are sorted below).
    if let Keys::Graph(v, _) = keys {
        bound.extend(
            recounted
                .values()
                .filter(|(g, _)| !seen.contains(g))
                .map(|(g, _)| vec![(v.clone(), g.clone())]),
        );
    }
    let t1 = std::time::Instant::now();
    let mut new: Vec<QuerySolution> = Vec::new();
    let bound_count = bound.len();
    for set in bound {
        if let Some(solutions) = evaluate(&set)? {
            new.extend(solutions);
        }
    }
    let mut rows: Vec<Vec<Option<Term>>> = new
        .iter()
        .map(|s| all.iter().map(|v| s.get(v).cloned()).collect())
        .collect();
    let recounted_count = recounted_rows.len();
    rows.extend(recounted_rows);
    let mut order: Vec<usize> = (0..rows.len()).collect();
    let mut unknown = false;
    order.sort_by(|&a, &b| {
        compare(&conditions, &rows[a], &rows[b]).unwrap_or_else(|_| {
            unknown = true;
            Ordering::Equal
        })
    });
    if unknown {
        return Err(NotMended::Cannot("a term whose order is not known".into()));
    }
    // Their lines, as the serializer writes them.
    let mut ser = QueryResultsSerializer::from_format(QueryResultsFormat::Tsv)
        .serialize_solutions_to_writer(Vec::new(), variables.clone())
        .map_err(Error::Output)?;
    for &i in &order {
        ser.serialize(
            variables
                .iter()
                .zip(&rows[i])
                .filter_map(|(v, t)| Some((v.as_ref(), t.as_ref()?.as_ref()))),
        )
        .map_err(Error::Output)?;
    }
    let written = ser.finish().map_err(Error::Output)?;
    let mut new_lines = written.split(|&b| b == b'\n').skip(1);

    // A kept row's terms, with its hidden order values (the same for
    // every row of the same keys, looked up once).
    let mut hidden_by_keys: std::collections::HashMap<Vec<Vec<u8>>, Vec<Option<Term>>> =
        std::collections::HashMap::new();
    let finder = if hidden.is_empty() {
        None
    } else {
        lookup(parsed, &keys.variables(), &hidden)
    };
    let mut whole = |line: &[u8]| -> std::result::Result<Vec<Option<Term>>, NotMended> {
        let mut terms = parse(header, line)?;
        if hidden.is_empty() {
            return Ok(terms);
        }
        let row = split(line);
        let by: Vec<Vec<u8>> = key_columns.iter().map(|&c| row[c].to_vec()).collect();
        if let Some(values) = hidden_by_keys.get(&by) {
            terms.extend(values.iter().cloned());
            return Ok(terms);
        }
        let mut set = Vec::new();
        for (v, &c) in keys.variables().into_iter().zip(&key_columns) {
            let t = terms[c]
                .clone()
                .ok_or_else(|| NotMended::Cannot("a row without its key".into()))?;
            set.push((v.clone(), t));
        }
        let found = match &finder {
            Some(q) => {
                let bindings: Vec<(String, Term)> = set
                    .iter()
                    .map(|(v, t)| (v.as_str().to_string(), t.clone()))
                    .collect();
                run(q, &bindings)?.into_iter().next()
            }
            None => evaluate(&set)?.and_then(|s| s.into_iter().next()),
        }
        .ok_or_else(|| NotMended::Cannot("a kept row's key has no row now".into()))?;
        let values: Vec<Option<Term>> = hidden.iter().map(|v| found.get(v).cloned()).collect();
        terms.extend(values.iter().cloned());
        hidden_by_keys.insert(by, values);
        Ok(terms)
    };

    let t2 = std::time::Instant::now();
    let mut probes = 0usize;
    // Each new row goes before the first untouched line that sorts after
    // it: its run is found by the runs' first lines, its place in the run
    // by halving the run's bytes (a probe reads the line the middle byte
    // is on). New rows come in order, so each is looked for after the last.
    let line_at = |(piece, a, b): (usize, usize, usize), at: usize| -> (usize, usize) {
        let body = bodies[piece];
        let start = memchr::memrchr(b'\n', &body[a..at]).map_or(a, |i| a + i + 1);
        let end = memchr::memchr(b'\n', &body[start..b]).map_or(b, |i| start + i);
        (start, end)
    };
    let mut places: Vec<(usize, usize)> = Vec::with_capacity(order.len());
    let (mut run_from, mut byte_from) = (0, runs.first().map_or(0, |r| r.1));
    for &i in &order {
        if runs.is_empty() {
            break;
        }
        let mut against = |piece: usize,
                           (start, end): (usize, usize)|
         -> std::result::Result<Ordering, NotMended> {
            probes += 1;
            let there = whole(&bodies[piece][start..end])?;
            match compare(&conditions, &there, &rows[i]) {
                Ok(Ordering::Equal) => Err(NotMended::Cannot(
                    "a row of an untouched key is also a touched key's".into(),
                )),
                Ok(o) => Ok(o),
                Err(_) => Err(NotMended::Cannot("a term whose order is not known".into())),
            }
        };
        let (mut lo, mut hi) = (run_from + 1, runs.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if against(runs[mid].0, line_at(runs[mid], runs[mid].1))? == Ordering::Less {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        let k = lo - 1;
        if k > run_from {
            (run_from, byte_from) = (k, runs[k].1);
        }
        let run = runs[k];
        let (mut lo, mut hi) = (byte_from, run.2);
        while lo < hi {
            let (start, end) = line_at(run, lo + (hi - lo) / 2);
            if against(run.0, (start, end))? == Ordering::Less {
                lo = end + 1;
            } else {
                hi = start;
            }
        }
        places.push((k, lo));
        byte_from = lo;
    }
    let lines: Vec<&[u8]> = order
        .iter()
        .map(|_| new_lines.next())
        .collect::<Option<_>>()
        .ok_or_else(|| NotMended::Cannot("a row was not written".into()))?;
    let mut parts = Vec::with_capacity(runs.len() + 2 * lines.len());
    let mut new = places.iter().zip(&lines).peekable();
    for (k, &(piece, a, b)) in runs.iter().enumerate() {
        let mut cursor = a;
        while let Some((&(_, at), line)) = new.next_if(|((run, _), _)| *run == k) {
            if at > cursor {
                parts.push(Part::Kept(piece, cursor, at));
                cursor = at;
            }
            parts.push(Part::New(line.to_vec()));
        }
        if cursor < b {
            parts.push(Part::Kept(piece, cursor, b));
        }
    }
    // With no untouched line, the new lines are the answer.
    if runs.is_empty() {
        parts.extend(lines.iter().map(|l| Part::New(l.to_vec())));
    }
    if std::env::var_os("ANNALIST_DEBUG_CARRY").is_some() {
        eprintln!(
            "annalist: mended: {} touched lines among kept ones read {:.3} s, {} bound questions {:.3} s ({} rows, {recounted_count} of them recounted graphs), placed with {probes} probes {:.3} s",
            touched_lines.len(),
            (t1 - t0).as_secs_f64(),
            bound_count,
            (t2 - t1).as_secs_f64(),
            order.len(),
            t2.elapsed().as_secs_f64()
        );
    }
    Ok(Mended {
        header: header_end,
        parts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::sparql::{QueryResults, SparqlEvaluator};
    use oxigraph::store::Store;

    #[test]
    fn keys_are_read_from_the_query() {
        let k = |t: &str| keys(t);
        assert_eq!(k("SELECT * {}"), Ok(None));
        assert_eq!(
            k("# carry: ?id=document\nSELECT"),
            Ok(Some(Keys::Document(Variable::new_unchecked("id"))))
        );
        assert_eq!(
            k("# carry: ?entity=entity ?source=document\n"),
            Ok(Some(Keys::EntityIn(
                Variable::new_unchecked("entity"),
                Variable::new_unchecked("source")
            )))
        );
        assert_eq!(
            k("# carry: ?g=graph ?n=quads\n"),
            Ok(Some(Keys::Graph(
                Variable::new_unchecked("g"),
                Some(Variable::new_unchecked("n"))
            )))
        );
        assert!(k("# carry: ?a=entity ?n=quads").is_err());
        assert!(k("# carry: ?g=graph ?n=quads ?m=quads").is_err());
        assert!(k("# carry: ?a=entity ?b=graph").is_err());
        assert!(k("# carry: id=document").is_err());
        assert!(k("# carry: ?id=author").is_err());
    }

    fn parse_query(text: &str) -> spargebra::Query {
        spargebra::SparqlParser::new().parse_query(text).unwrap()
    }

    #[test]
    fn an_order_must_name_every_variable_returned() {
        assert!(order(&parse_query("SELECT ?a ?b { ?a ?p ?b } ORDER BY ?a ?b")).is_ok());
        assert!(order(&parse_query(
            "SELECT ?a ?b { ?a ?p ?b } ORDER BY (!BOUND(?b)) STR(?b) DESC(?a) ?b"
        ))
        .is_ok());
        assert!(order(&parse_query("SELECT ?a ?b { ?a ?p ?b } ORDER BY ?a")).is_err());
        // A variable not returned may order the rows (the keys decide it).
        let o = order(&parse_query("SELECT ?a { ?a ?p ?b } ORDER BY ?b ?a")).unwrap();
        assert_eq!(o.hidden, vec![Variable::new_unchecked("b")]);
        assert_eq!(o.conditions[0].column, 1);
        assert!(order(&parse_query(
            "SELECT ?a ?b { ?a ?p ?b } ORDER BY ?a ?b LIMIT 3"
        ))
        .is_err());
        assert!(order(&parse_query("SELECT ?a ?b { ?a ?p ?b }")).is_err());
    }

    #[test]
    fn hidden_order_values_are_found_from_the_keys_alone() {
        let q = parse_query(
            "PREFIX : <https://example.org/> SELECT ?document ?start ?entity WHERE { \
             ?e :id ?entity ; a ?class . \
             ?m :ref ?e ; :begin ?start ; :context ?c . ?c :source ?doc . \
             ?doc :id ?document ; :selector/:start ?place . ?doc :file/:id ?file . \
             OPTIONAL { ?doc :note ?note } } ORDER BY ?file ?place ?start ?document ?entity",
        );
        let o = order(&q).unwrap();
        let names: Vec<&str> = o.hidden.iter().map(|v| v.as_str()).collect();
        assert_eq!(names, ["file", "place"]);
        let document = Variable::new_unchecked("document");
        let found = lookup(&q, &[&document], &o.hidden).unwrap().to_string();
        for part in [
            "/id> ?document",
            "/selector>",
            "/start> ?place",
            "/file>",
            "SELECT ?document ?file ?place",
        ] {
            assert!(found.contains(part), "{part} in {found}");
        }
        for part in ["/ref>", "/begin>", "?entity", "/note>"] {
            assert!(!found.contains(part), "{part} in {found}");
        }
        // Not reached from the key: no lookup.
        let unlinked = parse_query(
            "PREFIX : <https://example.org/> SELECT ?a WHERE { ?a :p ?x . OPTIONAL { ?a :q ?h } } ORDER BY ?h ?a",
        );
        let o = order(&unlinked).unwrap();
        let a = Variable::new_unchecked("a");
        assert!(lookup(&unlinked, &[&a], &o.hidden).is_none());
    }

    /// The order agrees with Oxigraph's own ORDER BY over terms of every
    /// kind it knows, and refuses the others.
    #[test]
    fn rows_sort_as_oxigraph_sorts_them() {
        let terms = [
            "<https://example.org/b>",
            "<https://example.org/a>",
            "\"10\"^^<http://www.w3.org/2001/XMLSchema#integer>",
            "\"9\"^^<http://www.w3.org/2001/XMLSchema#integer>",
            "\"-3\"^^<http://www.w3.org/2001/XMLSchema#integer>",
            "\"9\"",
            "\"Zoë\"",
            "\"zoe\"",
            "\"true\"^^<http://www.w3.org/2001/XMLSchema#boolean>",
            "\"false\"^^<http://www.w3.org/2001/XMLSchema#boolean>",
            "\"Moskva\"@ru",
            "\"Moscow\"@en",
            "\"Moskau\"@de",
            "\"\"",
        ];
        let mut values = String::new();
        for (i, a) in terms.iter().enumerate() {
            for b in terms.iter().skip(i % 3).step_by(3) {
                values.push_str(&format!("({a} {b}) "));
            }
        }
        values.push_str("(UNDEF \"a\") (\"a\" UNDEF) ");
        let store = Store::new().unwrap();
        for q in [
            "?x ?y",
            "DESC(?x) ?y",
            "(!BOUND(?y)) STR(?x) ?x ?y",
            "STR(?y) DESC(?y) ?x",
        ] {
            let text = format!("SELECT ?x ?y {{ VALUES (?x ?y) {{ {values} }} }} ORDER BY {q}");
            let parsed = parse_query(&text);
            let Order {
                projected: variables,
                conditions,
                ..
            } = order(&parsed).unwrap();
            let QueryResults::Solutions(solutions) = SparqlEvaluator::new()
                .for_query(parsed)
                .on_store(&store)
                .execute()
                .unwrap()
            else {
                panic!("solutions")
            };
            let sorted: Vec<Vec<Option<Term>>> = solutions
                .map(|s| {
                    let s = s.unwrap();
                    variables.iter().map(|v| s.get(v).cloned()).collect()
                })
                .collect();
            for w in sorted.windows(2) {
                assert_eq!(
                    compare(&conditions, &w[0], &w[1]).unwrap(),
                    Ordering::Less,
                    "{q}: {:?} before {:?}",
                    w[0],
                    w[1]
                );
            }
        }
        let date = |d: &str| {
            Some(Term::from(Literal::new_typed_literal(
                d,
                NamedNode::new_unchecked("http://www.w3.org/2001/XMLSchema#date"),
            )))
        };
        assert!(compare_terms(date("1953-01-13").as_ref(), date("1948-05-14").as_ref()).is_err());
        assert_eq!(
            compare_terms(date("1953-01-13").as_ref(), date("1953-01-13").as_ref()).unwrap(),
            Ordering::Equal
        );
    }

    #[test]
    fn a_mended_printing_copies_the_kept_records_as_a_conversion_prints_them() {
        use crate::read::reprint::tsv_to_csv;
        let lit = |s: String| Literal::new_simple_literal(s).into();
        let v = [Variable::new_unchecked("d"), Variable::new_unchecked("t")];
        let tsv = |rows: &[(usize, String)]| {
            let mut ser = QueryResultsSerializer::from_format(QueryResultsFormat::Tsv)
                .serialize_solutions_to_writer(Vec::new(), v.to_vec())
                .unwrap();
            for (d, t) in rows {
                let (d, t): (Term, Term) = (lit(format!("d{d:03}")), lit(t.clone()));
                ser.serialize([(v[0].as_ref(), d.as_ref()), (v[1].as_ref(), t.as_ref())])
                    .unwrap();
            }
            ser.finish().unwrap()
        };
        let csv = |tsv: &[u8]| {
            let mut out = Vec::new();
            tsv_to_csv(tsv, &mut out).unwrap();
            out
        };
        let new_line = |i: usize, t: &str| {
            let one = tsv(&[(i, t.to_string())]);
            one[one.iter().position(|&b| b == b'\n').unwrap() + 1..one.len() - 1].to_vec()
        };
        let written = |splice: &Splice, base: &[u8]| {
            splice.check(base).unwrap();
            let mut out = Vec::new();
            splice.write(base, &mut out).unwrap();
            out
        };
        // Hostile texts, a line break and quotes among them.
        let text = |i: usize| format!("=row {i}, \"said\"\n<b>{}", "x".repeat(i % 5));
        let rows: Vec<(usize, String)> = (0..40).map(|i| (i, text(i))).collect();
        let old = tsv(&rows);
        let printed = csv(&old);
        let header = old.iter().position(|&b| b == b'\n').unwrap();
        let starts: Vec<usize> = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', &old[header + 1..]).map(|i| i + 1))
            .collect();
        // Rows 0–4 kept, 5 dropped, a new row, 6–19 kept, 20–39 dropped,
        // two new rows at the end.
        let mended = Mended {
            header,
            parts: vec![
                Part::Kept(0, starts[0], starts[5]),
                Part::New(new_line(5, "mended, \"again\"")),
                Part::Kept(0, starts[6], starts[20]),
                Part::New(new_line(41, "new\r\nline")),
                Part::New(new_line(42, "")),
            ],
        };
        let (whole_tsv, whole_csv) = (Splice::whole(&old), Splice::whole(&printed));
        let (t, c) = mended
            .splices((&old, &whole_tsv), Some((&printed, &whole_csv)))
            .unwrap();
        let c = c.expect("the kept lines' printing");
        let mut expected: Vec<(usize, String)> = rows[..5].to_vec();
        expected.push((5, "mended, \"again\"".into()));
        expected.extend(rows[6..20].iter().cloned());
        expected.push((41, "new\r\nline".into()));
        expected.push((42, String::new()));
        assert_eq!(written(&t, &old), tsv(&expected));
        assert_eq!(
            String::from_utf8(written(&c, &printed)).unwrap(),
            String::from_utf8(csv(&tsv(&expected))).unwrap()
        );
        // Spans of the base and lines of their own, piece for piece.
        assert_eq!(t.pieces.len(), c.pieces.len());
        assert!(matches!(t.pieces[0], Piece::Base(0, _)), "{:?}", t.pieces);
        assert!(t.own_len() < old.len() / 4);

        // Mended again, from those splices: row 2 dropped (in the first
        // piece, after the header), the new row 41 dropped, row 3 changed.
        let pieces: Vec<&[u8]> = t.pieces.iter().map(|p| p.bytes(&old)).collect();
        let body0 = &pieces[0][header + 1..];
        let at = |n: usize| {
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', body0).map(|i| i + 1))
                .nth(n)
                .unwrap()
        };
        let last = pieces.len() - 1;
        assert!(matches!(t.pieces[last], Piece::Own(_)), "{:?}", t.pieces);
        let own_lines: Vec<&[u8]> = pieces[last].split(|&b| b == b'\n').collect();
        let second_own = own_lines[0].len() + 1;
        let again = Mended {
            header,
            parts: vec![
                Part::Kept(0, at(0), at(2)),
                Part::New(new_line(3, "changed")),
                Part::Kept(0, at(4), body0.len()),
                Part::Kept(1, 0, pieces[1].len()),
                Part::Kept(2, 0, pieces[2].len()),
                Part::Kept(last, second_own, pieces[last].len()),
            ],
        };
        let (t2, c2) = again.splices((&old, &t), Some((&printed, &c))).unwrap();
        let c2 = c2.expect("the mended printing is the mended lines'");
        let mut expected2: Vec<(usize, String)> = rows[..2].to_vec();
        expected2.push((3, "changed".into()));
        expected2.extend(expected[4..expected.len() - 2].iter().cloned());
        expected2.push((42, String::new()));
        assert_eq!(last, 3, "{:?}", t.pieces);
        assert_eq!(
            String::from_utf8(written(&t2, &old)).unwrap(),
            String::from_utf8(tsv(&expected2)).unwrap()
        );
        assert_eq!(
            String::from_utf8(written(&c2, &printed)).unwrap(),
            String::from_utf8(csv(&tsv(&expected2))).unwrap()
        );

        // A printing of other lines is not taken for theirs.
        let printing_taken = |other: &[(usize, String)]| {
            let other_csv = csv(&tsv(other));
            let whole_other = Splice::whole(&other_csv);
            mended
                .splices((&old, &whole_tsv), Some((&other_csv, &whole_other)))
                .unwrap()
                .1
                .is_some()
        };
        let mut other = rows.clone();
        other[19].1 = "changed".into();
        assert!(!printing_taken(&other));
        other = rows.clone();
        other.pop();
        assert!(!printing_taken(&other));
    }
}
