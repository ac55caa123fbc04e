//! The element-wise work between the matrix products: layer norm with the residual added, the
//! activation, softmax and pooling. Each loop is plain Rust compiled three times (AVX-512, AVX2
//! and the baseline) and picked at run time, so the compiler vectorises it for the machine
//! without a `target-cpu` flag; `exp` and `erf` are written as polynomials for the same reason
//! (the library calls would stop vectorisation).

/// Defines `pub fn $name(...)` that runs its body compiled for the best instruction set present.
macro_rules! simd_fn {
    ($(#[$m:meta])* pub fn $name:ident($($a:ident : $t:ty),* $(,)?) $body:block) => {
        $(#[$m])*
        pub fn $name($($a: $t),*) {
            #[inline(always)]
            fn inner($($a: $t),*) $body
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,avx2,fma")]
                unsafe fn v4($($a: $t),*) {
                    inner($($a),*)
                }
                #[target_feature(enable = "avx2,fma")]
                unsafe fn v3($($a: $t),*) {
                    inner($($a),*)
                }
                if $crate::kernels::has_v4() {
                    // SAFETY: the CPU has every feature `v4` is compiled for (checked above).
                    return unsafe { v4($($a),*) };
                }
                if $crate::kernels::has_v3() {
                    // SAFETY: the CPU has every feature `v3` is compiled for (checked above).
                    return unsafe { v3($($a),*) };
                }
            }
            inner($($a),*)
        }
    };
}

/// Whether the CPU has every feature the AVX-512 copies (`v4`) are compiled for. AVX-512F alone
/// is not enough: the compiler may use byte/word (BW), doubleword/quadword (DQ) and 128/256-bit
/// (VL) forms anywhere in them. Detection is cached by the standard library.
#[cfg(target_arch = "x86_64")]
pub fn has_v4() -> bool {
    use std::arch::is_x86_feature_detected;
    is_x86_feature_detected!("avx512f")
        && is_x86_feature_detected!("avx512bw")
        && is_x86_feature_detected!("avx512dq")
        && is_x86_feature_detected!("avx512vl")
        && is_x86_feature_detected!("avx2")
        && is_x86_feature_detected!("fma")
}

/// Whether the CPU has every feature the AVX2 copies (`v3`) are compiled for.
#[cfg(target_arch = "x86_64")]
pub fn has_v3() -> bool {
    use std::arch::is_x86_feature_detected;
    is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma")
}

/// e^x for x in about [-87, 88], to about 2 ulp (Cephes' polynomial after range reduction).
#[inline(always)]
pub fn exp_approx(x: f32) -> f32 {
    let x = x.clamp(-87.0, 88.0);
    // n = round(x / ln 2) by the 1.5 * 2^23 trick: the addition rounds, and the integer is read
    // straight from the sum's low mantissa bits (no float-to-int conversion, so it vectorises).
    const MAGIC: f32 = 12_582_912.0;
    let k = x * std::f32::consts::LOG2_E + MAGIC;
    let n = k - MAGIC;
    let ni = (k.to_bits() as i32).wrapping_sub(MAGIC.to_bits() as i32);
    let r = x - n * 0.693_359_4 - n * -2.121_944_4e-4;
    let mut p = 1.987_569_1e-4_f32;
    p = p * r + 1.398_2e-3;
    p = p * r + 8.333_452e-3;
    p = p * r + 4.166_579_6e-2;
    p = p * r + 1.666_666_5e-1;
    p = p * r + 0.5;
    let y = p * r * r + r + 1.0;
    y * f32::from_bits(((ni + 127) as u32) << 23)
}

/// erf(x) to about 1e-7 (a rational approximation on [-4, 4]; erf is ±1 beyond in f32).
#[inline(always)]
pub fn erf_approx(x: f32) -> f32 {
    let x = x.clamp(-4.0, 4.0);
    let x2 = x * x;
    let mut p = -2.726_142_3e-10_f32;
    p = p * x2 + 2.770_681_4e-8;
    p = p * x2 + -2.101_024e-6;
    p = p * x2 + -5.692_506_4e-5;
    p = p * x2 + -7.349_906_3e-4;
    p = p * x2 + -2.954_6e-3;
    p = p * x2 + -1.609_603_3e-2;
    let mut q = -1.456_607_2e-5_f32;
    q = q * x2 + -2.133_740_6e-4;
    q = q * x2 + -1.682_827e-3;
    q = q * x2 + -7.373_329e-3;
    q = q * x2 + -1.426_474e-2;
    x * p / q
}

/// Lanes of the partial sums below: sixteen independent accumulators let the compiler keep a
/// reduction in vector registers (a single running sum must be added in order, one at a time).
const LANES: usize = 16;

/// Sum of `x`, vectorisable.
#[inline(always)]
fn lane_sum(x: &[f32]) -> f32 {
    let mut acc = [0.0f32; LANES];
    let chunks = x.chunks_exact(LANES);
    let rest = chunks.remainder();
    for c in chunks {
        for (a, v) in acc.iter_mut().zip(c) {
            *a += *v;
        }
    }
    acc.iter().sum::<f32>() + rest.iter().sum::<f32>()
}

/// Sum of squared distances of `x` from `mean`, vectorisable.
#[inline(always)]
fn lane_sq_dev(x: &[f32], mean: f32) -> f32 {
    let mut acc = [0.0f32; LANES];
    let chunks = x.chunks_exact(LANES);
    let rest = chunks.remainder();
    for c in chunks {
        for (a, v) in acc.iter_mut().zip(c) {
            *a += (*v - mean) * (*v - mean);
        }
    }
    acc.iter().sum::<f32>() + rest.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>()
}

/// Largest element of `x`, vectorisable.
#[inline(always)]
fn lane_max(x: &[f32]) -> f32 {
    let mut acc = [f32::NEG_INFINITY; LANES];
    let chunks = x.chunks_exact(LANES);
    let rest = chunks.remainder();
    for c in chunks {
        for (a, v) in acc.iter_mut().zip(c) {
            *a = a.max(*v);
        }
    }
    acc.iter()
        .chain(rest)
        .copied()
        .fold(f32::NEG_INFINITY, f32::max)
}

simd_fn! {
    /// Exact GELU in place: x * (1 + erf(x / sqrt 2)) / 2.
    pub fn gelu(x: &mut [f32]) {
        for v in x.iter_mut() {
            *v = 0.5 * *v * (1.0 + erf_approx(*v * std::f32::consts::FRAC_1_SQRT_2));
        }
    }
}

simd_fn! {
    /// GELU's tanh approximation in place.
    pub fn gelu_tanh(x: &mut [f32]) {
        for v in x.iter_mut() {
            let u = 0.797_884_6 * (*v + 0.044_715 * *v * *v * *v);
            let t = 1.0 - 2.0 / (exp_approx(2.0 * u) + 1.0);
            *v = 0.5 * *v * (1.0 + t);
        }
    }
}

simd_fn! {
    /// ReLU in place.
    pub fn relu(x: &mut [f32]) {
        for v in x.iter_mut() {
            *v = v.max(0.0);
        }
    }
}

simd_fn! {
    /// Each row of `x` (width `gamma.len()`) becomes LayerNorm(x + residual).
    pub fn add_layer_norm(x: &mut [f32], residual: &[f32], gamma: &[f32], beta: &[f32], eps: f32) {
        let h = gamma.len();
        for (row, res) in x.chunks_exact_mut(h).zip(residual.chunks_exact(h)) {
            for (v, r) in row.iter_mut().zip(res) {
                *v += *r;
            }
            let mean = lane_sum(row) / h as f32;
            let inv = 1.0 / (lane_sq_dev(row, mean) / h as f32 + eps).sqrt();
            for ((v, g), b) in row.iter_mut().zip(gamma).zip(beta) {
                *v = (*v - mean) * inv * g + b;
            }
        }
    }
}

simd_fn! {
    /// Each row of `x` (width `w`) becomes softmax(scale * row).
    pub fn softmax_rows(x: &mut [f32], w: usize, scale: f32) {
        for row in x.chunks_exact_mut(w) {
            let max = lane_max(row);
            for v in row.iter_mut() {
                *v = exp_approx((*v - max) * scale);
            }
            let inv = 1.0 / lane_sum(row);
            for v in row.iter_mut() {
                *v *= inv;
            }
        }
    }
}

simd_fn! {
    /// Adds `rows` (each of width `out.len()`) into `out`.
    pub fn sum_rows(out: &mut [f32], rows: &[f32]) {
        for row in rows.chunks_exact(out.len()) {
            for (o, v) in out.iter_mut().zip(row) {
                *o += *v;
            }
        }
    }
}

simd_fn! {
    /// The element-wise maximum of `rows` (each of width `out.len()`) into `out`.
    pub fn max_rows(out: &mut [f32], rows: &[f32]) {
        for row in rows.chunks_exact(out.len()) {
            for (o, v) in out.iter_mut().zip(row) {
                *o = o.max(*v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// erf by Simpson's rule in f64: slow and exact enough to judge the approximation.
    fn erf_ref(x: f64) -> f64 {
        let n = 20_000;
        let h = x / n as f64;
        let f = |t: f64| (-t * t).exp();
        let mut s = f(0.0) + f(x);
        for i in 1..n {
            s += f(i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 };
        }
        s * h / 3.0 * 2.0 / std::f64::consts::PI.sqrt()
    }

    #[test]
    fn erf_matches_the_integral() {
        let mut worst = 0.0f64;
        for i in -600..=600 {
            let x = i as f64 / 100.0;
            worst = worst.max((erf_approx(x as f32) as f64 - erf_ref(x)).abs());
        }
        assert!(worst < 1e-6, "worst erf error {worst}");
    }

    #[test]
    fn exp_matches_std() {
        for i in -8700..=8800 {
            let x = i as f32 / 100.0;
            let (a, b) = (exp_approx(x), x.exp());
            assert!(
                (a - b).abs() <= 4e-7 * b.abs() + f32::MIN_POSITIVE,
                "exp({x}): {a} vs {b}"
            );
        }
    }

    #[test]
    fn layer_norm_and_softmax_rows() {
        let mut x = vec![1.0, 2.0, 3.0, 4.0, 0.0, 0.0, 0.0, 8.0];
        let r = vec![0.0; 8];
        add_layer_norm(&mut x, &r, &[1.0; 4], &[0.5; 4], 1e-12);
        let m: f32 = x[..4].iter().sum::<f32>() / 4.0;
        assert!((m - 0.5).abs() < 1e-6);
        assert!((x[0] - (0.5 - 1.5 / 1.25f32.sqrt())).abs() < 1e-5);
        let mut s = vec![1.0, 2.0, 3.0, 1000.0, 1000.0, 1000.0];
        softmax_rows(&mut s, 3, 1.0);
        let e: f32 = 1.0 + 1f32.exp() + 2f32.exp();
        assert!((s[2] - 2f32.exp() / e).abs() < 1e-6);
        assert!((s[3] - 1.0 / 3.0).abs() < 1e-6);
    }

    #[test]
    fn gelu_matches_definition() {
        let mut x: Vec<f32> = (-50..=50).map(|i| i as f32 / 10.0).collect();
        let want: Vec<f64> = x
            .iter()
            .map(|&v| 0.5 * v as f64 * (1.0 + erf_ref(v as f64 / 2f64.sqrt())))
            .collect();
        gelu(&mut x);
        for (a, b) in x.iter().zip(want) {
            assert!((*a as f64 - b).abs() < 2e-6, "{a} vs {b}");
        }
    }

    /// Each copy compiled under a `target_feature` attribute (`unsafe fn NAME`) is entered only
    /// when `has_NAME()` detects every feature it is compiled for: running AVX-512BW code on a CPU
    /// with only AVX-512F would be an illegal instruction, not a slower kernel.
    #[test]
    fn every_compiled_feature_is_detected_before_use() {
        let src = include_str!("kernels.rs");
        let mut checked = 0;
        for part in src.split("#[target_feature(enable = \"").skip(1) {
            let (features, rest) = part.split_once('"').expect("closing quote");
            let name = rest
                .split("unsafe fn ")
                .nth(1)
                .and_then(|r| r.split('(').next())
                .expect("an unsafe fn after the attribute");
            let detect = format!("fn has_{name}() -> bool {{");
            let body = src
                .split(&detect)
                .nth(1)
                .and_then(|b| b.split("\n}").next())
                .unwrap_or_else(|| panic!("no `{detect}` detection function for `{name}`"));
            for f in features.split(',') {
                let call = format!("is_x86_feature_detected!(\"{f}\")");
                assert!(body.contains(&call), "has_{name} does not check {f}");
            }
            checked += 1;
        }
        assert_eq!(checked, 2, "the AVX-512 and the AVX2 copies");
    }
}
