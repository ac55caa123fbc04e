//! The same checkpoint through candle-transformers' `BertModel`: padded rectangular batches with
//! an attention mask, as a framework runs them. It is the baseline `soi bench encoder --engine
//! candle` measures and an independent check on [`crate::forward`] in the tests. BERT only.

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};

use crate::folder::{ModelFolder, Pooling};
use crate::tokenize::Tokens;
use crate::EncoderError;

pub struct CandleBert {
    model: BertModel,
    folder: ModelFolder,
}

impl CandleBert {
    pub fn load(folder: &ModelFolder) -> Result<CandleBert, EncoderError> {
        if folder.arch.model_type != "bert" {
            return Err(EncoderError::folder(
                &folder.dir,
                "the candle-transformers engine runs BERT checkpoints only",
            ));
        }
        let text = std::fs::read_to_string(folder.dir.join("config.json"))
            .map_err(|e| EncoderError::io(folder.dir.join("config.json"), e))?;
        let config: Config = serde_json::from_str(&text)?;
        let path = folder.dir.join("model.safetensors");
        // SAFETY: the weights file is mapped read-only and not modified while the model lives.
        let vb = unsafe { VarBuilder::from_mmaped_safetensors(&[path], DType::F32, &Device::Cpu)? };
        Ok(CandleBert {
            model: BertModel::load(vb, &config)?,
            folder: folder.clone(),
        })
    }

    /// Pooled vectors of one batch, padded to its longest text.
    pub fn run(&self, seqs: &[&Tokens]) -> Result<Vec<Vec<f32>>, EncoderError> {
        let n = seqs.len();
        let len = seqs.iter().map(|s| s.ids.len()).max().unwrap_or(0).max(1);
        let (mut ids, mut types, mut mask) = (
            vec![0u32; n * len],
            vec![0u32; n * len],
            vec![0f32; n * len],
        );
        for (i, s) in seqs.iter().enumerate() {
            for j in 0..s.ids.len() {
                ids[i * len + j] = s.ids[j];
                types[i * len + j] = s.type_ids[j];
                mask[i * len + j] = 1.0;
            }
        }
        let dev = Device::Cpu;
        let ids = Tensor::from_vec(ids, (n, len), &dev)?;
        let types = Tensor::from_vec(types, (n, len), &dev)?;
        let mask = Tensor::from_vec(mask, (n, len), &dev)?;
        let out = self.model.forward(&ids, &types, Some(&mask))?; // [n, len, h]
        let pooled = match self.folder.pooling {
            Pooling::Mean => {
                let m = mask.unsqueeze(2)?;
                let sum = out.broadcast_mul(&m)?.sum(1)?;
                sum.broadcast_div(&m.sum(1)?)?
            }
            Pooling::Cls => out.narrow(1, 0, 1)?.squeeze(1)?,
            Pooling::Max => {
                let neg = ((mask.unsqueeze(2)? - 1.0)? * 1e9)?;
                out.broadcast_add(&neg)?.max(1)?
            }
        };
        let pooled = if self.folder.normalize {
            let norm = pooled.sqr()?.sum_keepdim(1)?.sqrt()?;
            pooled.broadcast_div(&norm)?
        } else {
            pooled
        };
        Ok(pooled.to_vec2::<f32>()?)
    }
}
