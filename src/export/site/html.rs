//! HTML building blocks: escaping and the page frame every page shares.
//!
//! Invariant: no text from the store reaches a page except through
//! [`text`] or [`attr`], so a label such as `<script>` is shown, never run;
//! characters HTML may not carry (control characters other than tab, line
//! feed and carriage return) become U+FFFD, one character for one, so
//! offsets in code points still hold.

use std::fmt::Write;

/// One character, as it may appear in HTML text.
fn push_char(out: &mut String, c: char, in_attr: bool) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' if in_attr => out.push_str("&quot;"),
        '\'' if in_attr => out.push_str("&#39;"),
        '\r' => out.push_str("&#13;"),
        '\n' if in_attr => out.push_str("&#10;"),
        '\t' | '\n' => out.push(c),
        c if c.is_control() || is_noncharacter(c) => out.push('\u{FFFD}'),
        c => out.push(c),
    }
}

fn is_noncharacter(c: char) -> bool {
    let n = c as u32;
    (0xFDD0..=0xFDEF).contains(&n) || (n & 0xFFFE) == 0xFFFE
}

/// Escapes text for element content.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        push_char(&mut out, c, false);
    }
    out
}

/// Escapes text for a double-quoted attribute value.
pub fn attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        push_char(&mut out, c, true);
    }
    out
}

/// Text on one line: white space runs become one space.
pub fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What a page needs to know to link back to the others.
pub struct Frame<'a> {
    /// The page title (plain text).
    pub title: &'a str,
    /// The corpus title, for the header.
    pub site: &'a str,
    /// The path from the page to the site root: `""` or `"../"`.
    pub root: &'a str,
    /// Scripts this page loads, as paths from the site root.
    pub scripts: &'a [&'a str],
}

/// Writes the page around `body` (which holds the content of `<main>`).
pub fn page(frame: &Frame<'_>, body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 1500);
    let root = frame.root;
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<title>{} · {}</title>\n<link rel=\"icon\" href=\"data:,\">\n<link rel=\"stylesheet\" href=\"{root}assets/style.css\">\n",
        text(&flat(frame.title)),
        text(&flat(frame.site)),
    );
    for s in frame.scripts {
        let _ = writeln!(out, "<script src=\"{root}{s}\" defer></script>");
    }
    let _ = write!(
        out,
        "</head>\n<body>\n<a class=\"skip\" href=\"#main\">Skip to content</a>\n\
<header class=\"site\">\n<p class=\"site-title\"><a href=\"{root}index.html\">{}</a></p>\n\
<nav aria-label=\"Site\"><ul>\
<li><a href=\"{root}index.html#documents\">Documents</a></li>\
<li><a href=\"{root}index.html#entities\">Entities</a></li>\
<li><a href=\"{root}claims.html\">Claims and conflicts</a></li>\
<li><a href=\"{root}network.html\">Network</a></li>\
<li><a href=\"{root}index.html#search\">Search</a></li>\
</ul></nav>\n</header>\n<main id=\"main\">\n",
        text(&flat(frame.site))
    );
    out.push_str(body);
    out.push_str(
        "</main>\n<footer class=\"site\"><p>Written by <code>annalist export --format html</code> \
from the corpus store. Works offline: every page, style and script is in this folder.</p></footer>\n\
</body>\n</html>\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_text_is_shown_not_parsed() {
        let hostile = "<script>alert(\"x\")</script> O'Brien & Co\u{0}";
        assert_eq!(
            text(hostile),
            "&lt;script&gt;alert(\"x\")&lt;/script&gt; O'Brien &amp; Co\u{FFFD}"
        );
        assert_eq!(
            attr(hostile),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; O&#39;Brien &amp; Co\u{FFFD}"
        );
    }

    #[test]
    fn escaping_keeps_one_character_for_one() {
        let s = "a\u{1}b\rc\nd";
        assert_eq!(text(s), "a\u{FFFD}b&#13;c\nd");
    }
}
