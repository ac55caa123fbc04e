//! The encoder's forward pass over a *ragged* batch: the tokens of every text in the batch are
//! stacked into one `[tokens, hidden]` matrix with no padding, so each linear layer is one large
//! matrix product (the `gemm` crate candle itself uses, with its AVX-512 kernels on), and
//! attention runs per text at that text's own length. Padding to the longest text, which a
//! framework needs for its rectangular tensors, costs nothing here, and no attention mask is
//! needed because no text ever sees another's tokens.

use gemm::Parallelism;
use rayon::prelude::*;

use crate::folder::{Activation, ModelFolder, Pooling};
use crate::kernels;
use crate::tokenize::Tokens;
use crate::weights::{Layer, Weights};

/// `dst[m, n] (+)= a[m, k] · b[k, n]`: `dst` and `a` row-major with row strides `dst_rs` and
/// `a_rs`; `b`'s element (row r, column c) at `r * b_strides.0 + c * b_strides.1`, so a
/// transposed view is only a change of strides.
#[allow(clippy::too_many_arguments)]
fn matmul(
    dst: &mut [f32],
    dst_rs: usize,
    a: &[f32],
    a_rs: usize,
    b: &[f32],
    b_strides: (usize, usize),
    (m, k, n): (usize, usize, usize),
    accumulate: bool,
    par: Parallelism,
) {
    if m == 0 || n == 0 || k == 0 {
        return;
    }
    let (b_rs, b_cs) = b_strides;
    assert!(dst.len() >= (m - 1) * dst_rs + n, "dst too small");
    assert!(a.len() >= (m - 1) * a_rs + k, "lhs too small");
    assert!(b.len() > (k - 1) * b_rs + (n - 1) * b_cs, "rhs too small");
    // SAFETY: the asserts above keep every index the product touches inside the slices; dst is
    // borrowed mutably so it aliases neither input.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst.as_mut_ptr(),
            1,
            dst_rs as isize,
            accumulate,
            a.as_ptr(),
            1,
            a_rs as isize,
            b.as_ptr(),
            b_cs as isize,
            b_rs as isize,
            1.0,
            1.0,
            false,
            false,
            false,
            par,
        );
    }
}

/// Working buffers for one batch, reused across layers.
struct Buffers {
    x: Vec<f32>,
    qkv: Vec<f32>,
    ctx: Vec<f32>,
    tmp: Vec<f32>,
    up: Vec<f32>,
}

/// Runs the stacked layers over tokenized texts and pools each text into one vector.
pub struct Forward<'a> {
    pub folder: &'a ModelFolder,
    pub weights: &'a Weights,
    /// Threads for this call (1 runs everything on the calling thread).
    pub threads: usize,
}

/// Rows per parallel chunk of element-wise work.
const ROWS: usize = 32;

impl Forward<'_> {
    fn par(&self) -> Parallelism {
        if self.threads > 1 {
            Parallelism::Rayon(self.threads)
        } else {
            Parallelism::None
        }
    }

    /// Applies `f` to row chunks of `x` (width `w`), in parallel when more than one thread.
    fn rows<F>(&self, x: &mut [f32], w: usize, f: F)
    where
        F: Fn(usize, &mut [f32]) + Sync,
    {
        if self.threads > 1 {
            x.par_chunks_mut(ROWS * w)
                .enumerate()
                .for_each(|(i, c)| f(i * ROWS, c));
        } else {
            f(0, x);
        }
    }

    /// One pooled (and, when the folder says so, unit-length) vector per text.
    pub fn run(&self, seqs: &[&Tokens]) -> Vec<Vec<f32>> {
        let a = &self.folder.arch;
        let h = a.hidden_size;
        let lens: Vec<usize> = seqs.iter().map(|s| s.ids.len()).collect();
        let t: usize = lens.iter().sum();
        if t == 0 {
            return vec![vec![0.0; h]; seqs.len()];
        }
        let mut b = Buffers {
            x: vec![0.0; t * h],
            qkv: vec![0.0; t * 3 * h],
            ctx: vec![0.0; t * h],
            tmp: vec![0.0; t * h],
            up: vec![0.0; t * a.intermediate_size],
        };
        self.embed(seqs, &mut b);
        for layer in &self.weights.layers {
            self.layer(layer, &lens, &mut b);
        }
        self.pool(&lens, &b.x)
    }

    fn embed(&self, seqs: &[&Tokens], b: &mut Buffers) {
        let a = &self.folder.arch;
        let h = a.hidden_size;
        let w = self.weights;
        let mut row = 0;
        for s in seqs {
            for (pos, (&id, &ty)) in s.ids.iter().zip(&s.type_ids).enumerate() {
                let id = (id as usize).min(a.vocab_size - 1);
                let p = (pos + self.folder.position_offset).min(a.max_position_embeddings - 1);
                let x = &mut b.x[row * h..(row + 1) * h];
                for ((o, e), q) in x
                    .iter_mut()
                    .zip(&w.word[id * h..(id + 1) * h])
                    .zip(&w.position[p * h..(p + 1) * h])
                {
                    *o = e + q;
                }
                let tt = &mut b.tmp[row * h..(row + 1) * h];
                match &w.token_type {
                    Some(types) => {
                        let ty = (ty as usize).min(a.type_vocab_size - 1);
                        tt.copy_from_slice(&types[ty * h..(ty + 1) * h]);
                    }
                    None => tt.fill(0.0),
                }
                row += 1;
            }
        }
        let (g, be) = &w.ln;
        let eps = a.layer_norm_eps as f32;
        let tmp = &b.tmp;
        self.rows(&mut b.x, h, |r0, c| {
            kernels::add_layer_norm(c, &tmp[r0 * h..r0 * h + c.len()], g, be, eps)
        });
    }

    /// `out = inp · w + bias` for `rows` rows.
    fn linear(&self, out: &mut [f32], inp: &[f32], w: &[f32], bias: &[f32], k: usize) {
        let n = bias.len();
        for r in out.chunks_exact_mut(n) {
            r.copy_from_slice(bias);
        }
        let m = out.len() / n;
        matmul(out, n, inp, k, w, (n, 1), (m, k, n), true, self.par());
    }

    fn layer(&self, l: &Layer, lens: &[usize], b: &mut Buffers) {
        let a = &self.folder.arch;
        let (h, inter) = (a.hidden_size, a.intermediate_size);
        let eps = a.layer_norm_eps as f32;
        self.linear(&mut b.qkv, &b.x, &l.w_qkv, &l.b_qkv, h);
        self.attention(lens, &b.qkv, &mut b.ctx);
        self.linear(&mut b.tmp, &b.ctx, &l.w_out, &l.b_out, h);
        let x = &b.x;
        self.rows(&mut b.tmp, h, |r0, c| {
            kernels::add_layer_norm(c, &x[r0 * h..r0 * h + c.len()], &l.ln1.0, &l.ln1.1, eps)
        });
        std::mem::swap(&mut b.x, &mut b.tmp);
        self.linear(&mut b.up, &b.x, &l.w_up, &l.b_up, h);
        let act = self.folder.activation;
        self.rows(&mut b.up, inter, |_, c| match act {
            Activation::Gelu => kernels::gelu(c),
            Activation::GeluTanh => kernels::gelu_tanh(c),
            Activation::Relu => kernels::relu(c),
        });
        self.linear(&mut b.tmp, &b.up, &l.w_down, &l.b_down, inter);
        let x = &b.x;
        self.rows(&mut b.tmp, h, |r0, c| {
            kernels::add_layer_norm(c, &x[r0 * h..r0 * h + c.len()], &l.ln2.0, &l.ln2.1, eps)
        });
        std::mem::swap(&mut b.x, &mut b.tmp);
    }

    /// Self-attention of each text over its own tokens; heads write side by side into `ctx`.
    fn attention(&self, lens: &[usize], qkv: &[f32], ctx: &mut [f32]) {
        let a = &self.folder.arch;
        let h = a.hidden_size;
        let heads = a.num_attention_heads;
        let d = h / heads;
        let scale = 1.0 / (d as f32).sqrt();
        // Split ctx and qkv into one piece per text.
        let mut pieces = Vec::with_capacity(lens.len());
        let (mut rest, mut at) = (ctx, 0usize);
        for &n in lens {
            let (mine, tail) = rest.split_at_mut(n * h);
            pieces.push((n, &qkv[at * 3 * h..(at + n) * 3 * h], mine));
            rest = tail;
            at += n;
        }
        let one = |(n, q, out): (usize, &[f32], &mut [f32])| {
            if n == 0 {
                return;
            }
            let mut scores = vec![0.0f32; n * n];
            for head in 0..heads {
                let qo = head * d;
                // scores = Q · Kᵀ: K's rows read as columns.
                let k = &q[h + qo..];
                matmul(
                    &mut scores,
                    n,
                    &q[qo..],
                    3 * h,
                    k,
                    (1, 3 * h),
                    (n, d, n),
                    false,
                    Parallelism::None,
                );
                kernels::softmax_rows(&mut scores, n, scale);
                matmul(
                    &mut out[qo..],
                    h,
                    &scores,
                    n,
                    &q[2 * h + qo..],
                    (3 * h, 1),
                    (n, n, d),
                    false,
                    Parallelism::None,
                );
            }
        };
        if self.threads > 1 {
            pieces.into_par_iter().for_each(one);
        } else {
            pieces.into_iter().for_each(one);
        }
    }

    fn pool(&self, lens: &[usize], x: &[f32]) -> Vec<Vec<f32>> {
        let h = self.folder.arch.hidden_size;
        let mut out = Vec::with_capacity(lens.len());
        let mut at = 0;
        for &n in lens {
            let rows = &x[at * h..(at + n) * h];
            at += n;
            let mut v = vec![0.0f32; h];
            if n > 0 {
                match self.folder.pooling {
                    Pooling::Mean => {
                        kernels::sum_rows(&mut v, rows);
                        v.iter_mut().for_each(|e| *e /= n as f32);
                    }
                    Pooling::Cls => v.copy_from_slice(&rows[..h]),
                    Pooling::Max => {
                        v.fill(f32::NEG_INFINITY);
                        kernels::max_rows(&mut v, rows);
                    }
                }
            }
            if self.folder.normalize {
                let norm = v.iter().map(|e| e * e).sum::<f32>().sqrt().max(1e-12);
                v.iter_mut().for_each(|e| *e /= norm);
            }
            out.push(v);
        }
        out
    }
}
