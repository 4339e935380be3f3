//! The pages of the reading view: index (with paged lists), one page per
//! document, one per entity, the claims-and-conflicts page and the network.
//!
//! Invariant: every link a page holds names a page the site writes, and an
//! anchor that page holds (`#m{start}-{end}` for a mention, `#q{start}-{end}`
//! for an evidence passage, both in code points of the document text);
//! every text from the store goes through [`html::text`] or [`html::attr`].

use super::html::{self, attr, flat, text, Frame};
use super::read::{Claim, Document, Site};
use super::text::{render, Inline, Passage};
use crate::annotate::How;
use crate::input::gazetteer::EntityType;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Rows per list page.
pub const PAGE_ROWS: usize = 500;
/// Mentions shown in context on an entity page.
pub const KWIC_MAX: usize = 300;
/// Characters of context either side of a mention.
const KWIC_CHARS: usize = 60;
/// Co-mentioned entities listed on an entity page.
const COMENTIONS_MAX: usize = 50;

/// File names of the pages of documents and entities.
pub struct Names {
    pub documents: Vec<String>,
    pub entities: Vec<String>,
}

impl Names {
    pub fn doc(&self, root: &str, d: usize) -> String {
        format!("{root}doc/{}.html", self.documents[d])
    }
    pub fn entity(&self, root: &str, e: usize) -> String {
        format!("{root}entity/{}.html", self.entities[e])
    }
}

/// Everything a page writer needs.
pub struct Ctx<'a> {
    pub site: &'a Site,
    pub names: &'a Names,
    /// Claims by entity (as subject or object), indices into `site.claims`.
    pub claims_of: Vec<Vec<usize>>,
    /// Claims by source document.
    pub claims_in: Vec<Vec<usize>>,
    /// The conflicting pair each claim belongs to.
    pub conflicts_of: Vec<Vec<usize>>,
}

impl<'a> Ctx<'a> {
    pub fn new(site: &'a Site, names: &'a Names) -> Ctx<'a> {
        let mut claims_of = vec![Vec::new(); site.entities.len()];
        let mut claims_in = vec![Vec::new(); site.documents.len()];
        for (i, c) in site.claims.iter().enumerate() {
            claims_of[c.subject].push(i);
            if let Some(o) = c.object.filter(|&o| o != c.subject) {
                claims_of[o].push(i);
            }
            claims_in[c.source].push(i);
        }
        let mut conflicts_of = vec![Vec::new(); site.entities.len()];
        for (k, &(a, _)) in site.conflicts.iter().enumerate() {
            conflicts_of[site.claims[a].subject].push(k);
        }
        Ctx {
            site,
            names,
            claims_of,
            claims_in,
            conflicts_of,
        }
    }

    fn frame<'b>(&'b self, title: &'b str, root: &'b str, scripts: &'b [&'b str]) -> Frame<'b> {
        Frame {
            title,
            site: &self.site.title,
            root,
            scripts,
        }
    }

    fn entity_link(&self, root: &str, e: usize) -> String {
        let ent = &self.site.entities[e];
        format!(
            "<a class=\"e t-{}\" href=\"{}\">{}</a>",
            ent.kind,
            self.names.entity(root, e),
            text(&flat(&ent.label))
        )
    }

    fn doc_link(&self, root: &str, d: usize) -> String {
        format!(
            "<a href=\"{}\">{}</a>",
            self.names.doc(root, d),
            text(&flat(&self.site.documents[d].title))
        )
    }

    fn entity_list(&self, root: &str, list: &[usize]) -> String {
        list.iter()
            .map(|&e| self.entity_link(root, e))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// A claim in words: subject, relation, object.
    fn claim_words(&self, root: &str, c: &Claim) -> String {
        let mut s = format!(
            "{} <span class=\"rel\">{}</span>",
            self.entity_link(root, c.subject),
            text(&c.label)
        );
        if let Some(o) = c.object {
            s.push(' ');
            s.push_str(&self.entity_link(root, o));
        }
        s
    }

    /// A claim as plain text (for title attributes).
    fn claim_plain(&self, c: &Claim) -> String {
        let e = &self.site.entities;
        let mut s = format!("{} {}", flat(&e[c.subject].label), c.label);
        if let Some(o) = c.object {
            s.push(' ');
            s.push_str(&flat(&e[o].label));
        }
        if let Some(d) = &c.date {
            s.push_str(&format!(" ({d})"));
        }
        s
    }

    /// The evidence quote, linked to its place in the source.
    fn quote_link(&self, root: &str, c: &Claim) -> String {
        format!(
            "<a class=\"quote\" href=\"{}#q{}-{}\">“{}”</a>",
            self.names.doc(root, c.source),
            c.start,
            c.end,
            text(&flat(&c.quote))
        )
    }

    fn date_cell(c: &Claim) -> String {
        c.date.as_deref().map(text).unwrap_or_default()
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A kind's heading word.
fn kind_title(kind: EntityType) -> &'static str {
    match kind {
        EntityType::Person => "People",
        EntityType::Organisation => "Organisations",
        EntityType::Place => "Places",
        EntityType::Event => "Events",
        EntityType::Work => "Works",
    }
}

fn wikidata_link(q: &str) -> String {
    format!(
        "<a href=\"https://www.wikidata.org/wiki/{0}\" rel=\"external\">{0}</a>",
        attr(q)
    )
}

/// A pager: links to every page of a list, the current one marked.
fn pager(count: usize, current: usize, href: &dyn Fn(usize) -> String, label: &str) -> String {
    let pages = count.div_ceil(PAGE_ROWS);
    if pages <= 1 {
        return String::new();
    }
    let mut out = format!(
        "<nav class=\"pager\" aria-label=\"{}\"><ul>",
        attr(&format!("Pages of {label}"))
    );
    for p in 1..=pages {
        if p == current {
            let _ = write!(out, "<li><span aria-current=\"page\">{p}</span></li>");
        } else {
            let _ = write!(out, "<li><a href=\"{}\">{p}</a></li>", href(p));
        }
    }
    out.push_str("</ul></nav>\n");
    out
}

/// The documents in the order lists show them: by date (undated last),
/// then id.
pub fn documents_by_date(site: &Site) -> Vec<usize> {
    let mut order: Vec<usize> = (0..site.documents.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&site.documents[a], &site.documents[b]);
        (x.date.is_none(), &x.date, &x.id).cmp(&(y.date.is_none(), &y.date, &y.id))
    });
    order
}

/// The entities of one kind, most mentioned first.
pub fn entities_of_kind(site: &Site, kind: EntityType) -> Vec<usize> {
    let mut list: Vec<usize> = (0..site.entities.len())
        .filter(|&e| site.entities[e].kind == kind)
        .collect();
    list.sort_by(|&a, &b| {
        let (x, y) = (&site.entities[a], &site.entities[b]);
        y.mentions
            .len()
            .cmp(&x.mentions.len())
            .then_with(|| x.label.cmp(&y.label))
            .then_with(|| x.id.cmp(&y.id))
    });
    list
}

impl Ctx<'_> {
    fn documents_table(&self, root: &str, rows: &[usize]) -> String {
        let mut out = String::from(
            "<table class=\"list\"><caption class=\"visually-hidden\">Documents by date</caption>\n<thead><tr><th scope=\"col\">Date</th><th scope=\"col\">Title</th><th scope=\"col\">Kind</th><th scope=\"col\">Author</th><th scope=\"col\">Recipient</th></tr></thead>\n<tbody>\n",
        );
        for &d in rows {
            let doc = &self.site.documents[d];
            let _ = writeln!(
                out,
                "<tr><td class=\"date\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                doc.date.as_deref().map(text).unwrap_or_default(),
                self.doc_link(root, d),
                text(&doc.kind),
                self.entity_list(root, &doc.authors),
                self.entity_list(root, &doc.recipients)
            );
        }
        out.push_str("</tbody></table>\n");
        out
    }

    fn entities_table(&self, root: &str, kind: EntityType, rows: &[usize]) -> String {
        let mut out = format!(
            "<table class=\"list\"><caption class=\"visually-hidden\">{}, most mentioned first</caption>\n<thead><tr><th scope=\"col\">Name</th><th scope=\"col\" class=\"num\">Mentions</th><th scope=\"col\">Wikidata</th></tr></thead>\n<tbody>\n",
            kind_title(kind)
        );
        for &e in rows {
            let ent = &self.site.entities[e];
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                self.entity_link(root, e),
                ent.mentions.len(),
                ent.wikidata
                    .as_deref()
                    .map(wikidata_link)
                    .unwrap_or_default()
            );
        }
        out.push_str("</tbody></table>\n");
        out
    }

    /// The index page and the further pages of its lists: (path, html).
    pub fn index(&self) -> Vec<(String, String)> {
        let site = self.site;
        let mut files = Vec::new();
        let mentions: usize = site.documents.iter().map(|d| d.mentions.len()).sum();
        let mut body = format!("<h1>{}</h1>\n", text(&flat(&site.title)));
        if let Some(d) = &site.description {
            let _ = writeln!(body, "<p class=\"lead\">{}</p>", text(&flat(d)));
        }
        let _ = writeln!(
            body,
            "<p>{}, {}, {}, <a href=\"claims.html\">{}</a> (<a href=\"claims.html#conflicts\">{}</a>); the <a href=\"network.html\">network</a> of who is named with whom.</p>",
            plural(site.documents.len(), "document", "documents"),
            plural(site.entities.len(), "entity", "entities"),
            plural(mentions, "mention", "mentions"),
            plural(site.claims.len(), "claim", "claims"),
            plural(site.conflicts.len(), "conflict", "conflicts"),
        );
        body.push_str(
            "<section id=\"search\" aria-labelledby=\"search-h\">\n<h2 id=\"search-h\">Search</h2>\n\
<noscript><p>Search needs JavaScript; every other part of these pages works without it.</p></noscript>\n\
<form id=\"search-form\" role=\"search\" hidden>\n<label for=\"q\">Names and words in the texts</label>\n\
<input id=\"q\" name=\"q\" type=\"search\" autocomplete=\"off\" spellcheck=\"false\">\n\
<button type=\"submit\">Search</button>\n</form>\n\
<div id=\"search-results\" aria-live=\"polite\"></div>\n</section>\n",
        );

        let order = documents_by_date(site);
        let doc_href = |p: usize| -> String {
            if p == 1 {
                "../index.html#documents".into()
            } else {
                format!("documents-{p}.html")
            }
        };
        let index_doc_href = |p: usize| -> String {
            if p == 1 {
                "index.html#documents".into()
            } else {
                format!("lists/documents-{p}.html")
            }
        };
        body.push_str("<section id=\"documents\" aria-labelledby=\"documents-h\">\n<h2 id=\"documents-h\">Documents</h2>\n");
        body.push_str(&pager(order.len(), 1, &index_doc_href, "documents"));
        body.push_str(&self.documents_table("", &order[..order.len().min(PAGE_ROWS)]));
        body.push_str("</section>\n");
        for (n, rows) in order.chunks(PAGE_ROWS).enumerate().skip(1) {
            let p = n + 1;
            let title = format!("Documents, page {p}");
            let mut b = format!("<h1>{}</h1>\n", text(&title));
            b.push_str(&pager(order.len(), p, &doc_href, "documents"));
            b.push_str(&self.documents_table("../", rows));
            files.push((
                format!("lists/documents-{p}.html"),
                html::page(&self.frame(&title, "../", &[]), &b),
            ));
        }

        body.push_str("<section id=\"entities\" aria-labelledby=\"entities-h\">\n<h2 id=\"entities-h\">Entities</h2>\n");
        for kind in super::read::kinds() {
            let list = entities_of_kind(site, kind);
            if list.is_empty() {
                continue;
            }
            let _ = writeln!(
                body,
                "<h3 id=\"type-{kind}\">{} ({})</h3>",
                kind_title(kind),
                list.len()
            );
            let here = |p: usize| -> String {
                if p == 1 {
                    format!("index.html#type-{kind}")
                } else {
                    format!("lists/{kind}-{p}.html")
                }
            };
            let there = |p: usize| -> String {
                if p == 1 {
                    format!("../index.html#type-{kind}")
                } else {
                    format!("{kind}-{p}.html")
                }
            };
            body.push_str(&pager(list.len(), 1, &here, kind_title(kind)));
            body.push_str(&self.entities_table("", kind, &list[..list.len().min(PAGE_ROWS)]));
            for (n, rows) in list.chunks(PAGE_ROWS).enumerate().skip(1) {
                let p = n + 1;
                let title = format!("{}, page {p}", kind_title(kind));
                let mut b = format!("<h1>{}</h1>\n", text(&title));
                b.push_str(&pager(list.len(), p, &there, kind_title(kind)));
                b.push_str(&self.entities_table("../", kind, rows));
                files.push((
                    format!("lists/{kind}-{p}.html"),
                    html::page(&self.frame(&title, "../", &[]), &b),
                ));
            }
        }
        body.push_str("</section>\n");
        files.insert(
            0,
            (
                "index.html".into(),
                html::page(
                    &self.frame("Index", "", &["assets/search.js", "search/meta.js"]),
                    &body,
                ),
            ),
        );
        files
    }

    /// The page of one document; `kwic` receives the contexts of its
    /// mentions for the entity pages (entity, document, mention, left, right).
    pub fn document(
        &self,
        d: usize,
        kwic: &mut dyn FnMut(usize, usize, usize, String, String),
    ) -> String {
        let site = self.site;
        let doc: &Document = &site.documents[d];
        let root = "../";
        let mut body = format!(
            "<article>\n<h1>{}</h1>\n<dl class=\"meta\">\n",
            text(&flat(&doc.title))
        );
        let mut row = |k: &str, v: String| {
            if !v.is_empty() {
                let _ = writeln!(body, "<dt>{k}</dt><dd>{v}</dd>");
            }
        };
        row("Kind", text(&doc.kind));
        row("Date", doc.date.as_deref().map(text).unwrap_or_default());
        row("Author", self.entity_list(root, &doc.authors));
        row("Recipient", self.entity_list(root, &doc.recipients));
        row(
            "Language",
            doc.language.as_deref().map(text).unwrap_or_default(),
        );
        row(
            "Publisher",
            doc.publisher.as_deref().map(text).unwrap_or_default(),
        );
        row(
            "Source",
            doc.source.as_deref().map(text).unwrap_or_default(),
        );
        row("Note", doc.note.as_deref().map(text).unwrap_or_default());
        row(
            "Identifier",
            format!(
                "<code>{}</code> (file <code>{}</code>, characters {}–{})",
                text(&doc.id),
                text(&doc.file),
                doc.file_start,
                doc.file_end
            ),
        );
        row(
            "Embedded in",
            doc.parent
                .map(|p| self.doc_link(root, p))
                .unwrap_or_default(),
        );
        row(
            "Embeds",
            doc.children
                .iter()
                .map(|&c| {
                    let child = &site.documents[c];
                    format!(
                        "{} (characters {}–{} of this text)",
                        self.doc_link(root, c),
                        child.file_start.saturating_sub(doc.file_start),
                        child.file_end.saturating_sub(doc.file_start)
                    )
                })
                .collect::<Vec<_>>()
                .join("; "),
        );
        body.push_str("</dl>\n");

        // The text with its spans.
        let mut inline = Vec::new();
        for m in &doc.mentions {
            let e = &site.entities[m.entity];
            let (class, note) = match &m.derived {
                Some((How::Review, why)) => (
                    "",
                    format!(
                        " (a reviewer's override: {})",
                        why.as_deref().unwrap_or("review")
                    ),
                ),
                Some((how, why)) => (
                    " derived",
                    format!(
                        " (derived by annalist, not a name the gazetteer lists: {})",
                        why.as_deref().unwrap_or(how.name())
                    ),
                ),
                None => ("", String::new()),
            };
            inline.push(Inline {
                start: m.start,
                end: m.end,
                rank: 0,
                open: format!(
                    "<a class=\"m t-{}{class}\" id=\"m{}-{}\" href=\"{}\" title=\"{}\">",
                    e.kind,
                    m.start,
                    m.end,
                    self.names.entity(root, m.entity),
                    attr(&format!("{}: {}{note}", e.kind, flat(&e.label)))
                ),
                close: "</a>",
                anchor: Some(format!("m{}-{}", m.start, m.end)),
                // Inside an event's or work's name, whose link holds it.
                inner: m.nested.then(|| {
                    (
                        format!(
                            "<span class=\"m nested t-{}{class}\" id=\"m{}-{}\" data-href=\"{}\" title=\"{}\">",
                            e.kind,
                            m.start,
                            m.end,
                            self.names.entity(root, m.entity),
                            attr(&format!(
                                "{}: {}, named inside another name (its page is linked from the entity index){note}",
                                e.kind,
                                flat(&e.label)
                            ))
                        ),
                        "</span>",
                    )
                }),
            });
        }
        for s in &doc.shared {
            let names: Vec<String> = s
                .candidates
                .iter()
                .map(|&c| {
                    let e = &site.entities[c];
                    format!("{} ({})", flat(&e.label), e.kind)
                })
                .collect();
            inline.push(Inline {
                start: s.start,
                end: s.end,
                rank: 1,
                open: format!(
                    "<span class=\"m shared\" id=\"s{}-{}\" title=\"{}\">",
                    s.start,
                    s.end,
                    attr(&format!(
                        "Not linked: a name several entities share here ({})",
                        names.join("; ")
                    ))
                ),
                close: "</span>",
                anchor: Some(format!("s{}-{}", s.start, s.end)),
                inner: None,
            });
        }
        // A name no gazetteer lists is marked where no link is: a listed
        // name inside it ("Ravensby" in "Ravensby Mechanics Institute")
        // keeps its link, and the rest of the name is marked around it.
        let chars: Vec<char> = if doc.unlisted.is_empty() {
            Vec::new()
        } else {
            doc.text.chars().collect()
        };
        for u in &doc.unlisted {
            let mut pieces = Vec::new();
            let mut at = u.start;
            for m in doc
                .mentions
                .iter()
                .filter(|m| m.start < u.end && m.end > u.start)
            {
                if m.start > at {
                    pieces.push((at, m.start));
                }
                at = at.max(m.end);
            }
            if at < u.end {
                pieces.push((at, u.end));
            }
            let title = attr(&format!(
                "{}, not linked: \"{}\", a name no gazetteer lists, recognised by a rule ({}); not reviewed",
                u.kind,
                flat(&u.text),
                u.reason.as_deref().unwrap_or("no rule recorded")
            ));
            // The first piece carries the name's anchor.
            let mut anchor = Some(format!("u{}-{}", u.start, u.end));
            for (start, end) in pieces {
                // Without the spaces a link leaves at its edges.
                let (mut start, mut end) = (start, end.min(chars.len()));
                while start < end && chars[start].is_whitespace() {
                    start += 1;
                }
                while end > start && chars[end - 1].is_whitespace() {
                    end -= 1;
                }
                if start == end {
                    continue;
                }
                let anchor = anchor.take();
                let id = anchor
                    .as_ref()
                    .map_or(String::new(), |a| format!(" id=\"{a}\""));
                inline.push(Inline {
                    start,
                    end,
                    rank: 1,
                    open: format!(
                        "<span class=\"m unlisted t-{}\"{id} title=\"{title}\">",
                        u.kind
                    ),
                    close: "</span>",
                    anchor,
                    inner: None,
                });
            }
        }
        for t in &doc.dates {
            let mut title = match &t.value {
                Some(v) => format!("Date: {v}"),
                None => "A date the text does not pin down".to_string(),
            };
            if let Some(n) = &t.note {
                title.push_str(&format!(" (inferred: {n})"));
            }
            let valid = t.value.as_deref().filter(|v| {
                let b = v.as_bytes();
                matches!(b.len(), 4 | 7 | 10)
                    && b.iter().enumerate().all(|(i, c)| {
                        if i == 4 || i == 7 {
                            *c == b'-'
                        } else {
                            c.is_ascii_digit()
                        }
                    })
            });
            let class = if t.note.is_some() { "d inferred" } else { "d" };
            let open = match valid {
                Some(v) => format!(
                    "<time class=\"{class}\" datetime=\"{}\" title=\"{}\">",
                    attr(v),
                    attr(&title)
                ),
                None => format!("<span class=\"{class}\" title=\"{}\">", attr(&title)),
            };
            inline.push(Inline {
                start: t.start,
                end: t.end,
                rank: 2,
                open,
                close: if valid.is_some() {
                    "</time>"
                } else {
                    "</span>"
                },
                anchor: None,
                inner: None,
            });
        }
        let passages: Vec<Passage> = self.claims_in[d]
            .iter()
            .map(|&i| {
                let c = &site.claims[i];
                Passage {
                    start: c.start,
                    end: c.end,
                    id: format!("q{}-{}", c.start, c.end),
                    title: format!("Evidence: {}", self.claim_plain(c)),
                }
            })
            .collect();
        body.push_str("<section aria-labelledby=\"text-h\">\n<h2 id=\"text-h\">Text</h2>\n");
        body.push_str(LEGEND);
        let _ = writeln!(
            body,
            "<div class=\"text\" id=\"text\">{}</div>\n</section>",
            render(&doc.text, inline, &passages)
        );

        if !self.claims_in[d].is_empty() {
            body.push_str("<section aria-labelledby=\"claims-h\">\n<h2 id=\"claims-h\">Claims this document makes</h2>\n<ol class=\"claims\">\n");
            for &i in &self.claims_in[d] {
                let c = &site.claims[i];
                let _ = write!(body, "<li>{}", self.claim_words(root, c));
                if let Some(date) = &c.date {
                    let _ = write!(body, " <span class=\"when\">({})</span>", text(date));
                }
                let _ = write!(
                    body,
                    ": <a class=\"quote\" href=\"#q{}-{}\">“{}”</a>",
                    c.start,
                    c.end,
                    text(&flat(&c.quote))
                );
                if let Some(r) = &c.role {
                    let _ = write!(body, " <span class=\"role\">Role: {}.</span>", text(r));
                }
                if let Some(n) = &c.note {
                    let _ = write!(body, " <span class=\"note\">Note: {}.</span>", text(n));
                }
                body.push_str("</li>\n");
            }
            body.push_str("</ol>\n</section>\n");
        }

        // The entities named here, and the contexts for their pages.
        let mut counts: BTreeMap<usize, usize> = BTreeMap::new();
        for m in &doc.mentions {
            *counts.entry(m.entity).or_default() += 1;
        }
        if !counts.is_empty() {
            body.push_str("<section aria-labelledby=\"named-h\">\n<h2 id=\"named-h\">Named in this document</h2>\n<ul class=\"named\">\n");
            let mut list: Vec<(usize, usize)> = counts.into_iter().collect();
            list.sort_by(|a, b| {
                b.1.cmp(&a.1)
                    .then_with(|| site.entities[a.0].label.cmp(&site.entities[b.0].label))
            });
            for (e, n) in list {
                let first = doc
                    .mentions
                    .iter()
                    .find(|m| m.entity == e)
                    .expect("counted");
                let _ = writeln!(
                    body,
                    "<li>{} <a href=\"#m{}-{}\">{}</a></li>",
                    self.entity_link(root, e),
                    first.start,
                    first.end,
                    plural(n, "mention", "mentions")
                );
            }
            body.push_str("</ul>\n</section>\n");
        }
        body.push_str("</article>\n");

        if !doc.mentions.is_empty() {
            let chars: Vec<char> = doc.text.chars().collect();
            let window = |a: usize, b: usize| -> String {
                flat(
                    &chars[a.min(chars.len())..b.min(chars.len())]
                        .iter()
                        .collect::<String>(),
                )
            };
            for (k, m) in doc.mentions.iter().enumerate() {
                let left = window(m.start.saturating_sub(KWIC_CHARS), m.start);
                let right = window(m.end, m.end + KWIC_CHARS);
                kwic(m.entity, d, k, left, right);
            }
        }
        html::page(&self.frame(&doc.title, root, &[]), &body)
    }

    /// The page of one entity. `kwic` holds the contexts of its first
    /// mentions: (document, mention, left, right).
    pub fn entity(
        &self,
        e: usize,
        kwic: &[(usize, usize, String, String)],
        named_with: &[(usize, usize)],
    ) -> String {
        let site = self.site;
        let ent = &site.entities[e];
        let root = "../";
        let mut body = format!(
            "<h1><span class=\"badge t-{0}\">{0}</span> {1}</h1>\n<dl class=\"meta\">\n",
            ent.kind,
            text(&flat(&ent.label))
        );
        let _ = writeln!(body, "<dt>Type</dt><dd>{}</dd>", ent.kind);
        let _ = writeln!(
            body,
            "<dt>Identifier</dt><dd><code>{}</code></dd>",
            text(&ent.id)
        );
        if !ent.aliases.is_empty() {
            let _ = writeln!(
                body,
                "<dt>Also called</dt><dd>{}</dd>",
                ent.aliases
                    .iter()
                    .map(|a| text(&flat(a)))
                    .collect::<Vec<_>>()
                    .join("; ")
            );
        }
        if let Some(d) = &ent.description {
            let _ = writeln!(body, "<dt>Description</dt><dd>{}</dd>", text(d));
        }
        if let Some(q) = &ent.wikidata {
            let _ = write!(body, "<dt>Wikidata</dt><dd>{}", wikidata_link(q));
            if let Some(s) = &ent.wikidata_source {
                let _ = write!(body, " (verified: {})", text(s));
            }
            body.push_str("</dd>\n");
        }
        let mut docs: Vec<usize> = ent.mentions.iter().map(|&(d, _)| d).collect();
        docs.dedup();
        let mentions = if docs.is_empty() {
            "none: no text names it as the gazetteer spells it".to_string()
        } else {
            format!(
                "{} in {}",
                ent.mentions.len(),
                plural(docs.len(), "document", "documents")
            )
        };
        let _ = writeln!(body, "<dt>Mentions</dt><dd>{mentions}</dd>\n</dl>");

        // Claims, by relation; conflicts side by side.
        let claims = &self.claims_of[e];
        if !self.conflicts_of[e].is_empty() {
            body.push_str("<section aria-labelledby=\"conflicts-h\">\n<h2 id=\"conflicts-h\">The sources disagree</h2>\n");
            for &k in &self.conflicts_of[e] {
                body.push_str(&self.conflict(root, k));
            }
            body.push_str("</section>\n");
        }
        if !claims.is_empty() {
            body.push_str(
                "<section aria-labelledby=\"claims-h\">\n<h2 id=\"claims-h\">Claims</h2>\n",
            );
            let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
            for &i in claims {
                groups
                    .entry(site.claims[i].label.as_str())
                    .or_default()
                    .push(i);
            }
            for (label, list) in groups {
                let _ = writeln!(
                    body,
                    "<h3>{}</h3>\n<table class=\"list\"><thead><tr><th scope=\"col\">Claim</th><th scope=\"col\">Date</th><th scope=\"col\">Source</th><th scope=\"col\">Evidence</th></tr></thead><tbody>",
                    text(label)
                );
                for i in list {
                    let c = &site.claims[i];
                    let _ = writeln!(
                        body,
                        "<tr><td>{}</td><td class=\"date\">{}</td><td>{}</td><td>{}</td></tr>",
                        self.claim_words(root, c),
                        Ctx::date_cell(c),
                        self.doc_link(root, c.source),
                        self.quote_link(root, c)
                    );
                }
                body.push_str("</tbody></table>\n");
            }
            body.push_str("</section>\n");

            let mut dated: Vec<usize> = claims
                .iter()
                .copied()
                .filter(|&i| site.claims[i].date.is_some())
                .collect();
            if !dated.is_empty() {
                dated.sort_by(|&a, &b| {
                    (site.claims[a].sort_date(), a).cmp(&(site.claims[b].sort_date(), b))
                });
                body.push_str("<section aria-labelledby=\"timeline-h\">\n<h2 id=\"timeline-h\">Timeline</h2>\n<ol class=\"timeline\">\n");
                for i in dated {
                    let c = &site.claims[i];
                    let _ = writeln!(
                        body,
                        "<li><span class=\"when\">{}</span> {} <span class=\"src\">({})</span></li>",
                        Ctx::date_cell(c),
                        self.claim_words(root, c),
                        self.doc_link(root, c.source)
                    );
                }
                body.push_str("</ol>\n</section>\n");
            }
        }

        if !named_with.is_empty() {
            body.push_str("<section aria-labelledby=\"with-h\">\n<h2 id=\"with-h\">Named in the same sentence as</h2>\n<ul class=\"named\">\n");
            for &(o, n) in named_with.iter().take(COMENTIONS_MAX) {
                let _ = writeln!(
                    body,
                    "<li>{} ({})</li>",
                    self.entity_link(root, o),
                    plural(n, "sentence", "sentences")
                );
            }
            body.push_str("</ul>\n</section>\n");
        }

        if !kwic.is_empty() {
            body.push_str("<section aria-labelledby=\"mentions-h\">\n<h2 id=\"mentions-h\">Mentions in context</h2>\n");
            if ent.mentions.len() > kwic.len() {
                let _ = writeln!(
                    body,
                    "<p>The first {} of {} mentions, in reading order.</p>",
                    kwic.len(),
                    ent.mentions.len()
                );
            }
            body.push_str("<table class=\"kwic\"><thead><tr><th scope=\"col\" class=\"left\">Before</th><th scope=\"col\">Mention</th><th scope=\"col\">After</th><th scope=\"col\">Document</th></tr></thead><tbody>\n");
            for (d, k, left, right) in kwic {
                let m = &site.documents[*d].mentions[*k];
                let _ = writeln!(
                    body,
                    "<tr><td class=\"left\">{}</td><td><a class=\"m t-{}\" href=\"{}#m{}-{}\">{}</a></td><td>{}</td><td>{}</td></tr>",
                    text(left),
                    ent.kind,
                    self.names.doc(root, *d),
                    m.start,
                    m.end,
                    text(&flat(&m.text)),
                    text(right),
                    self.doc_link(root, *d)
                );
            }
            body.push_str("</tbody></table>\n</section>\n");
        }
        html::page(&self.frame(&ent.label, root, &[]), &body)
    }

    /// Two claims that disagree, side by side.
    fn conflict(&self, root: &str, k: usize) -> String {
        let (a, b) = self.site.conflicts[k];
        let mut out = String::from("<div class=\"conflict\">\n");
        for i in [a, b] {
            let c = &self.site.claims[i];
            let _ = writeln!(
                out,
                "<blockquote class=\"side\"><p>{} <span class=\"when\">({})</span></p><p>{}</p><p class=\"src\">— {}</p></blockquote>",
                self.claim_words(root, c),
                c.date.as_deref().map(text).unwrap_or_else(|| "undated".into()),
                self.quote_link(root, c),
                self.doc_link(root, c.source)
            );
        }
        out.push_str("</div>\n");
        out
    }

    /// The claims-and-conflicts page.
    pub fn claims(&self) -> String {
        let site = self.site;
        let root = "";
        let mut body = String::from("<h1>Claims and conflicts</h1>\n");
        body.push_str("<section id=\"conflicts\" aria-labelledby=\"conflicts-h\">\n<h2 id=\"conflicts-h\">Do the sources disagree?</h2>\n");
        if site.conflicts.is_empty() {
            body.push_str("<p>No: no two claims of the corpus disagree on when or where something happened.</p>\n");
        } else {
            let _ = writeln!(
                body,
                "<p>Yes: {} disagree on when or where something happened (the library query <code>conflicting-claims</code>).</p>",
                plural(site.conflicts.len(), "pair of claims", "pairs of claims")
            );
            for k in 0..site.conflicts.len() {
                body.push_str(&self.conflict(root, k));
            }
        }
        body.push_str("</section>\n");

        let mut relations: Vec<(&str, &str)> = site
            .claims
            .iter()
            .map(|c| (c.relation.as_str(), c.label.as_str()))
            .collect();
        relations.sort();
        relations.dedup();
        let mut sources: Vec<usize> = site.claims.iter().map(|c| c.source).collect();
        sources.sort_by(|&a, &b| {
            site.documents[a]
                .title
                .cmp(&site.documents[b].title)
                .then(a.cmp(&b))
        });
        sources.dedup();
        let _ = writeln!(
            body,
            "<section id=\"claims\" aria-labelledby=\"claims-h\">\n<h2 id=\"claims-h\">Every relation and event ({})</h2>",
            site.claims.len()
        );
        body.push_str("<form id=\"filter\" class=\"filter\" hidden>\n<p><label for=\"f-relation\">Relation</label> <select id=\"f-relation\"><option value=\"\">any</option>");
        for (id, label) in &relations {
            let _ = write!(
                body,
                "<option value=\"{}\">{}</option>",
                attr(id),
                text(label)
            );
        }
        body.push_str("</select>\n<label for=\"f-source\">Source</label> <select id=\"f-source\"><option value=\"\">any</option>");
        for &d in &sources {
            let _ = write!(
                body,
                "<option value=\"{}\">{}</option>",
                attr(&site.documents[d].id),
                text(&flat(&site.documents[d].title))
            );
        }
        body.push_str("</select>\n<label for=\"f-from\">From</label> <input id=\"f-from\" size=\"10\" placeholder=\"YYYY\">\n<label for=\"f-to\">to</label> <input id=\"f-to\" size=\"10\" placeholder=\"YYYY\">\n<output id=\"f-count\" for=\"f-relation f-source f-from f-to\"></output></p>\n</form>\n");
        body.push_str("<table class=\"list\" id=\"claims-table\"><thead><tr><th scope=\"col\">Subject</th><th scope=\"col\">Relation</th><th scope=\"col\">Object</th><th scope=\"col\">Date</th><th scope=\"col\">Source</th><th scope=\"col\">Evidence</th></tr></thead><tbody>\n");
        for c in &site.claims {
            let _ = writeln!(
                body,
                "<tr data-relation=\"{}\" data-source=\"{}\" data-date=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td class=\"date\">{}</td><td>{}</td><td>{}</td></tr>",
                attr(&c.relation),
                attr(&site.documents[c.source].id),
                attr(c.date.as_deref().unwrap_or("")),
                self.entity_link(root, c.subject),
                text(&c.label),
                c.object.map(|o| self.entity_link(root, o)).unwrap_or_default(),
                Ctx::date_cell(c),
                self.doc_link(root, c.source),
                self.quote_link(root, c)
            );
        }
        body.push_str("</tbody></table>\n</section>\n");
        html::page(
            &self.frame("Claims and conflicts", root, &["assets/filter.js"]),
            &body,
        )
    }

    /// The network page around the SVG picture, its nodes made links.
    pub fn network(&self, svg: &str, part: super::Part) -> String {
        let by_id: BTreeMap<&str, usize> = self
            .site
            .entities
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.as_str(), i))
            .collect();
        let mut pic = String::with_capacity(svg.len() + 4096);
        for line in svg.lines() {
            if line.starts_with("<?xml") {
                continue;
            }
            if let Some(rest) = line.strip_prefix("<svg ") {
                let _ = writeln!(
                    pic,
                    "<svg role=\"img\" aria-labelledby=\"network-h\" {rest}"
                );
                continue;
            }
            let id = line
                .strip_prefix("<circle ")
                .and_then(|l| l.split_once(" data-id=\""))
                .and_then(|(_, r)| r.split_once('"'))
                .map(|(id, _)| id);
            match id.and_then(|id| by_id.get(id)) {
                Some(&e) => {
                    let _ = writeln!(pic, "<a href=\"{}\">{line}</a>", self.names.entity("", e));
                }
                None => {
                    pic.push_str(line);
                    pic.push('\n');
                }
            }
        }
        let what = "Who wrote to whom, and who is named in the same sentence as whom. A node's area grows with its mentions; select a node to open its page.";
        let intro = if part.nodes.0 < part.nodes.1 || part.edges.0 < part.edges.1 {
            format!(
                "<p>{what}</p>\n<p>The picture shows the {} most mentioned of the {} entities and the {} heaviest of the {} ties among them; the whole network is <code>annalist export --format gexf</code> (for Gephi) or <code>--format svg</code>.</p>",
                part.nodes.0, part.nodes.1, part.edges.0, part.edges.1
            )
        } else {
            format!("<p>{what} The same picture is <code>annalist export --format svg</code>.</p>")
        };
        let body = format!(
            "<h1 id=\"network-h\">Network of entities</h1>\n{intro}\n<figure class=\"network\">\n{pic}</figure>\n"
        );
        html::page(&self.frame("Network", "", &[]), &body)
    }
}

/// The key to the marks in a text.
const LEGEND: &str = "<p class=\"legend\">Names are links: <span class=\"m t-Person\">person</span> <span class=\"m t-Organisation\">organisation</span> <span class=\"m t-Place\">place</span> <span class=\"m t-Event\">event</span> <span class=\"m t-Work\">work</span> <span class=\"m shared\">shared name, not linked</span> <span class=\"m unlisted t-Place\">dotted, without colour: a name no gazetteer lists, recognised by a rule, not linked</span>; <span class=\"m t-Person derived\">dashed: a name annalist derived (a surname, a short form, another spelling), not one the gazetteer lists</span>; <span class=\"m t-Event\">the <span class=\"m nested t-Person\">double line</span>: a name inside an event's or a work's name</span>; <span class=\"d\">dates</span>; <mark class=\"q\">evidence of a claim</mark>. Hover or focus a mark for what it is.</p>\n";
