//! A kept answer printed as CSV straight from its TSV lines.
//!
//! An answer is kept as the TSV that Oxigraph's serializer writes
//! (`store::answers`). Printing it as CSV through the TSV parser makes a
//! term of every cell only to take its text back out; at archive scale
//! (`concordance` keeps hundreds of megabytes) that is most of the time an
//! answer takes. This module reads each cell's syntax instead (an IRI in
//! angle brackets, a quoted literal with its escapes and its language or
//! datatype, a bare number or boolean, a blank node) and writes the cell
//! as `query`'s CSV writer writes the term: its bare text, quoted as RFC
//! 4180 quotes when it holds a quote, a comma or a line break. It also
//! finds where records start in a CSV printing ([`record_offsets`]), so
//! that a mended answer copies the records of its untouched lines.
//!
//! Invariant: for every TSV the serializer writes, the bytes are those of
//! parsing it and printing the solutions as CSV (a unit test compares them
//! on hostile terms); a line the serializer could not have written is an
//! error that says where, never a guess.

use std::io::{BufRead, Write};

/// Why a kept TSV does not read.
#[derive(Debug)]
pub enum Bad {
    /// Line (1-based) and what is wrong with it.
    Line(usize, String),
    Read(std::io::Error),
    Write(std::io::Error),
}

impl std::fmt::Display for Bad {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Bad::Line(n, why) => write!(f, "line {n}: {why}"),
            Bad::Read(e) => write!(f, "{e}"),
            Bad::Write(e) => write!(f, "{e}"),
        }
    }
}

/// Prints the TSV answer read from `input` as CSV to `out`.
pub fn tsv_to_csv(mut input: impl BufRead, out: &mut dyn Write) -> Result<(), Bad> {
    let mut line = Vec::new();
    let mut printed = Vec::with_capacity(1 << 12);
    let mut w = std::io::BufWriter::with_capacity(1 << 16, out);
    if input.read_until(b'\n', &mut line).map_err(Bad::Read)? == 0 {
        return Err(Bad::Line(1, "no header".into()));
    }
    if line.pop() != Some(b'\n') {
        return Err(Bad::Line(1, "the header does not end".into()));
    }
    let width = csv_header(&line, &mut printed).map_err(|why| Bad::Line(1, why))?;
    w.write_all(&printed).map_err(Bad::Write)?;
    let mut number = 1;
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line).map_err(Bad::Read)? == 0 {
            break;
        }
        number += 1;
        if line.pop() != Some(b'\n') {
            return Err(Bad::Line(number, "the line does not end".into()));
        }
        printed.clear();
        csv_line(&line, width, &mut printed).map_err(|why| Bad::Line(number, why))?;
        w.write_all(&printed).map_err(Bad::Write)?;
    }
    w.flush().map_err(Bad::Write)
}

/// Writes the CSV header of a TSV header line (without its line end) to
/// `printed`, with its line end; returns how many variables it names.
pub fn csv_header(line: &[u8], printed: &mut Vec<u8>) -> Result<usize, String> {
    // No variables: an empty header, and an empty line for each row.
    let names: Vec<&[u8]> = if line.is_empty() {
        Vec::new()
    } else {
        cells(line).collect()
    };
    for (i, name) in names.iter().enumerate() {
        let Some(name) = name.strip_prefix(b"?").or_else(|| name.strip_prefix(b"$")) else {
            return Err("a variable without ? or $".into());
        };
        if i > 0 {
            printed.push(b',');
        }
        printed.extend_from_slice(name);
    }
    printed.extend_from_slice(b"\r\n");
    Ok(names.len())
}

/// Writes the CSV record of one TSV line of `width` cells (without its
/// line end) to `printed`, with its line end.
pub fn csv_line(line: &[u8], width: usize, printed: &mut Vec<u8>) -> Result<(), String> {
    let mut count = 0;
    if width > 0 || !line.is_empty() {
        for cell in cells(line) {
            if count > 0 {
                printed.push(b',');
            }
            csv_cell(cell, printed)?;
            count += 1;
        }
    }
    if count != width {
        return Err(format!("{count} cells where the header names {width}"));
    }
    printed.extend_from_slice(b"\r\n");
    Ok(())
}

/// Where records start in CSV bytes that hold whole records (each ending
/// in CRLF; a field that holds a line break is quoted): the offset of each
/// record numbered in `wanted` (from 0, the first; ascending; `count`
/// stands for the end). None unless the bytes hold exactly `count`
/// records, every line feed outside quotes ending one.
pub fn record_offsets(csv: &[u8], count: usize, wanted: &[usize]) -> Option<Vec<usize>> {
    let mut offsets = Vec::with_capacity(wanted.len());
    let mut next = wanted.iter().peekable();
    while next.next_if(|&&w| w == 0).is_some() {
        offsets.push(0);
    }
    let mut quoted = false;
    let mut ended = 0usize;
    for i in memchr::memchr2_iter(b'"', b'\n', csv) {
        if csv[i] == b'"' {
            quoted = !quoted;
            continue;
        }
        if quoted {
            continue;
        }
        if i == 0 || csv[i - 1] != b'\r' || ended >= count {
            return None;
        }
        ended += 1;
        while next.next_if(|&&w| w == ended).is_some() {
            offsets.push(i + 1);
        }
    }
    let whole = !quoted && ended == count && csv.last().is_none_or(|&b| b == b'\n');
    (whole && next.peek().is_none()).then_some(offsets)
}

/// How many converted bytes the thread of [`tsv_to_csv_beside`] hands over
/// at a time.
const CHUNK: usize = 1 << 20;

/// As [`tsv_to_csv`], the same bytes, with the reading and converting on a
/// thread of their own: at archive scale an answer's CSV is written twice
/// (to the output and into the kept printing), and the next lines are
/// converted meanwhile. Writing stops at the first error, and so does the
/// thread.
pub fn tsv_to_csv_beside(input: impl BufRead + Send, out: &mut dyn Write) -> Result<(), Bad> {
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(4);
    std::thread::scope(|s| {
        let worker = s.spawn(move || {
            tsv_to_csv(
                input,
                &mut crate::output::ChunkSender::new(CHUNK, tx, |c| c),
            )
        });
        let mut failed = None;
        for chunk in &rx {
            if let Err(e) = out.write_all(&chunk) {
                failed = Some(e);
                break;
            }
        }
        // The thread's next hand-over fails, and it stops.
        drop(rx);
        let converted = worker.join().unwrap_or_else(|_| {
            Err(Bad::Read(std::io::Error::other(
                "the thread printing the kept answer stopped",
            )))
        });
        match failed {
            Some(e) => Err(Bad::Write(e)),
            None => converted.and_then(|()| out.flush().map_err(Bad::Write)),
        }
    })
}

/// The cells of a TSV line (without its line end).
pub fn cells(line: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut from = 0;
    memchr::memchr_iter(b'\t', line)
        .chain([line.len()])
        .map(move |tab| {
            let cell = &line[from..tab];
            from = tab + 1;
            cell
        })
}

/// Writes the CSV of one TSV cell: its term's bare text, as a CSV field.
fn csv_cell(cell: &[u8], out: &mut Vec<u8>) -> Result<(), String> {
    let text: std::borrow::Cow<'_, [u8]> = match cell.first() {
        None => return Ok(()),
        Some(b'<') => match cell.strip_suffix(b">") {
            Some(iri) => iri[1..].into(),
            None => return Err("an IRI without its >".into()),
        },
        Some(b'"') => literal(cell)?,
        Some(b'_') if cell.starts_with(b"_:") => cell.into(),
        Some(_)
            if cell
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(b)) =>
        {
            cell.into()
        }
        Some(_) => return Err("a cell that is no term".into()),
    };
    crate::text::escape::csv_field(out, &text);
    Ok(())
}

/// The value of a quoted literal cell (`"…"`, then `@lang` or `^^<IRI>`),
/// its escapes undone as Turtle's strings have them: borrowed from the
/// cell when it has none.
fn literal(cell: &[u8]) -> Result<std::borrow::Cow<'_, [u8]>, String> {
    let body = &cell[1..];
    let Some(first) = memchr::memchr2(b'"', b'\\', body) else {
        return Err("a literal without its closing quote".into());
    };
    let (value, end): (std::borrow::Cow<'_, [u8]>, usize) = if body[first] == b'"' {
        (body[..first].into(), first)
    } else {
        let mut value = body[..first].to_vec();
        let mut i = first;
        loop {
            match body.get(i) {
                None => return Err("a literal without its closing quote".into()),
                Some(b'"') => break,
                Some(b'\\') => {
                    let c = match body.get(i + 1) {
                        Some(b't') => '\t',
                        Some(b'b') => '\u{8}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b'f') => '\u{c}',
                        Some(b'"') => '"',
                        Some(b'\'') => '\'',
                        Some(b'\\') => '\\',
                        Some(&u @ (b'u' | b'U')) => {
                            let n = if u == b'u' { 4 } else { 8 };
                            let hex = body
                                .get(i + 2..i + 2 + n)
                                .and_then(|h| std::str::from_utf8(h).ok())
                                .and_then(|h| u32::from_str_radix(h, 16).ok())
                                .and_then(char::from_u32)
                                .ok_or("a bad \\u escape")?;
                            i += n;
                            hex
                        }
                        _ => return Err("an unknown escape".into()),
                    };
                    let mut buf = [0; 4];
                    value.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                    i += 2;
                }
                Some(_) => {
                    let run = memchr::memchr2(b'"', b'\\', &body[i..]).unwrap_or(body.len() - i);
                    value.extend_from_slice(&body[i..i + run]);
                    i += run;
                }
            }
        }
        (value.into(), i)
    };
    let rest = &body[end + 1..];
    let tagged = rest.is_empty()
        || (rest.starts_with(b"@") && rest.len() > 1)
        || (rest.starts_with(b"^^<") && rest.ends_with(b">"));
    if !tagged {
        return Err("a literal followed by more than its language or datatype".into());
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::{BlankNode, Literal, NamedNode, Term, Variable};
    use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};

    /// The TSV Oxigraph writes for these rows.
    fn tsv(variables: &[Variable], rows: &[Vec<Option<Term>>]) -> Vec<u8> {
        let mut ser = QueryResultsSerializer::from_format(QueryResultsFormat::Tsv)
            .serialize_solutions_to_writer(Vec::new(), variables.to_vec())
            .unwrap();
        for row in rows {
            ser.serialize(
                variables
                    .iter()
                    .zip(row)
                    .filter_map(|(v, t)| Some((v.as_ref(), t.as_ref()?.as_ref()))),
            )
            .unwrap();
        }
        ser.finish().unwrap()
    }

    /// What `query` prints as CSV for the TSV, by way of the parser.
    fn through_parser(bytes: &[u8]) -> Vec<u8> {
        use oxigraph::sparql::results::{QueryResultsParser, ReaderQueryResultsParserOutput};
        let ReaderQueryResultsParserOutput::Solutions(solutions) =
            QueryResultsParser::from_format(QueryResultsFormat::Tsv)
                .for_reader(bytes)
                .unwrap()
        else {
            panic!("not solutions")
        };
        let variables = solutions.variables().to_vec();
        let mut out = Vec::new();
        crate::read::query::write_solutions(
            crate::read::query::Format::Results(QueryResultsFormat::Csv),
            variables,
            solutions.map(|s| Ok(s.unwrap())),
            &mut out,
        )
        .unwrap();
        out
    }

    #[test]
    fn hostile_terms_print_as_the_parsed_solutions_print() {
        let v = |n: &str| Variable::new(n).unwrap();
        let variables = vec![v("a"), v("b"), v("c")];
        let lit = |s: &str| Some(Term::from(Literal::new_simple_literal(s)));
        let rows = vec![
            vec![
                Some(
                    NamedNode::new("http://example.org/doc#char=10,15")
                        .unwrap()
                        .into(),
                ),
                lit("say \"hi\", then\nleave\r\tback\\slash"),
                Some(
                    Literal::new_language_tagged_literal("=cmd|' /C calc'!A0", "en")
                        .unwrap()
                        .into(),
                ),
            ],
            vec![
                Some(Literal::from(42).into()),
                Some(Literal::from(true).into()),
                Some(Literal::from(-1.5e3).into()),
            ],
            vec![
                None,
                Some(BlankNode::new("b0").unwrap().into()),
                Some(
                    Literal::new_typed_literal("2.50", oxigraph::model::vocab::xsd::DECIMAL).into(),
                ),
            ],
            vec![
                Some(
                    Literal::new_typed_literal(
                        "1941-06",
                        oxigraph::model::vocab::xsd::G_YEAR_MONTH,
                    )
                    .into(),
                ),
                lit("MATCH (n) DETACH DELETE n; <script>ü</script> «Слáнский»"),
                lit(""),
            ],
            vec![None, None, None],
            vec![
                lit(" padded "),
                Some(
                    Literal::new_typed_literal(
                        "x",
                        NamedNode::new("http://example.org/t").unwrap(),
                    )
                    .into(),
                ),
                Some(
                    Literal::new_typed_literal("007", oxigraph::model::vocab::xsd::INTEGER).into(),
                ),
            ],
        ];
        let bytes = tsv(&variables, &rows);
        let mut printed = Vec::new();
        tsv_to_csv(&bytes[..], &mut printed).unwrap();
        assert_eq!(
            String::from_utf8(printed).unwrap(),
            String::from_utf8(through_parser(&bytes)).unwrap()
        );
    }

    #[test]
    fn records_are_found_past_quoted_line_breaks_and_quotes() {
        let v = |n: &str| Variable::new(n).unwrap();
        let lit = |s: &str| Some(Term::from(Literal::new_simple_literal(s)));
        let rows: Vec<Vec<Option<Term>>> = vec![
            vec![lit("plain"), lit("two")],
            vec![lit("a \"quote\", then\r\na break"), None],
            vec![lit("\"\""), lit("lone\nfeed, \"and\" more")],
            vec![None, lit("last")],
        ];
        let bytes = tsv(&[v("a"), v("b")], &rows);
        let mut csv = Vec::new();
        tsv_to_csv(&bytes[..], &mut csv).unwrap();
        // Each record's start (the header's first), found by printing the
        // lines one by one.
        let mut starts = vec![0, b"a,b\r\n".len()];
        for line in bytes.split(|&b| b == b'\n').skip(1).take(rows.len()) {
            let mut one = Vec::new();
            csv_line(line, 2, &mut one).unwrap();
            starts.push(starts.last().unwrap() + one.len());
        }
        assert_eq!(*starts.last().unwrap(), csv.len());
        assert_eq!(
            record_offsets(&csv, 5, &[0, 1, 2, 3, 4, 5]).as_deref(),
            Some(&starts[..])
        );
        assert_eq!(record_offsets(&csv, 5, &[3]), Some(vec![starts[3]]));
        // A record's bytes alone are one record.
        assert_eq!(
            record_offsets(&csv[starts[2]..starts[4]], 2, &[0, 1, 2]),
            Some(vec![0, starts[3] - starts[2], starts[4] - starts[2]])
        );
        // Another count, a cut printing, a bare line feed: not these records.
        assert_eq!(record_offsets(&csv, 4, &[0]), None);
        assert_eq!(record_offsets(&csv, 6, &[0]), None);
        assert_eq!(record_offsets(&csv[..csv.len() - 3], 5, &[0]), None);
        let mut bare = csv.clone();
        bare.extend_from_slice(b"x\n");
        assert_eq!(record_offsets(&bare, 6, &[0]), None);
        assert_eq!(record_offsets(b"", 0, &[0]), Some(vec![0]));
        assert_eq!(record_offsets(b"a\r\n", 1, &[1]), Some(vec![3]));
    }

    #[test]
    fn converted_on_a_thread_the_bytes_are_the_same() {
        // Enough rows for many hand-overs, hostile cells among them.
        let variables = [Variable::new("a").unwrap(), Variable::new("b").unwrap()];
        let rows: Vec<Vec<Option<Term>>> = (0..100_000)
            .map(|i| {
                vec![
                    Some(
                        NamedNode::new(format!("http://example.org/{i}"))
                            .unwrap()
                            .into(),
                    ),
                    (i % 7 != 0).then(|| {
                        Literal::new_simple_literal(format!("=1+{i}, \"quoted\"\n<b>\t{i}")).into()
                    }),
                ]
            })
            .collect();
        let bytes = tsv(&variables, &rows);
        let mut alone = Vec::new();
        tsv_to_csv(&bytes[..], &mut alone).unwrap();
        let mut beside = Vec::new();
        tsv_to_csv_beside(&bytes[..], &mut beside).unwrap();
        assert!(alone.len() > 3 * CHUNK, "{}", alone.len());
        assert!(alone == beside, "the same bytes");
        // A damaged line is named as it is alone.
        let damaged = b"?a\t?b\n<x>\t\"ok\"\n<y>\t\"open\n";
        let err = tsv_to_csv_beside(&damaged[..], &mut Vec::new()).unwrap_err();
        assert!(err.to_string().starts_with("line 3:"), "{err}");
        // An output that fails stops the printing with its error.
        struct Closed;
        impl Write for Closed {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::ErrorKind::BrokenPipe.into())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let err = tsv_to_csv_beside(&bytes[..], &mut Closed).unwrap_err();
        assert!(matches!(err, Bad::Write(e) if e.kind() == std::io::ErrorKind::BrokenPipe));
    }

    #[test]
    fn a_line_the_serializer_could_not_write_is_named() {
        let damaged = b"?a\t?b\n<x>\t\"ok\"\n<y>\t\"open\n";
        let err = tsv_to_csv(&damaged[..], &mut Vec::new()).unwrap_err();
        assert!(err.to_string().starts_with("line 3:"), "{err}");
        let short = b"?a\t?b\n<x>\n";
        let err = tsv_to_csv(&short[..], &mut Vec::new()).unwrap_err();
        assert_eq!(err.to_string(), "line 2: 1 cells where the header names 2");
    }

    #[test]
    fn one_unbound_variable_prints_an_empty_row() {
        let bytes = tsv(&[Variable::new("a").unwrap()], &[vec![None], vec![None]]);
        let mut printed = Vec::new();
        tsv_to_csv(&bytes[..], &mut printed).unwrap();
        assert_eq!(printed, through_parser(&bytes));
    }

    #[test]
    fn no_variables_print_empty_rows() {
        let bytes = tsv(&[], &[vec![], vec![]]);
        let mut printed = Vec::new();
        tsv_to_csv(&bytes[..], &mut printed).unwrap();
        assert_eq!(printed, through_parser(&bytes));
    }
}
