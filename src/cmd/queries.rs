//! `annalist queries`: list the query library, and beside it the queries
//! the corpus carries in its own `queries/` directory.

use super::Context;
use annalist::output::print_rows;
use annalist::read::query::{library, purpose};
use annalist::{Error, Result};
use std::io::{IsTerminal, Write};

pub fn run(ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let mut rows: Vec<Vec<String>> = library()
        .iter()
        .map(|q| vec![q.name.to_string(), "library".to_string(), q.purpose()])
        .collect();
    // Queries the corpus carries in its own queries/ directory come first.
    let own = ctx.build.corpus.join("queries");
    if let Ok(entries) = std::fs::read_dir(&own) {
        let mut local: Vec<Vec<String>> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "rq"))
            .map(|p| {
                let text = std::fs::read_to_string(&p).map_err(|e| Error::io(&p, e))?;
                let name = p
                    .file_stem()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .to_string();
                Ok(vec![name, "corpus".to_string(), purpose(&text)])
            })
            .collect::<Result<_>>()?;
        local.sort();
        for l in local.into_iter().rev() {
            rows.retain(|r| r[0] != l[0]);
            rows.insert(0, l);
        }
    }
    print_rows(
        out,
        &["name", "from", "answers"],
        &rows,
        std::io::stdout().is_terminal(),
    )
}
