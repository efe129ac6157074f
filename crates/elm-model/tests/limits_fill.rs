//! `limits::fill::fill_to_limits` (feature `test-support`): the largest award the limits allow
//! is still valid and builds, for every example kind, and really is at the limits.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
// It prints what it measured or what failed, for the test log.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::print_stdout)]
#![allow(clippy::print_stderr)]

mod award_support;

use award_support::*;
use elm_model::limits::{self, fill::fill_to_limits};
use elm_model::{build, parse_award, validate, Award};

fn filled(name: &str) -> Award {
    let mut award = parse_award(&example_text(name)).unwrap();
    fill_to_limits(&mut award);
    award
}

#[test]
fn every_example_filled_to_the_limits_validates_and_builds() {
    for f in example_files() {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let award = filled(&name);
        let issues = validate(&award, &universities(), award.issued);
        let errors: Vec<_> = issues.iter().filter(|i| i.is_error()).collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
        assert!(limits::check_award(&award).is_empty(), "{name}");
        assert_eq!(
            limits::total_text_chars(&award),
            limits::MAX_TOTAL_TEXT_CHARS,
            "{name}: the total is reached"
        );
        let l = &award.learner;
        assert_eq!(
            l.given_names.chars().count(),
            limits::MAX_NAME_CHARS,
            "{name}"
        );
        assert_eq!(
            l.family_names.chars().count(),
            limits::MAX_NAME_CHARS,
            "{name}"
        );
        for (lang, t) in award.learning_opportunity.title.iter() {
            assert_eq!(
                t.chars().count(),
                limits::MAX_TITLE_CHARS,
                "{name} title.{lang}"
            );
        }
        let o = &award.learning_opportunity;
        if award.kind == elm_model::CredentialKind::ProgrammeMicroCredential {
            // A programme's budget goes to its 100 unit titles first.
            for u in &o.units {
                let t = u.title.get("en").unwrap();
                assert_eq!(t.chars().count(), limits::MAX_TITLE_CHARS, "{name}");
            }
        } else {
            let desc = o.description.as_ref().unwrap().get("en").unwrap();
            assert_eq!(desc.chars().count(), limits::MAX_TEXT_CHARS, "{name}");
            assert!(
                desc.contains('\n') && desc.contains('ł') && desc.contains('μ'),
                "mixed scripts, lines"
            );
        }
        assert_eq!(
            o.learning_outcomes.knowledge.len(),
            limits::MAX_OUTCOMES_PER_CATEGORY
        );
        assert_eq!(o.instructors.len(), limits::MAX_INSTRUCTORS);
        assert_eq!(o.languages.len(), limits::MAX_LIST_ITEMS);
        assert_eq!(l.nationality.len(), limits::MAX_LIST_ITEMS);
        if award.kind == elm_model::CredentialKind::ProgrammeMicroCredential {
            assert_eq!(o.units.len(), limits::MAX_UNITS);
            assert_eq!(award.achievement.units.len(), limits::MAX_UNITS);
        }
        // It round-trips through JSON within the request size limit, and builds.
        let json = serde_json::to_string(&award).unwrap();
        assert!(
            json.len() <= limits::MAX_AWARD_JSON_BYTES,
            "{name}: {} bytes",
            json.len()
        );
        let again = parse_award(&json).unwrap();
        assert_eq!(again, award);
        let built = build(&award, &universities(), &images_for(&award), &options());
        assert!(
            built.is_ok(),
            "{name}: {:#?}",
            built.err().map(|e| e.issues().to_vec())
        );
        eprintln!("{name}: {} bytes of award JSON", json.len());
    }
}

#[test]
fn fill_is_deterministic() {
    let a = filled("micro-credential-academic-course.json");
    let b = filled("micro-credential-academic-course.json");
    assert_eq!(a, b);
}
