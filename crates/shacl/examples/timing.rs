//! Timing of the EDC SHACL validation (`cargo run --release -p shacl --example timing`): compiling
//! the bundled shapes, and validating credentials (the EU's MC sample, the reference ELM 3.2
//! sample and example awards of `examples/awards/` built with `elm-model`), split into building
//! the data graph and validating it. The JSON-LD → RDF step (`canon::to_rdf`, shared with the
//! verifier's JSON-LD check) is timed separately.

// Example program (issue #19 lints): it prints its results, and a failing assumption should
// stop it loudly, so print, unwrap, expect, panic and direct indexing are allowed here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::print_stdout)]
#![allow(clippy::print_stderr)]

use std::error::Error;
use std::path::Path;
use std::time::{Duration, Instant};

use elm_model::{
    build, did_web, parse_award, BuildOptions, DisplayImage, MediaType, Universities, University,
};
use serde_json::Value;

type Res<T> = Result<T, Box<dyn Error>>;

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    let mut v: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed()
        })
        .collect();
    v.sort();
    v[v.len() / 2]
}

fn examples(repo: &Path) -> Res<Vec<(String, Value)>> {
    let text = std::fs::read_to_string(repo.join("keys.example/universities.toml"))?;
    let table: toml::Table = toml::from_str(&text)?;
    let mut list: Vec<University> = Vec::new();
    for u in table
        .get("university")
        .and_then(|u| u.as_array())
        .ok_or("no [[university]]")?
    {
        let mut u: University = u.clone().try_into()?;
        u.did = did_web("http://localhost:8080", &u.id).map_err(|e| format!("{e:?}"))?;
        list.push(u);
    }
    let unis = Universities::new(list);
    let dir = repo.join("examples/awards");
    let mut out = Vec::new();
    for name in [
        "micro-credential-professional",
        "programme-micro-credential-data-literacy",
    ] {
        let text = std::fs::read_to_string(dir.join(format!("{name}.json")))?;
        let award = parse_award(&text).map_err(|e| format!("{name}: {e:?}"))?;
        let mut images = Vec::new();
        for r in &award.display.images {
            images.push(DisplayImage {
                language: r.language.clone(),
                media_type: r
                    .media_type
                    .or_else(|| MediaType::from_file_name(&r.file))
                    .ok_or("media type")?,
                bytes: std::fs::read(dir.join(&r.file))?,
            });
        }
        let options = BuildOptions {
            credential_id: "urn:uuid:3f1c2a9e-7b4d-4e21-9c0a-5d6e7f8a9b0c".into(),
            issued: None,
        };
        let built =
            build(&award, &unis, &images, &options).map_err(|e| format!("{:?}", e.issues()))?;
        out.push((format!("example {name}"), built.credential));
    }
    Ok(out)
}

fn main() -> Res<()> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let docs = [
        ("EDC-generic-full.ttl", shacl::EDC_GENERIC_FULL),
        ("EDC-generic-no-cv.ttl", shacl::EDC_GENERIC_NO_CV),
    ];
    let compile = time(11, || shacl::compile_turtle(&docs));
    let shapes = shacl::edc_shapes()?;
    println!(
        "shapes: {} triples, {} shapes; parse + compile: {:.1} ms (median of 11)",
        shapes.triple_count(),
        shapes.len(),
        compile.as_secs_f64() * 1e3
    );

    let samples = repo.join("testdata/edc/samples/elm-v3-official");
    let mut creds: Vec<(String, Value)> = Vec::new();
    for f in [
        "Sample-MC-Annex1-signed.jsonld",
        "credential-sample_ELM-3.2.jsonld",
    ] {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(samples.join(f))?)?;
        let v = match v.get("payload").and_then(Value::as_str) {
            Some(p) => serde_json::from_str(p)?,
            None => v,
        };
        creds.push((format!("EU {f}"), v));
    }
    creds.extend(examples(&repo)?);
    println!(
        "{:<52} {:>6} {:>10} {:>10} {:>12} {:>8}",
        "credential", "quads", "to_rdf µs", "graph µs", "validate µs", "results"
    );
    for (name, c) in creds {
        let quads = canon::to_rdf(&c, &canon::Options::default())?;
        let to_rdf = time(51, || canon::to_rdf(&c, &canon::Options::default()));
        let graph = time(501, || shacl::edc_data_graph(&quads));
        let g = shacl::edc_data_graph(&quads)?;
        let validate = time(501, || shacl::validate(shapes, &g));
        let report = shacl::validate(shapes, &g);
        println!(
            "{name:<52} {:>6} {:>10.1} {:>10.1} {:>12.1} {:>8}",
            quads.len(),
            to_rdf.as_secs_f64() * 1e6,
            graph.as_secs_f64() * 1e6,
            validate.as_secs_f64() * 1e6,
            report.results.len()
        );
    }
    Ok(())
}
