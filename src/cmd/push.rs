//! `annalist push`: send the store to a triplestore server; draws the
//! progress the library reports.

use super::Context;
use crate::cli::{PushArgs, PushSyntax};
use annalist::serve::push::{self, Auth, Progress, PushConfig};
use annalist::store::StoreDir;
use annalist::{Error, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use oxigraph::io::RdfFormat;

pub fn run(ctx: &Context, args: &PushArgs) -> Result<()> {
    let format = match args.format {
        PushSyntax::Ntriples => RdfFormat::NTriples,
        PushSyntax::Turtle => RdfFormat::Turtle,
    };
    let timeout = super::seconds(
        args.timeout,
        "give the seconds to wait for each answer, e.g. --timeout 60",
    )?;
    let auth = match (&args.user, &args.password, &args.token) {
        (Some(user), Some(password), _) => Auth::Basic {
            user: user.clone(),
            password: password.clone(),
        },
        (Some(user), None, _) => {
            return Err(Error::Usage {
                message: format!("--user {user} has no password"),
                fix: "set the environment variable ANNALIST_PUSH_PASSWORD (or give --password)"
                    .into(),
            })
        }
        (None, _, Some(token)) => Auth::Bearer(token.clone()),
        (None, _, None) => Auth::None,
    };
    ctx.ensure_built()?;
    let config = PushConfig {
        url: args.url.clone(),
        auth,
        timeout,
        format,
        all: args.all,
    };
    let bar = if ctx.build.progress.is_some() {
        ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} pushing {bar:30} {pos}/{len} graphs {bytes_per_sec} {msg}",
        )
        .expect("a valid progress template"),
    );
    let quiet = ctx.quiet;
    let result = push::push(
        &StoreDir::new(&ctx.build.store),
        &config,
        &mut |p| match p {
            Progress::Plan {
                graphs,
                send,
                delete,
            } => {
                bar.set_length((send + delete) as u64);
                if !quiet {
                    bar.suspend(|| {
                        eprintln!(
                            "{}: {graphs} graphs in the store; sending {send}, deleting {delete}, {} unchanged since the last push",
                            config.url,
                            graphs - send
                        )
                    });
                }
            }
            Progress::Done { graph, .. } => {
                bar.inc(1);
                bar.set_message(graph.rsplit('/').next().unwrap_or(graph).to_string());
            }
        },
    );
    bar.finish_and_clear();
    let summary = result?;
    if !quiet {
        eprintln!(
            "pushed to {}: {} graphs sent ({} bytes), {} deleted, {} unchanged",
            config.url, summary.sent, summary.bytes, summary.deleted, summary.unchanged
        );
    }
    Ok(())
}
