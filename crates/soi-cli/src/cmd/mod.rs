//! The subcommands. Each lives in its own file with its `Args` and an `exec` function; to add
//! one, add a variant here and an arm in [`Command::exec`].

use std::process::ExitCode;

use clap::Subcommand;

pub use publish::publish_file;
pub use run_crawl::crawl_step;

use crate::global::Global;

mod alerts;
mod audit;
mod bench;
#[cfg(feature = "encoder")]
mod bench_encoder;
mod bench_serve;
mod complaints;
mod crawl;
mod crawl_health;
mod dlq;
mod drift;
#[cfg(feature = "encoder")]
mod eval;
mod evidence;
mod evidence_check;
mod evidence_log;
mod evidence_package;
mod keys;
mod labels;
mod listing;
mod network;
mod publish;
mod report;
mod rescore;
mod run;
mod run_crawl;
mod score;
mod sellers;
mod serve;
mod signals;
mod sink;
mod train;
#[cfg(feature = "encoder")]
mod train_encoder;
mod users;
mod validate;

#[derive(Subcommand)]
pub enum Command {
    /// Crawl, score and store in one process, then show the top flagged sellers
    /// (default: the bundled demo marketplace).
    Run(run::Args),
    /// Score JSON Lines listings into JSON Lines verdicts (FILE or - for stdin/stdout).
    Score(score::Args),
    /// Flagged sellers, riskiest first, with their reasons.
    Sellers(sellers::Args),
    /// Dead letters (messages a stage could not handle): list or replay them.
    Dlq(dlq::Args),
    /// Put JSON Lines listings onto the distributed bus (`listings.raw`).
    Publish(publish::Args),
    /// The sink stage of the distributed pipeline: scored listings and sellers from the bus
    /// into the store.
    Sink(sink::Args),
    /// One listing: its verdict, every reason with the quoted evidence, the evidence hash.
    Listing(listing::Args),
    /// The accounts linked to one seller across marketplaces, the shared identifiers with the
    /// evidence on both sides, and their flagged listings.
    Network(network::Args),
    /// Hotline complaints: import an export (CSV or JSON Lines), list those naming a seller.
    Complaints(complaints::Args),
    /// Alerts: list them, retry failed deliveries, dispatch the outbox, verify a signature.
    Alerts(alerts::Args),
    /// Reports for foreign agencies (cross-border sellers).
    Report(report::Args),
    /// Score the stored listings again after a model or policy change (earlier verdicts stay
    /// in each listing's history).
    Rescore(rescore::Args),
    /// Has the score distribution moved? Each recent day against the weeks before (PSI).
    Drift(drift::Args),
    /// Crawl one marketplace and print its listings and sellers as JSON Lines.
    Crawl(crawl::Args),
    /// Each recent crawl's extraction health: items per page, fill rate per field, warnings.
    CrawlHealth(crawl_health::Args),
    /// Check every file in the pipelines folder (file, line and problem of each mistake).
    Validate(validate::Args),
    /// The stored evidence pages: list them, export them as WARC, verify or timestamp them.
    Evidence(evidence::Args),
    /// The installation's evidence signing key: make it (`init`) or print its public key (`show`).
    Keys(keys::Args),
    /// Train the fast tier's heads on the labelled sets and write models/<name>/.
    Train(train::Args),
    /// Metrics of one head on a JSON Lines file of {"text", "label"}: one JSON object.
    #[cfg(feature = "encoder")]
    Eval(eval::Args),
    /// Benchmarks: `soi bench score --input FILE` (listings per second, peak memory).
    Bench(bench::Args),
    /// The analysts' console: a web server to triage, label, build cases and refer them.
    Serve(serve::Args),
    /// The console's users: add, list, disable, reset.
    Users(users::Args),
    /// The console's audit log: `soi audit verify` checks its hash chain.
    Audit(audit::Args),
    /// Analysts' labels: `soi labels export` writes them as training data, `soi labels eval`
    /// measures the model on them.
    Labels(labels::Args),
}

impl Command {
    /// The command's name in metrics, and what it connects to (bus, store), for `/readyz`.
    fn shape(&self, g: &Global) -> (&'static str, bool, bool) {
        let bus = g.bus.is_some();
        match self {
            Command::Score(_) => ("score", bus, false),
            Command::Sink(_) => ("sink", bus, true),
            Command::Crawl(_) => ("crawl", bus, false),
            Command::Publish(_) => ("publish", bus, false),
            Command::Alerts(_) => ("alerts", false, true),
            Command::Run(_) => ("run", false, true),
            Command::Rescore(_) => ("rescore", false, true),
            Command::Serve(_) => ("serve", false, true),
            _ => ("other", false, false),
        }
    }

    pub async fn exec(self, g: &Global) -> anyhow::Result<ExitCode> {
        // Kept alive while the command runs.
        let _endpoint = match &g.metrics {
            Some(addr) => {
                let (name, bus, store) = self.shape(g);
                g.readiness.expect(bus, store);
                Some(crate::telemetry::start(addr, name, g.readiness.clone()).await?)
            }
            None => None,
        };
        match self {
            Command::Run(a) => run::exec(a, g).await,
            Command::Score(a) => score::exec(a, g).await,
            Command::Sellers(a) => sellers::exec(a, g).await,
            Command::Sink(a) => sink::exec(a, g).await,
            Command::Publish(a) => publish::exec(a, g).await,
            Command::Dlq(a) => dlq::exec(a, g).await,
            Command::Listing(a) => listing::exec(a, g).await,
            Command::Network(a) => network::exec(a, g).await,
            Command::Complaints(a) => complaints::exec(a, g).await,
            Command::Alerts(a) => alerts::exec(a, g).await,
            Command::Drift(a) => drift::exec(a, g).await,
            Command::Rescore(a) => rescore::exec(a, g).await,
            Command::Report(a) => report::exec(a, g).await,
            Command::Crawl(a) => crawl::exec(a, g).await,
            Command::CrawlHealth(a) => crawl_health::exec(a, g).await,
            Command::Validate(a) => validate::exec(a, g).await,
            Command::Evidence(a) => evidence::exec(a, g).await,
            Command::Keys(a) => keys::exec(a, g),
            Command::Train(a) => train::exec(a, g).await,
            #[cfg(feature = "encoder")]
            Command::Eval(a) => eval::exec(a, g).await,
            Command::Bench(a) => bench::exec(a, g).await,
            Command::Serve(a) => serve::exec(a, g).await,
            Command::Users(a) => users::exec(a, g).await,
            Command::Audit(a) => audit::exec(a, g).await,
            Command::Labels(a) => labels::exec(a, g).await,
        }
    }
}
