//! The encoder tier of `soi`: a BERT-family transformer (BERT, RoBERTa, XLM-R, MiniLM) read from
//! a Hugging Face style folder, with small trained heads on its sentence vectors, consulted only
//! for the listings the fast n-gram tier is unsure about.
//!
//! Why it is built this way:
//! - Any compatible checkpoint works (`--model-dir`): the shipped default is all-MiniLM-L6-v2
//!   (fetched by `deploy/fetch-encoder.sh`, never committed); a user with a Vietnamese encoder
//!   (PhoBERT, multilingual-e5) points at its folder. [`folder`] checks a folder up front and says
//!   exactly what is missing or unsupported.
//! - Speed on a CPU decides whether the tier is usable. [`forward`] runs ragged batches (no
//!   padding, no mask) with one fused query/key/value product per layer through the `gemm`
//!   crate's AVX-512 kernels, and [`kernels`] vectorises the element-wise work. candle-transformers'
//!   `BertModel` stays available as [`reference`], the baseline that the benchmark compares
//!   against and a second opinion in the tests.
//! - The model runs on its own threads behind [`queue::EncoderQueue`], which batches by token
//!   budget, sorts by length, and answers [`EncoderError::Overloaded`] when full instead of
//!   queueing without bound.
//! - [`heads`] are logistic layers on the frozen sentence vectors, trained on the same labelled
//!   sets and held-out splits as the fast tier, and [`cascade`] mixes them with the fast tier's
//!   answer only inside an uncertain band around the fast tier's threshold.

pub mod bench;
pub mod card;
pub mod cascade;
pub mod encoder;
mod error;
pub mod eval;
pub mod folder;
pub mod forward;
pub mod heads;
pub mod kernels;
pub mod paths;
pub mod queue;
pub mod reference;
pub mod second;
pub mod tokenize;
pub mod train;
pub mod weights;

pub use encoder::Encoder;
pub use error::EncoderError;
pub use folder::ModelFolder;

/// The shipped scorer with the encoder tier the scoring config of `pipelines` asks for (see
/// [`soi_score::load_config`] and [`second::from_config`]): what `soi run` and `soi score` use.
pub fn load_scorer(
    pipelines: Option<&std::path::Path>,
) -> Result<Box<dyn soi_score::Scorer>, EncoderError> {
    let cfg = soi_score::load_config(pipelines)?;
    let second = second::from_config(&cfg)?;
    Ok(soi_score::load_default_with(cfg, second)?)
}
