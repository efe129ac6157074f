//! The parse-back view on what our own issuer produces: every example award of `examples/awards/`
//! built with [`elm_model::build`] reads into the view, round-trips exactly, and gives back the
//! award's learner, title, awarding body and credits.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

use elm_model::view::CredentialView;
use elm_model::{
    build, Award, BuildOptions, DisplayImage, LanguageMap, MediaType, Universities, University,
};

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/awards/");

fn university(id: &str, name: &str, country: &str) -> University {
    University {
        id: id.into(),
        did: format!("did:web:localhost%3A8080:universities:{id}"),
        legal_name: LanguageMap::single("en", name),
        language: "en".into(),
        city: LanguageMap::single("en", "City"),
        country: country.into(),
        legal_identifier: format!("LEGAL-{id}"),
        homepage: format!("https://{id}.example"),
        grading_scheme: None,
    }
}

fn universities() -> Universities {
    Universities::new(vec![
        university("eth", "ETH Zurich", "CHE"),
        university("rwth", "RWTH Aachen University", "DEU"),
        university("tudelft", "Delft University of Technology", "NLD"),
        university("wut", "Warsaw University of Technology", "POL"),
        university("tub", "Technische Universität Berlin", "DEU"),
        university("polimi", "Politecnico di Milano", "ITA"),
    ])
}

#[test]
fn built_example_credentials_read_and_round_trip() {
    let png = std::fs::read(format!("{EXAMPLES}images/certificate-page.png")).unwrap();
    let mut read = 0;
    for entry in std::fs::read_dir(EXAMPLES).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("json")
            || path.to_string_lossy().ends_with(".schema.json")
        {
            continue;
        }
        let award: Award = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let images: Vec<DisplayImage> = ["en", "de", "nl", "pl", "it", "fr"]
            .iter()
            .map(|l| DisplayImage {
                language: l.to_string(),
                media_type: MediaType::Png,
                bytes: png.clone(),
            })
            .collect();
        let options = BuildOptions {
            credential_id: "urn:uuid:00000000-0000-4000-8000-000000000001".into(),
            issued: None,
        };
        let built = build(&award, &universities(), &images, &options)
            .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
        let view = CredentialView::from_json(&built.credential)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(view.to_json(), built.credential, "{}", path.display());
        assert_eq!(
            view.id(),
            Some("urn:uuid:00000000-0000-4000-8000-000000000001")
        );

        let learner = &award.learner;
        let full = view.learner_full_name().unwrap();
        assert!(full.contains(learner.given_names.as_str()), "{full}");
        assert!(view.title("en").is_some());
        let bodies = view.awarding_bodies();
        assert!(!bodies.is_empty(), "{}", path.display());
        let awarding = universities()
            .get(&award.awarding_university)
            .unwrap()
            .did
            .clone();
        assert!(
            bodies.iter().any(|b| b.id() == Some(awarding.as_str())),
            "{}: {awarding}",
            path.display()
        );
        if let Some(ects) = award
            .learning_opportunity
            .workload
            .as_ref()
            .and_then(|w| w.ects)
        {
            assert_eq!(
                view.ects().map(|d| d.to_string()),
                Some(ects.to_string()),
                "{}",
                path.display()
            );
        }
        // Stackability: a programme's units come back as hasPart children, each specified by the
        // unit's stable URI and awarded by the unit's university.
        let units = &award.learning_opportunity.units;
        assert_eq!(view.units().len(), units.len(), "{}", path.display());
        let spec_ids = view.specification_ids();
        for u in units {
            assert!(
                spec_ids.contains(&u.id.as_str()),
                "{}: unit spec {}",
                path.display(),
                u.id
            );
            let did = universities().get(&u.university).unwrap().did.clone();
            assert!(
                bodies.iter().any(|b| b.id() == Some(did.as_str())),
                "{}: unit body {did}",
                path.display()
            );
        }
        assert_eq!(
            view.eqf_level(),
            award.learning_opportunity.eqf_level,
            "{}",
            path.display()
        );
        read += 1;
    }
    assert!(read >= 3, "read {read} example awards");
}
