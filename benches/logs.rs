//! `entramap logs` at scale: a documented bench binary (not criterion: one pass over a million
//! events is the measurement). Realistic generated events (`entramap::logs::synth`: every
//! documented error code, SkipReasons, successes) are written once as the portal's JSON download
//! (files of 100,000 and 1,000,000 events under `target/bench-logs/`), then each file is read,
//! grouped and assessed for quarantine risk as `entramap logs` does and, in the second mode, also
//! replayed against the generator's mapping. Each pass runs several times and the fastest counts
//! (the machine is shared). Printed: time, events per second, the 10x ratio (goal: at most 12x)
//! and the process's peak resident memory after each pass (bounded memory: the million-event
//! pass must not raise it above the 100,000-event pass). Run: `cargo bench --bench logs`;
//! figures in BENCHMARKS.md.

use entramap::logs::read;
use entramap::logs::replay::Replayer;
use entramap::logs::synth::{self, Generator, Planted};
use entramap::logs::{Analyzer, Options};
use std::io::{Read, Write as _};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The portal's JSON download of generated events, produced as it is read.
struct Download {
    events: Generator,
    buffer: Vec<u8>,
    at: usize,
    started: bool,
    done: bool,
}

impl Read for Download {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.buffer.len() {
            if self.done {
                return Ok(0);
            }
            self.buffer.clear();
            self.at = 0;
            match self.events.next() {
                Some((_, event)) => {
                    self.buffer.push(if self.started { b',' } else { b'[' });
                    self.started = true;
                    serde_json::to_writer(&mut self.buffer, &event)?;
                }
                None => {
                    self.buffer
                        .extend_from_slice(if self.started { b"]" } else { b"[]" });
                    self.done = true;
                }
            }
        }
        let n = out.len().min(self.buffer.len() - self.at);
        out[..n].copy_from_slice(&self.buffer[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// A realistic mix scaled to `total` events: 10% failures over every error code, 40% skipped,
/// 50% successes.
fn mix(total: u64) -> Vec<Planted> {
    let mut groups = synth::catalogue();
    let failures = groups.iter().filter(|p| p.status == "failure").count() as u64;
    let skips = groups.iter().filter(|p| p.status == "skipped").count() as u64;
    let successes = groups.iter().filter(|p| p.status == "success").count() as u64;
    let mut left = total;
    for g in &mut groups {
        g.count = match g.status {
            "failure" => total / 10 / failures,
            "skipped" => total * 4 / 10 / skips,
            _ => total / 2 / successes,
        };
        left -= g.count;
    }
    if let Some(last) = groups.last_mut() {
        last.count += left;
    }
    groups
}

/// Peak resident memory of the process (VmHWM), in MiB; 0 where `/proc` is not there.
fn peak_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}

fn download(total: u64) -> Download {
    Download {
        events: Generator::new(mix(total), 42),
        buffer: Vec::new(),
        at: 0,
        started: false,
        done: false,
    }
}

/// Writes the download of `total` events under `target/bench-logs/` (once) and returns its path.
fn generate(total: u64) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-logs");
    let path = dir.join(format!("ProvisioningLogs-{total}.json"));
    if !path.exists() {
        std::fs::create_dir_all(&dir).expect("target/bench-logs");
        let temp = dir.join(format!("ProvisioningLogs-{total}.json.tmp"));
        let mut file = std::io::BufWriter::new(std::fs::File::create(&temp).expect("create"));
        std::io::copy(&mut download(total), &mut file).expect("write");
        file.flush().expect("flush");
        std::fs::rename(&temp, &path).expect("rename");
    }
    let size = std::fs::metadata(&path).map_or(0, |m| m.len());
    println!(
        "  {total:>9} events: {} ({} MB)",
        path.display(),
        size / 1_000_000
    );
    path
}

/// The fastest of `runs` passes over `path`.
fn pass(path: &Path, total: u64, replayer: Option<&Replayer>, runs: usize) -> f64 {
    let mut best = f64::INFINITY;
    for _ in 0..runs {
        let start = Instant::now();
        let mut analyzer = Analyzer::new(
            Options::default(),
            replayer.map(|r| (r, "generated.entramap.yaml".to_owned())),
        );
        let files = read::read_paths(&[path], &mut |r| analyzer.add(r));
        let report = analyzer.finish(files);
        best = best.min(start.elapsed().as_secs_f64());
        assert_eq!(report.events, total, "every event counted");
        assert_eq!(report.groups.iter().map(|g| g.count).sum::<u64>(), total);
        if let Some(drift) = &report.drift {
            assert_eq!(
                drift.drifted_events, 0,
                "the generator's own mapping reproduces every event"
            );
        }
    }
    println!(
        "  {:>9} events: {:>7.2} s (fastest of {runs}), {:>9.0} events/s, peak RSS {} MiB",
        total,
        best,
        total as f64 / best,
        peak_mib()
    );
    best
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs this with a smaller size.
    let quick = !std::env::args().any(|a| a == "--bench");
    let sizes: [u64; 2] = if quick {
        [1_000, 10_000]
    } else {
        [100_000, 1_000_000]
    };
    let prepared = entramap::model::prepare("generated.entramap.yaml", synth::MAPPING, None)
        .unwrap_or_else(|e| panic!("the generator's mapping prepares: {e:?}"));
    let source = entramap::base::text::SourceText::new("generated.entramap.yaml", synth::MAPPING);
    let replayer = Replayer::new(
        &prepared,
        &source,
        chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now()),
    );
    println!("the downloads:");
    let files = sizes.map(generate);
    for (mode, replay) in [
        ("read and group", None),
        ("read, group and replay --mapping", Some(&replayer)),
    ] {
        println!("{mode}:");
        let small = pass(&files[0], sizes[0], replay, 3);
        let large = pass(&files[1], sizes[1], replay, 2);
        println!(
            "  10x the events: {:.2}x the time (goal: at most 12x)",
            large / small
        );
    }
}
