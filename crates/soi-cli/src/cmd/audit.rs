//! `soi audit verify`: checks the console's hash-chained audit log from its first row.

use std::process::ExitCode;

use clap::Subcommand;

use crate::global::Global;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Recompute every row's hash and link; names the first row that was changed, removed or
    /// moved. Exit 0 when intact, 1 when not.
    Verify,
}

pub async fn exec(a: Args, g: &Global) -> anyhow::Result<ExitCode> {
    let Cmd::Verify = a.command;
    let (_, console) = g.connect_stores().await?;
    match soi_store::console::verify_audit(console.as_ref()).await? {
        Ok(n) => {
            println!("audit log intact: {n} rows, every hash and link checked");
            Ok(ExitCode::SUCCESS)
        }
        Err(b) => {
            println!("audit log BROKEN at {b}");
            Ok(ExitCode::FAILURE)
        }
    }
}
