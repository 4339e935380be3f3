//! Sentence boundaries, so that "mentioned in the same sentence" can be
//! asked of the graph.
//!
//! A rule-based splitter for edited prose: a sentence ends at a blank line,
//! or at `.`, `!`, `?` or `…` (with any closing quotes or brackets) that is
//! followed by white space and a capital, a digit or an opening quote. A
//! full stop after an initial (`V.M.`) or a common abbreviation (`Mr.`,
//! `Prof.`, `No.`) or a list number at a line start (`1.`) does not end a
//! sentence.
//!
//! Invariant: [`split`] returns non-empty, ordered, non-overlapping byte
//! ranges inside the range it was given, each trimmed of white space.

const ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Prof", "St", "Lt", "Col", "Gen", "Capt", "Maj", "Sgt", "Rev", "Hon",
    "No", "Nos", "Vol", "vol", "pp", "p", "ed", "eds", "cf", "vs", "Jr", "Sr", "Co", "Inc", "Ltd",
    "Mt", "Comrade", "Gov", "Sen", "Rep", "Fr", "ibid", "Ibid", "op", "cit", "approx",
];

/// The sentences of `text[start..end]`, as byte ranges into `text`.
pub fn split(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let slice = &text[start..end];
    let chars: Vec<(usize, char)> = slice.char_indices().collect();
    let mut out = Vec::new();
    let mut sentence_start: Option<usize> = None;
    let mut last_non_ws = 0;
    let mut k = 0;
    while k < chars.len() {
        let (i, c) = chars[k];
        if !c.is_whitespace() {
            if sentence_start.is_none() {
                sentence_start = Some(i);
            }
            last_non_ws = i + c.len_utf8();
        }
        let mut boundary = false;
        if c == '\n' {
            // A blank line ends the sentence.
            let mut j = k + 1;
            while j < chars.len() && chars[j].1 != '\n' && chars[j].1.is_whitespace() {
                j += 1;
            }
            boundary = j < chars.len() && chars[j].1 == '\n';
        } else if matches!(c, '.' | '!' | '?' | '…') {
            let mut j = k + 1;
            while j < chars.len() && matches!(chars[j].1, '"' | '\'' | '”' | '’' | ')' | ']' | '»')
            {
                last_non_ws = chars[j].0 + chars[j].1.len_utf8();
                j += 1;
            }
            let ws_start = j;
            while j < chars.len() && chars[j].1.is_whitespace() {
                j += 1;
            }
            let next = chars.get(j).map(|x| x.1);
            let opens = next.is_some_and(|n| {
                n.is_uppercase()
                    || n.is_ascii_digit()
                    || matches!(n, '"' | '“' | '‘' | '(' | '«' | '[')
            });
            if j > ws_start && opens && !(c == '.' && is_abbreviation(slice, i)) {
                boundary = true;
                k = ws_start - 1;
            }
        }
        if boundary {
            if let Some(s) = sentence_start.take() {
                out.push((start + s, start + last_non_ws));
            }
        }
        k += 1;
    }
    if let Some(s) = sentence_start {
        out.push((start + s, start + last_non_ws));
    }
    out
}

/// Whether the full stop at byte `dot` closes an abbreviation or initial.
fn is_abbreviation(text: &str, dot: usize) -> bool {
    let word_start = text[..dot]
        .rfind(|c: char| c.is_whitespace() || matches!(c, '(' | '"' | '“' | '‘'))
        .map_or(0, |i| {
            i + text[i..].chars().next().map_or(1, char::len_utf8)
        });
    let word = &text[word_start..dot];
    let last = word.rsplit('.').next().unwrap_or(word);
    let letters = last.chars().count();
    // A list number ("1. It is to be hoped …") at the start of a line.
    let line_start = text[..word_start].rfind('\n').map_or(0, |i| i + 1);
    let enumerator = (1..=3).contains(&word.len())
        && word.bytes().all(|b| b.is_ascii_digit())
        && text[line_start..word_start].trim().is_empty();
    enumerator
        || (letters == 1 && last.chars().all(char::is_uppercase))
        || ABBREVIATIONS.contains(&last)
        || (word.contains('.') && letters <= 2 && last.chars().all(char::is_alphabetic))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(text: &str) -> Vec<&str> {
        split(text, 0, text.len())
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect()
    }

    #[test]
    fn splits_on_stops_and_blank_lines_but_not_on_initials() {
        let text = "Letter to V.M. Molotov from Mr. Sharett. He wrote “Yes.” Then\nmore.\n\nRazin\n  \nNext (1953) one?\n1. Item. Done";
        assert_eq!(
            sentences(text),
            vec![
                "Letter to V.M. Molotov from Mr. Sharett.",
                "He wrote “Yes.”",
                "Then\nmore.",
                "Razin",
                "Next (1953) one?",
                "1. Item.",
                "Done"
            ]
        );
    }

    #[test]
    fn lower_case_after_a_stop_continues_the_sentence() {
        assert_eq!(
            sentences("about 10 p.m. and then. Next"),
            vec!["about 10 p.m. and then.", "Next"]
        );
    }
}
