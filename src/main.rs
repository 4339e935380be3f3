//! The `annalist` binary: parse the command line, run the command, turn the
//! outcome into an exit code (0 success, 1 an ASK answered false or an
//! evaluation below --min-f1, 2 an error). A closed output pipe (`annalist … | head`) is a success.

mod cli;
mod cmd;

use annalist::read::query::Outcome;
use clap::Parser;
use cli::{Cli, Command};
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let ctx = cmd::Context::new(&cli);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let result = match &cli.command {
        Command::Build(args) => cmd::build::run(&ctx, args).map(|()| None),
        Command::Query(args) => cmd::query::run(&ctx, args, &mut out).map(Some),
        Command::Queries => cmd::queries::run(&ctx, &mut out).map(|()| None),
        Command::Export(args) => cmd::export::run(&ctx, args, &mut out).map(|()| None),
        Command::Init(args) => cmd::init::run(args).map(|()| None),
        Command::Add(args) => cmd::add::run(&ctx, args).map(|()| None),
        Command::Mentions(args) => cmd::mentions::run(&ctx, args, &mut out).map(|()| None),
        Command::Evaluate(args) => cmd::evaluate::run(&ctx, args, &mut out)
            .map(|pass| (!pass).then_some(Outcome::Boolean(false))),
        Command::Discover(args) => cmd::discover::run(&ctx, args, &mut out).map(|()| None),
        Command::Gazetteer(args) => cmd::gazetteer::run(&ctx, args).map(|()| None),
        Command::Import(args) => cmd::import::run(&ctx, args).map(|()| None),
        Command::Link(args) => cmd::link::run(&ctx, args, &mut out).map(|()| None),
        Command::Serve(args) => cmd::serve::run(&ctx, args).map(|()| None),
        Command::Push(args) => cmd::push::run(&ctx, args).map(|()| None),
        Command::Search(args) => cmd::search::run(&ctx, args, &mut out).map(|()| None),
    };
    let flushed = out.flush();
    match result {
        Ok(Some(Outcome::Boolean(false))) => ExitCode::from(1),
        Ok(_) => match flushed {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                eprintln!("error: cannot write output: {e}");
                ExitCode::from(2)
            }
            _ => ExitCode::SUCCESS,
        },
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            if let Some(fix) = e.fix() {
                eprintln!("  fix: {fix}");
            }
            if matches!(e, annalist::Error::Timeout { .. }) {
                // The cancelled evaluation may still be computing on its
                // thread: leave now, without the C++ clean-up at exit,
                // which would abort under a thread still using RocksDB.
                let _ = std::io::stderr().flush();
                // SAFETY: _exit ends the process at once; nothing of this
                // process is used after it.
                unsafe { libc::_exit(2) }
            }
            ExitCode::from(2)
        }
    }
}
