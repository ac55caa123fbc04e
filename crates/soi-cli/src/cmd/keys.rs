//! `soi keys init|show`: the installation's Ed25519 key that signs evidence batches. `init` makes
//! it (HOME/keys/evidence-ed25519.pem, 0600; never over an existing one) and prints the public key
//! to hand to recipients; `show` prints it again.

use std::process::ExitCode;

use clap::Subcommand;
use soi_evidence::keys;

use crate::global::Global;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(Subcommand)]
enum What {
    /// Make the signing key and print its public key (refuses to overwrite a key).
    Init,
    /// Print the public key (PEM, then hex).
    Show,
}

pub fn exec(a: Args, g: &Global) -> anyhow::Result<ExitCode> {
    let public = match a.what {
        What::Init => {
            let public = keys::init(&g.home)?;
            eprintln!(
                "signing key written to {}; give recipients the public key below",
                keys::key_path(&g.home).display()
            );
            if std::env::var_os(keys::KEY_ENV).is_some() {
                eprintln!("warning: {} is set and wins over this file", keys::KEY_ENV);
            }
            public
        }
        What::Show => keys::require(&g.home)?.verifying_key(),
    };
    print!("{}", keys::public_pem(&public));
    println!("ed25519 {}", keys::public_hex(&public));
    Ok(ExitCode::SUCCESS)
}
