//! Reading marketplace files and reporting problems with file and line.

use std::path::{Path, PathBuf};

use crate::{ConfigError, MarketplaceConfig};

use super::compile::Compiled;

pub(super) fn load(path: &Path) -> Result<MarketplaceConfig, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
        file: path.to_path_buf(),
        line: None,
        problem: format!("cannot read: {e}"),
    })?;
    parse(&text, path)
}

pub(super) fn parse(text: &str, file: &Path) -> Result<MarketplaceConfig, ConfigError> {
    let mut cfg = parse_shape(text, file)?;
    cfg.source = Some(file.to_path_buf());
    if let Some(first) = problems(&cfg, text, file).into_iter().next() {
        return Err(first);
    }
    Ok(cfg)
}

fn parse_shape(text: &str, file: &Path) -> Result<MarketplaceConfig, ConfigError> {
    toml::from_str::<MarketplaceConfig>(text).map_err(|e| ConfigError {
        file: file.to_path_buf(),
        line: e.span().map(|s| line_at(text, s.start)),
        problem: e.message().trim().to_string(),
    })
}

/// Every meaning-level problem of a parsed config, each pinned to a line where possible.
fn problems(cfg: &MarketplaceConfig, text: &str, file: &Path) -> Vec<ConfigError> {
    let mut out: Vec<ConfigError> = match Compiled::new(cfg.clone()) {
        Ok(_) => vec![],
        Err(list) => list
            .into_iter()
            .map(|(problem, needle)| ConfigError {
                file: file.to_path_buf(),
                line: needle.and_then(|n| line_of(text, &n)),
                problem,
            })
            .collect(),
    };
    if let Some(site) = &cfg.local_site {
        let dir = file.parent().unwrap_or(Path::new(".")).join(site);
        if !dir.join("index.html").is_file() {
            out.push(ConfigError {
                file: file.to_path_buf(),
                line: line_of(text, "local_site"),
                problem: format!("local_site `{}` has no index.html", dir.display()),
            });
        }
    }
    if let Some(stem) = file.file_stem().and_then(|s| s.to_str()) {
        if stem != cfg.id && file.extension().is_some_and(|e| e == "toml") {
            out.push(ConfigError {
                file: file.to_path_buf(),
                line: line_of(text, "id"),
                problem: format!(
                    "marketplace id `{}` differs from the file name `{stem}`; \
                     `soi crawl --marketplace NAME` finds marketplaces by file name",
                    cfg.id
                ),
            });
        }
    }
    out
}

/// 1-based line of byte offset `at`.
fn line_at(text: &str, at: usize) -> usize {
    text.as_bytes()[..at.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// 1-based line of the first line containing `needle` outside comments.
pub fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.lines()
        .position(|l| !l.trim_start().starts_with('#') && l.contains(needle))
        .map(|i| i + 1)
}

/// Checks every file in a `pipelines/` folder: each `marketplaces/*.toml` in full, other `*.toml`
/// files for TOML syntax (their owners check their meaning). Returns every problem found.
pub fn validate_pipelines(dir: &Path) -> Vec<ConfigError> {
    let mut problems_found = vec![];
    let market_dir = dir.join("marketplaces");
    for file in toml_files(&market_dir) {
        match std::fs::read_to_string(&file) {
            Err(e) => problems_found.push(ConfigError {
                file: file.clone(),
                line: None,
                problem: format!("cannot read: {e}"),
            }),
            Ok(text) => match parse_shape(&text, &file) {
                Err(e) => problems_found.push(e),
                Ok(cfg) => problems_found.extend(problems(&cfg, &text, &file)),
            },
        }
    }
    for file in toml_files(dir) {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        if let Err(e) = text.parse::<toml::Table>() {
            problems_found.push(ConfigError {
                file: file.clone(),
                line: e.span().map(|s| line_at(&text, s.start)),
                problem: e.message().trim().to_string(),
            });
        }
    }
    if !dir.is_dir() {
        problems_found.push(ConfigError {
            file: dir.to_path_buf(),
            line: None,
            problem: "no such folder".into(),
        });
    }
    problems_found
}

fn toml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "toml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}
