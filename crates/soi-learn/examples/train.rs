//! Trains the fast tier without the `soi` binary:
//! `cargo run --release -p soi-learn --example train -- CONFIG OUT_DIR [HEAD...]`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(config), Some(out)) = (args.first(), args.get(1)) else {
        eprintln!("usage: train CONFIG OUT_DIR [HEAD...]");
        std::process::exit(2);
    };
    let cfg = soi_learn::train::TrainConfig::from_file(config.as_ref())?;
    let data = soi_learn::train::shared_data_dir().ok_or("no shared data folder")?;
    let heads = args[2..]
        .iter()
        .map(|h| h.parse::<soi_score::Head>())
        .collect::<Result<Vec<_>, _>>()?;
    let only = (!heads.is_empty()).then_some(heads.as_slice());
    let command = format!("soi train --config {config}");
    for r in soi_learn::train::train_and_save(&cfg, &data, out.as_ref(), only, &command)? {
        println!("{}", serde_json::to_string(&r.report)?);
    }
    Ok(())
}
