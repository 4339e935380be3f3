//! A document's text as HTML, with its spans marked: mentions (links),
//! shared names, names no gazetteer lists, dates, and the evidence
//! passages of claims.
//!
//! Invariants: the text content of the result is the document text, code
//! point for code point (see [`super::html`] for the few characters HTML
//! cannot carry); marked spans never overlap, and a mention's element holds
//! exactly the mention's characters. Where two inline spans overlap the one
//! of higher rank wins (mentions, then shared and unlisted names, then
//! dates), and of equal rank the one that starts first, then the longer; an
//! evidence passage whose end falls inside an inline span is widened to that
//! span's edge, since a link cannot be cut in two. A span that lies wholly inside a
//! winner and has an element for that ([`Inline::inner`]: a person named
//! inside an event's name) is marked inside it, one level deep; any other
//! span that loses an overlap keeps its anchor: an empty element with its
//! id at its start.

use super::html;
use std::collections::{BTreeMap, BTreeSet};

/// An inline span: a link, a shared or unlisted name, or a date.
pub struct Inline {
    pub start: usize,
    pub end: usize,
    /// Lower ranks win overlaps.
    pub rank: u8,
    pub open: String,
    pub close: &'static str,
    /// The id to keep as an empty anchor when the span loses an overlap.
    pub anchor: Option<String>,
    /// The element (open, close) to mark the span with when it lies inside
    /// a winning span; a link cannot hold a link, so this is no `<a>`.
    pub inner: Option<(String, &'static str)>,
}

/// An evidence passage.
pub struct Passage {
    pub start: usize,
    pub end: usize,
    /// The anchor id links use (kept even when the mark is widened).
    pub id: String,
    /// What the passage is evidence for (plain text).
    pub title: String,
}

/// Writes `text` with the spans marked.
pub fn render(text: &str, mut inline: Vec<Inline>, passages: &[Passage]) -> String {
    let chars: Vec<char> = text.chars().collect();
    let len = chars.len();
    inline.retain(|s| s.start < s.end && s.end <= len);
    inline.sort_by_key(|s| (s.rank, s.start, std::cmp::Reverse(s.end)));
    // Accepted spans: start -> index into `inline`.
    let mut taken: BTreeMap<usize, usize> = BTreeMap::new();
    let mut losers = Vec::new();
    for (i, s) in inline.iter().enumerate() {
        let overlaps = taken
            .range(..s.end)
            .next_back()
            .is_some_and(|(_, &j)| inline[j].end > s.start);
        if !overlaps {
            taken.insert(s.start, i);
        } else {
            losers.push(i);
        }
    }
    // Spans marked inside a winner, and the anchors of the rest.
    let mut inner: BTreeMap<usize, usize> = BTreeMap::new();
    let mut lost: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    for i in losers {
        let s = &inline[i];
        let within = taken.range(..=s.start).next_back().is_some_and(|(_, &j)| {
            inline[j].end >= s.end && (inline[j].start, inline[j].end) != (s.start, s.end)
        });
        let free = inner
            .range(..s.end)
            .next_back()
            .is_none_or(|(_, &j)| inline[j].end <= s.start);
        if s.inner.is_some() && within && free {
            inner.insert(s.start, i);
        } else if let Some(id) = &s.anchor {
            lost.entry(s.start).or_default().push(id);
        }
    }
    let ends: BTreeMap<usize, usize> = taken.values().map(|&i| (inline[i].end, i)).collect();
    let inner_ends: BTreeMap<usize, usize> = inner.values().map(|&i| (inline[i].end, i)).collect();
    // Passages snapped out of inline spans.
    let snap = |p: usize, outward_start: bool| -> usize {
        match taken.range(..p).next_back() {
            Some((&s, &i)) if s < p && p < inline[i].end => {
                if outward_start {
                    s
                } else {
                    inline[i].end
                }
            }
            _ => p,
        }
    };
    let marks: Vec<(usize, usize, usize)> = passages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.start <= p.end && p.end <= len)
        .map(|(k, p)| (snap(p.start, true), snap(p.end, false), k))
        .collect();

    let mut bounds: BTreeSet<usize> = BTreeSet::from([0, len]);
    for (&s, &i) in taken.iter().chain(&inner) {
        bounds.insert(s);
        bounds.insert(inline[i].end);
    }
    for &(s, e, _) in &marks {
        bounds.insert(s);
        bounds.insert(e);
    }
    bounds.extend(lost.keys().copied());
    let bounds: Vec<usize> = bounds.into_iter().collect();

    let mut out = String::with_capacity(text.len() * 2);
    let mut open_inline = false;
    let mut open_mark: Vec<usize> = Vec::new();
    let mut anchored: BTreeSet<&str> = BTreeSet::new();
    let mut open_inner = false;
    for (n, &p) in bounds.iter().enumerate() {
        if open_inner && inner_ends.contains_key(&p) {
            out.push_str(inline[inner_ends[&p]].inner.as_ref().map_or("", |(_, c)| c));
            open_inner = false;
        }
        if open_inline && ends.contains_key(&p) {
            out.push_str(inline[ends[&p]].close);
            open_inline = false;
        }
        let active: Vec<usize> = if p < len {
            marks
                .iter()
                .filter(|&&(s, e, _)| s <= p && p < e)
                .map(|&(_, _, k)| k)
                .collect()
        } else {
            Vec::new()
        };
        if !open_mark.is_empty() && open_mark != active {
            out.push_str("</mark>");
            open_mark.clear();
        }
        for &(s, _, k) in &marks {
            if s == p && anchored.insert(passages[k].id.as_str()) {
                out.push_str(&format!(
                    "<span class=\"anchor\" id=\"{}\"></span>",
                    html::attr(&passages[k].id)
                ));
            }
        }
        if open_mark.is_empty() && !active.is_empty() {
            let titles: Vec<&str> = active.iter().map(|&k| passages[k].title.as_str()).collect();
            out.push_str(&format!(
                "<mark class=\"q\" title=\"{}\">",
                html::attr(&titles.join("\n"))
            ));
            open_mark = active;
        }
        if let Some(&i) = taken.get(&p) {
            out.push_str(&inline[i].open);
            open_inline = true;
        }
        if let Some((open, _)) = inner.get(&p).and_then(|&i| inline[i].inner.as_ref()) {
            out.push_str(open);
            open_inner = true;
        }
        for id in lost.get(&p).into_iter().flatten() {
            if anchored.insert(id) {
                out.push_str(&format!(
                    "<span class=\"anchor\" id=\"{}\"></span>",
                    html::attr(id)
                ));
            }
        }
        if let Some(&next) = bounds.get(n + 1) {
            let segment: String = chars[p..next].iter().collect();
            out.push_str(&html::text(&segment));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(start: usize, end: usize) -> Inline {
        Inline {
            start,
            end,
            rank: 0,
            open: format!("<a id=\"m{start}\">"),
            close: "</a>",
            anchor: Some(format!("m{start}")),
            inner: Some((format!("<span id=\"m{start}\">"), "</span>")),
        }
    }

    #[test]
    fn a_passage_ending_inside_a_link_is_widened_and_the_link_kept_whole() {
        let text = "Golda Meir met Stalin.";
        let out = render(
            text,
            vec![link(0, 10), link(15, 21)],
            &[Passage {
                start: 6,
                end: 17,
                id: "q6-17".into(),
                title: "x".into(),
            }],
        );
        assert_eq!(
            out,
            "<span class=\"anchor\" id=\"q6-17\"></span><mark class=\"q\" title=\"x\"><a id=\"m0\">Golda Meir</a> met <a id=\"m15\">Stalin</a></mark>."
        );
    }

    #[test]
    fn overlapping_inline_spans_keep_the_higher_rank() {
        let mut date = link(3, 8);
        date.rank = 2;
        date.open = "<time>".into();
        date.close = "</time>";
        date.anchor = None;
        date.inner = None;
        let out = render("ab cdefgh", vec![date, link(0, 4)], &[]);
        assert_eq!(out, "<a id=\"m0\">ab c</a>defgh");
    }

    #[test]
    fn a_mention_nested_in_another_is_marked_inside_it() {
        let out = render("the Slansky trial.", vec![link(4, 11), link(0, 17)], &[]);
        assert_eq!(
            out,
            "<a id=\"m0\">the <span id=\"m4\">Slansky</span> trial</a>."
        );
        // Starting where the outer one starts, and ending where it ends.
        let out = render(
            "Prague trial",
            vec![link(0, 6), link(0, 12), link(7, 12)],
            &[],
        );
        assert_eq!(
            out,
            "<a id=\"m0\"><span id=\"m0\">Prague</span> <span id=\"m7\">trial</span></a>"
        );
    }

    #[test]
    fn a_span_that_cannot_be_marked_inside_keeps_its_anchor() {
        let mut half = link(4, 20);
        half.inner = None;
        let out = render("the Slansky trial and more.", vec![link(0, 17), half], &[]);
        assert_eq!(
            out,
            "<a id=\"m0\">the <span class=\"anchor\" id=\"m4\"></span>Slansky trial</a> and more."
        );
    }

    #[test]
    fn text_comes_back_code_point_for_code_point() {
        let text = "Мо́сква & <b>\r\n";
        let out = render(text, vec![link(0, 7)], &[]);
        assert_eq!(out, "<a id=\"m0\">Мо́сква</a> &amp; &lt;b&gt;&#13;\n");
    }
}
