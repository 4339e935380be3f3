//! Escaping, in one place: text for XML element content and attribute
//! values, the characters XML 1.0 cannot hold, JSON string literals (also
//! in a form safe inside an HTML script), and CSV fields.
//!
//! Invariant: what these functions return parses back to the text given
//! (less the characters XML 1.0 cannot hold, which become U+FFFD), and can
//! never close the element, attribute or string it is written into.

use std::fmt::Write as _;

/// Whether XML 1.0 can hold `c` (its `Char` production).
pub fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// `s` with every character XML 1.0 cannot hold replaced by U+FFFD.
pub fn xml_clean(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().all(xml_char) {
        s.into()
    } else {
        s.chars()
            .map(|c| if xml_char(c) { c } else { '\u{FFFD}' })
            .collect::<String>()
            .into()
    }
}

/// Escapes text for an XML attribute value. Line breaks and tabs become
/// character references, because XML parsers turn literal ones in attributes
/// into spaces; characters XML 1.0 cannot carry become U+FFFD.
pub fn xml_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c => out.push(if xml_char(c) { c } else { '\u{FFFD}' }),
        }
    }
    out
}

/// Escapes text for XML element content.
pub fn xml_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            '\n' | '\t' => out.push(c),
            c => out.push(if xml_char(c) { c } else { '\u{FFFD}' }),
        }
    }
    out
}

/// Appends `text` to `out` as an RFC 4180 CSV field: as it is, or quoted
/// with its quotes doubled when it holds a quote, a comma or a line break.
pub fn csv_field(out: &mut Vec<u8>, text: &[u8]) {
    let quoted =
        memchr::memchr3(b'"', b',', b'\n', text).is_some() || memchr::memchr(b'\r', text).is_some();
    if !quoted {
        out.extend_from_slice(text);
        return;
    }
    out.push(b'"');
    let mut rest = text;
    while let Some(at) = memchr::memchr(b'"', rest) {
        out.extend_from_slice(&rest[..=at]);
        out.push(b'"');
        rest = &rest[at + 1..];
    }
    out.extend_from_slice(rest);
    out.push(b'"');
}

/// `s` as a JSON string literal: quotes and backslashes escaped, control
/// characters (and U+2028, U+2029, which JavaScript treats as line ends)
/// as escapes, everything else as UTF-8.
pub fn json_string(s: &str) -> String {
    json_literal(s, false)
}

/// A JSON string literal that is also safe inside an HTML `<script>`:
/// `<`, `>` and `&` are written as escapes too, so that no text can close
/// the script or open a comment.
pub fn script_json_string(s: &str) -> String {
    json_literal(s, true)
}

/// The JSON string literal of `s`; in a `script`, `<`, `>` and `&` are
/// escaped too, and every control character is written `\uXXXX`.
fn json_literal(s: &str, script: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '<' | '>' | '&' if script => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            '\n' if !script => out.push_str("\\n"),
            '\r' if !script => out.push_str("\\r"),
            '\t' if !script => out.push_str("\\t"),
            '\u{7f}' if !script => out.push_str("\\u007f"),
            c if c < ' ' || c == '\u{2028}' || c == '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
