//! The fuzzing loop: seeds from `fuzz/corpus/<target>/` (and `fuzz/regressions/<target>/`), one to
//! four stacked [`crate::mutate`] mutations per input, a time budget per target, `catch_unwind`
//! around every input and a per-input time limit. The target runs on a worker thread so that a
//! slow input is noticed while it runs; a panic or a slow input is a finding, saved to
//! `fuzz/crashes/<target>/<sha256 of the input>` (the regression test replays that directory).
//!
//! There is no coverage feedback (that needs the nightly sanitizer instrumentation `cargo fuzz`
//! uses): inputs are mutated from the seeds, and one time in four from the previous input, so
//! mutations chain. Before each input the bytes are written to
//! `target/fuzz/<target>.current`, so if the process dies without unwinding (a stack overflow
//! aborts), the input that killed it is on disk.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use sha2::{Digest as _, Sha256};

use crate::mutate::mutate;
use crate::rng::Rng;
use crate::targets::Target;

/// Settings of a run.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The RNG seed (printed, so a run can be repeated).
    pub seed: u64,
    /// An input running longer than this is a finding.
    pub input_limit: Duration,
    /// `fuzz/` (corpus, regressions and crashes live under it).
    pub root: PathBuf,
    /// Where the current input is written before it runs.
    pub scratch: PathBuf,
    /// Stack size of the worker thread running the target (the services' worker threads have 2 MiB).
    pub stack_size: usize,
    /// At most this many mutated inputs per target (after the seeds), whatever the time left: with
    /// a fixed seed the run is then the same sequence of inputs on a fast or a slow machine (CI).
    pub max_inputs: Option<u64>,
}

/// What kind of finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// The target panicked (a bug, or a disagreement with the reference).
    Panic(String),
    /// The input took longer than the limit.
    Slow(Duration),
}

/// A finding, saved at `path`.
#[derive(Debug, Clone)]
pub struct Finding {
    /// What happened.
    pub kind: Kind,
    /// Where the input was saved.
    pub path: PathBuf,
}

/// The result of fuzzing one target.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Target name.
    pub target: &'static str,
    /// Inputs run.
    pub execs: u64,
    /// Seeds loaded.
    pub seeds: usize,
    /// Slowest input seen (after the first, which pays one-time set-up such as compiling shapes).
    pub slowest: Duration,
    /// Findings (the run of a target stops at its first panic).
    pub findings: Vec<Finding>,
}

static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// Replaces the panic hook by one that records the message and location instead of printing
/// them for every caught panic.
pub fn install_quiet_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(info.to_string());
        }
    }));
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let recorded = LAST_PANIC.lock().ok().and_then(|mut l| l.take());
    recorded.unwrap_or_else(|| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "panic with a non-string payload".into())
    })
}

/// Runs `target` on `data`, returning the panic message if it panicked.
pub fn run_one(target: Target, data: &[u8]) -> Result<(), String> {
    catch_unwind(AssertUnwindSafe(|| (target.run)(data))).map_err(|p| panic_message(p.as_ref()))
}

/// The files of `dir`, sorted by name (hidden files skipped), as bytes.
pub fn load_dir(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && !p
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with('.'))
        })
        .collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| std::fs::read(&p).ok().map(|b| (p, b)))
        .collect()
}

fn save(root: &Path, target: &str, data: &[u8]) -> PathBuf {
    let dir = root.join("crashes").join(target);
    let path = dir.join(hex::encode(Sha256::digest(data)));
    if let Err(e) = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, data)) {
        eprintln!("  could not save the input to {}: {e}", path.display());
    }
    path
}

type Job = (Vec<u8>, mpsc::Sender<(Result<(), String>, Duration)>);

/// Fuzzes `target` for `budget`.
pub fn fuzz(target: Target, budget: Duration, settings: &Settings) -> std::io::Result<Outcome> {
    let mut seeds: Vec<Vec<u8>> = load_dir(&settings.root.join("corpus").join(target.name))
        .into_iter()
        .map(|(_, b)| b)
        .collect();
    seeds.extend(
        load_dir(&settings.root.join("regressions").join(target.name))
            .into_iter()
            .map(|(_, b)| b),
    );
    if seeds.is_empty() {
        seeds.push(Vec::new());
    }
    let (jobs, inbox) = mpsc::channel::<Job>();
    let worker = std::thread::Builder::new()
        .name(format!("fuzz-{}", target.name))
        .stack_size(settings.stack_size)
        .spawn(move || {
            for (data, reply) in inbox {
                let start = Instant::now();
                let result = run_one(target, &data);
                if reply.send((result, start.elapsed())).is_err() {
                    break;
                }
            }
        })?;
    std::fs::create_dir_all(&settings.scratch)?;
    let current = settings.scratch.join(format!("{}.current", target.name));
    let mut rng = Rng::new(settings.seed ^ fxhash(target.name));
    let mut outcome = Outcome {
        target: target.name,
        execs: 0,
        seeds: seeds.len(),
        slowest: Duration::ZERO,
        findings: Vec::new(),
    };
    let start = Instant::now();
    let mut previous: Option<Vec<u8>> = None;
    let mut index = 0usize;
    let seed_count = seeds.len();
    while (start.elapsed() < budget
        && settings
            .max_inputs
            .is_none_or(|m| (index.saturating_sub(seed_count) as u64) < m))
        || index < seeds.len()
    {
        // The seeds themselves first, then mutations.
        let input = match seeds.get(index) {
            Some(seed) => seed.clone(),
            None => {
                let base = match &previous {
                    Some(p) if rng.one_in(4) => p.clone(),
                    _ => rng.pick(&seeds).cloned().unwrap_or_default(),
                };
                mutate(&mut rng, &base, &seeds)
            }
        };
        index += 1;
        std::fs::write(&current, &input)?;
        let (reply, answer) = mpsc::channel();
        if jobs.send((input.clone(), reply)).is_err() {
            break;
        }
        outcome.execs += 1;
        let (result, took) = match answer.recv_timeout(settings.input_limit) {
            Ok(r) => r,
            Err(_) => {
                let path = save(&settings.root, target.name, &input);
                eprintln!(
                    "  {}: input ran longer than {:?}: saved to {}",
                    target.name,
                    settings.input_limit,
                    path.display()
                );
                outcome.findings.push(Finding {
                    kind: Kind::Slow(settings.input_limit),
                    path,
                });
                // Give it a minute to finish; a hang ends the process (the input is saved).
                match answer.recv_timeout(Duration::from_secs(60)) {
                    Ok(r) => r,
                    Err(_) => {
                        eprintln!(
                            "  {}: the input still runs after 60 s: giving up",
                            target.name
                        );
                        std::process::exit(1);
                    }
                }
            }
        };
        if outcome.execs > 1 {
            outcome.slowest = outcome.slowest.max(took);
        }
        if let Err(message) = result {
            let path = save(&settings.root, target.name, &input);
            eprintln!(
                "  {}: PANIC, input saved to {}\n    {}",
                target.name,
                path.display(),
                message.replace('\n', "\n    ")
            );
            outcome.findings.push(Finding {
                kind: Kind::Panic(message),
                path,
            });
            break;
        }
        if took > settings.input_limit
            && outcome.execs > 1
            && !outcome
                .findings
                .iter()
                .any(|f| matches!(f.kind, Kind::Slow(_)))
        {
            let path = save(&settings.root, target.name, &input);
            eprintln!(
                "  {}: input took {took:?} (limit {:?}): saved to {}",
                target.name,
                settings.input_limit,
                path.display()
            );
            outcome.findings.push(Finding {
                kind: Kind::Slow(took),
                path,
            });
        }
        previous = Some(input);
    }
    drop(jobs);
    let _ = worker.join();
    Ok(outcome)
}

/// A stable hash of a target name, mixed into the seed so that targets draw different streams.
fn fxhash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}
