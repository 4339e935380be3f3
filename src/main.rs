//! The `annalist` binary: parse the command line, run the command, turn its
//! [`cmd::Status`] into an exit code (0 success, 1 an ASK answered false or
//! an evaluation below --min-f1, 2 an error). A closed output pipe
//! (`annalist … | head`) is a success.

mod cli;
mod cmd;

use clap::Parser;
use cli::{Cli, Command};
use cmd::Status;
use std::io::Write;
use std::process::ExitCode;

/// mimalloc, not the C library's allocator: a build or a full check of a
/// large corpus makes and frees millions of small strings, and glibc's
/// allocator spends a second of a 1 GB corpus's check merging its free
/// lists (`malloc_consolidate`). It replaces `malloc` and `free` for the
/// whole process too (the crate's `override`), so that RocksDB's C++ and
/// Rust share one allocator: Oxigraph frees RocksDB's error strings, made by
/// the C library's `strdup`, as Rust strings, and two allocators there
/// crash the process as it reports a full disk or a damaged store.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Transparent huge pages off for this process. mimalloc asks for them, and
/// the kernel then zeroes two megabytes at each first touch: a third of
/// the time of a one-document update of a 1 GB corpus went to it, and a
/// full build gains nothing from them (BENCHMARKS.md, "One document at
/// 1 GB in under 2 s").
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and touches no memory
    // of ours; a kernel without it returns an error, which changes nothing.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

fn main() -> ExitCode {
    no_huge_pages();
    let cli = Cli::parse();
    let ctx = cmd::Context::new(&cli);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let done = |r: annalist::Result<()>| r.map(|()| Status::Success);
    let result = match &cli.command {
        Command::Build(args) => done(cmd::build::run(&ctx, args)),
        Command::Query(args) => cmd::query::run(&ctx, args, &mut out),
        Command::Queries => done(cmd::queries::run(&ctx, &mut out)),
        Command::Export(args) => done(cmd::export::run(&ctx, args, &mut out)),
        Command::Init(args) => done(cmd::init::run(args)),
        Command::Add(args) => done(cmd::add::run(&ctx, args)),
        Command::Mentions(args) => done(cmd::mentions::run(&ctx, args, &mut out)),
        Command::Evaluate(args) => cmd::evaluate::run(&ctx, args, &mut out),
        Command::Discover(args) => done(cmd::discover::run(&ctx, args, &mut out)),
        Command::Gazetteer(args) => done(cmd::gazetteer::run(&ctx, args)),
        Command::Import(args) => done(cmd::import::run(&ctx, args)),
        Command::Link(args) => done(cmd::link::run(&ctx, args, &mut out)),
        Command::Serve(args) => done(cmd::serve::run(&ctx, args)),
        Command::Push(args) => done(cmd::push::run(&ctx, args)),
        Command::Search(args) => done(cmd::search::run(&ctx, args, &mut out)),
    };
    let flushed = out.flush();
    ctx.finish();
    match result {
        Ok(Status::No) => ExitCode::from(1),
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
