//! The one folding of text, used wherever two spellings are compared: the
//! tagger, derived name variants, claim and override location, `discover`
//! and the name keys of Wikidata linking and reconciliation.
//!
//! [`fold_char`] folds a character, keeping its case: typographic
//! apostrophes, quotes and dashes become `'`, `"` and `-`; invisible
//! characters (soft hyphen, zero-width spaces) go; a letter with accents
//! becomes its base letter (canonical decomposition less the combining
//! marks: `Slánský` = `Slansky`); the letters decomposition keeps whole
//! become their usual Latin spelling (`ø` `o`, `ł` `l`, `æ` `ae`, `ß` `ss`,
//! `þ` `th`); Cyrillic is transliterated (`Молотов` = `Molotov`). [`fold`]
//! folds a text with that, collapses runs of white space to one space,
//! joins a word hyphenated across a line break, and maps every offset of
//! the folded text back to the original.
//!
//! Invariant: folding is a function of the character alone (and, for white
//! space, of the run it is in); every byte of a folded text maps to the
//! byte offset of the original character it comes from.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// Calls `emit` with what `c` folds to: nothing, one or several characters.
pub fn fold_char(c: char, mut emit: impl FnMut(char)) {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{2032}' | '\u{02BC}' | '`' | '\u{00B4}' => {
            emit('\'')
        }
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{00AB}' | '\u{00BB}'
        | '\u{2033}' => emit('"'),
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2212}' => emit('-'),
        '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{FEFF}' => {}
        c if c.is_ascii() => emit(c),
        c if is_combining_mark(c) => {}
        c => {
            let lower = c.to_lowercase().next().unwrap_or(c);
            if let Some(s) = latin(lower).or_else(|| cyrillic(lower)) {
                // The case of the letter goes to the first letter of its
                // spelling (`Щ` `Shch`, `Æ` `Ae`).
                for (k, d) in s.chars().enumerate() {
                    if k == 0 && lower != c {
                        d.to_uppercase().for_each(&mut emit);
                    } else {
                        emit(d);
                    }
                }
            } else {
                decompose_canonical(c, |d| {
                    if !is_combining_mark(d) {
                        emit(d);
                    }
                })
            }
        }
    }
}

/// Folds `text` for matching and returns, for every byte offset of the
/// folded text that starts a character (and for its end), the byte offset
/// of the original character it comes from. Characters dropped by folding
/// (combining marks, the line break after a hyphen) belong to the character
/// before them.
pub fn fold(text: &str) -> (String, Vec<u32>) {
    let mut out = String::with_capacity(text.len());
    let mut map: Vec<u32> = Vec::with_capacity(text.len() + 1);
    let push = |out: &mut String, map: &mut Vec<u32>, c: char, from: usize| {
        let before = out.len();
        out.push(c);
        map.extend(std::iter::repeat_n(from as u32, out.len() - before));
    };
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_whitespace() {
            let mut j = i + c.len_utf8();
            while let Some(&(k, n)) = chars.peek() {
                if !n.is_whitespace() {
                    break;
                }
                j = k + n.len_utf8();
                chars.next();
            }
            // A hyphen at a line end joins the two halves of a word or name.
            let joins = out.ends_with('-') && text[i..j].contains('\n');
            if !joins {
                push(&mut out, &mut map, ' ', i);
            }
            continue;
        }
        fold_char(c, |d| push(&mut out, &mut map, d, i));
    }
    map.push(text.len() as u32);
    (out, map)
}

/// The base letters of a lowercase letter that canonical decomposition
/// keeps whole (it has no accent to strip).
fn latin(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'ĳ' => "ij",
        'ĵ' => "j",
        'ķ' | 'ĸ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' | 'ŉ' | 'ŋ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ſ' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
}

/// The Latin transliteration of a lowercase Cyrillic letter.
fn cyrillic(c: char) -> Option<&'static str> {
    Some(match c {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' | 'ґ' => "g",
        'д' => "d",
        'е' | 'ё' | 'э' | 'є' => "e",
        'ж' => "zh",
        'з' => "z",
        'и' | 'і' | 'ї' => "i",
        'й' => "y",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' | 'ў' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ъ' | 'ь' => "",
        'ы' => "y",
        'ю' => "yu",
        'я' => "ya",
        _ => return None,
    })
}
