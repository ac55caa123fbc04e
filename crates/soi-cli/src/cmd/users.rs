//! `soi users`: the console's users. Passwords are read from the terminal without echo, or as
//! the first line of stdin when it is not a terminal (scripts), and stored as argon2id hashes.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;
use soi_console::audit::AuditLog;
use soi_console::users::{self, Actor};
use soi_store::console::Role;

use crate::global::Global;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Add a user (asks for the password).
    Add {
        name: String,
        /// analyst, supervisor or liaison.
        #[arg(long, value_parser = parse_role)]
        role: Role,
    },
    /// Every user, with role and state.
    List {
        /// One JSON object per line instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Disable a user: their sessions end and they cannot log in.
    Disable { name: String },
    /// Set a new password (asks for it) and enable the user again.
    Reset { name: String },
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse()
        .map_err(|e: soi_store::console::ParseError| e.to_string())
}

fn read_password(prompt: &str) -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        let p = rpassword::prompt_password(prompt).context("reading the password")?;
        let again = rpassword::prompt_password("again: ").context("reading the password")?;
        anyhow::ensure!(p == again, "the two passwords differ");
        Ok(p)
    } else {
        let mut line = String::new();
        stdin
            .lock()
            .read_line(&mut line)
            .context("reading the password from stdin")?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    }
}

/// The operating-system user running the command, for the audit log.
fn actor_name() -> String {
    format!(
        "cli:{}",
        std::env::var("USER").unwrap_or_else(|_| "unknown".into())
    )
}

pub async fn exec(a: Args, g: &Global) -> anyhow::Result<ExitCode> {
    let (_, console) = g.connect_stores().await?;
    let audit = AuditLog::new(console.clone());
    let me = actor_name();
    let by = Actor {
        name: &me,
        addr: "cli",
    };
    match a.command {
        Cmd::Add { name, role } => {
            users::check_name(&name)?;
            let pw = read_password(&format!("password for {name}: "))?;
            let u = users::add(console.as_ref(), &audit, by, &name, role, &pw).await?;
            eprintln!("user {} added as {}", u.name, u.role);
        }
        Cmd::List { json } => {
            for u in console.users().await? {
                if json {
                    println!(
                        "{}",
                        serde_json::json!({"name": u.name, "role": u.role, "disabled": u.disabled,
                            "created_at": u.created_at, "updated_at": u.updated_at})
                    );
                } else {
                    println!(
                        "{:<24} {:<11} {}",
                        u.name,
                        u.role.as_str(),
                        if u.disabled { "disabled" } else { "active" }
                    );
                }
            }
        }
        Cmd::Disable { name } => {
            users::disable(console.as_ref(), &audit, by, &name).await?;
            eprintln!("user {name} disabled (a running console ends their sessions at their next request)");
        }
        Cmd::Reset { name } => {
            let pw = read_password(&format!("new password for {name}: "))?;
            users::reset(console.as_ref(), &audit, by, &name, &pw).await?;
            eprintln!("password of {name} set");
        }
    }
    Ok(ExitCode::SUCCESS)
}
