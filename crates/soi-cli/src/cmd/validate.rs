//! `soi validate`: checks every file in the pipelines folder and names the file, line and
//! problem of each mistake.

use std::process::ExitCode;

use crate::global::Global;

#[derive(clap::Args)]
pub struct Args {}

pub async fn exec(_a: Args, g: &Global) -> anyhow::Result<ExitCode> {
    let problems = soi_crawl::validate_pipelines(&g.pipelines);
    if problems.is_empty() {
        println!("{}: all pipeline files are valid", g.pipelines.display());
        return Ok(ExitCode::SUCCESS);
    }
    for p in &problems {
        eprintln!("{p}");
    }
    eprintln!("{} problem(s)", problems.len());
    Ok(ExitCode::FAILURE)
}
