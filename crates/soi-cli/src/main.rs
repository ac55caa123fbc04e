//! `soi`: finds scam and fraudulent marketplace listings for consumer-protection enforcement.
//!
//! The binary only parses arguments and wires the library crates together; every subcommand lives
//! in its own file under `cmd/`.

mod cmd;
mod features;
mod global;
mod input;
mod output;
mod progress;
mod signal;
mod telemetry;

use std::process::ExitCode;

use clap::Parser;

/// Finds scam and fraudulent marketplace listings and explains every flag.
#[derive(Parser)]
#[command(name = "soi", version, about, long_about = None)]
struct Cli {
    #[command(flatten)]
    global: global::Global,
    #[command(subcommand)]
    command: cmd::Command,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    cli.global.init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(cli.command.exec(&cli.global)) {
        Ok(code) => code,
        // A reader that stopped early (`soi sellers | head`) is not an error.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
