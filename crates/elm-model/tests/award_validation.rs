//! Every validation rule, each with an award that breaks it and the exact JSON path and rule code
//! reported; all findings are collected at once; format errors carry their path.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod award_support;

use award_support::*;
use elm_model::{build, parse_award, Award, BuildOptions, Issue, Severity};
use serde_json::{json, Value};

const A: &str = "micro-credential-academic-course.json";
const P: &str = "micro-credential-professional.json";
const G: &str = "programme-micro-credential-data-literacy.json";
const C: &str = "certificate-of-completion.json";
const S: &str = "certificate-of-participation-staff-week.json";

/// Sets (or with `Value::Null` at a missing key, adds) the value at a JSON pointer.
fn set(doc: &mut Value, pointer: &str, value: Value) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let target = doc
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("no {parent}"));
    match target {
        Value::Object(m) => {
            m.insert(key.to_owned(), value);
        }
        Value::Array(a) => a[key.parse::<usize>().unwrap()] = value,
        _ => panic!("{parent} is not a container"),
    }
}

fn remove(doc: &mut Value, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    match doc.pointer_mut(parent).unwrap() {
        Value::Object(m) => {
            m.remove(key).unwrap_or_else(|| panic!("no {pointer}"));
        }
        Value::Array(a) => {
            a.remove(key.parse::<usize>().unwrap());
        }
        _ => panic!(),
    }
}

/// Every finding (errors and warnings) of building `doc`.
fn issues(doc: &Value) -> Vec<Issue> {
    let award: Award = parse_award(&doc.to_string()).unwrap_or_else(|e| panic!("parse: {e}"));
    match build(&award, &universities(), &images_for(&award), &options()) {
        Ok(b) => b.warnings,
        Err(e) => e.issues().to_vec(),
    }
}

fn assert_issue(found: &[Issue], path: &str, rule: &str, severity: Severity) {
    assert!(
        found
            .iter()
            .any(|i| i.path == path && i.rule == rule && i.severity == severity),
        "expected {severity:?} `{path}: {rule}`, found:\n{}",
        found
            .iter()
            .map(|i| format!("  {i}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

fn case(example: &str, edit: impl FnOnce(&mut Value), path: &str, rule: &str) {
    let mut doc = example_json(example);
    edit(&mut doc);
    assert_issue(&issues(&doc), path, rule, Severity::Error);
}

fn warning_case(example: &str, edit: impl FnOnce(&mut Value), path: &str, rule: &str) {
    let mut doc = example_json(example);
    edit(&mut doc);
    let found = issues(&doc);
    assert_issue(&found, path, rule, Severity::Warning);
    assert!(
        !found.iter().any(Issue::is_error),
        "a warning alone must not block: {found:#?}"
    );
}

#[test]
fn the_examples_have_no_errors() {
    for f in example_files() {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        assert!(
            !issues(&example_json(&name)).iter().any(Issue::is_error),
            "{name}"
        );
    }
}

#[test]
fn format_errors_carry_the_json_path() {
    let mut doc = example_json(G);
    set(
        &mut doc,
        "/learningOpportunity/units/1/workload/ects",
        json!("lots"),
    );
    let e = parse_award(&doc.to_string()).unwrap_err();
    assert_eq!(
        (e.path.as_str(), e.rule),
        ("learningOpportunity.units[1].workload.ects", "award.parse")
    );
    assert!(e.message.contains("credit amount"), "{e}");

    let mut doc = example_json(G);
    set(
        &mut doc,
        "/learningOpportunity/units/1/nickname",
        json!("x"),
    );
    let e = parse_award(&doc.to_string()).unwrap_err();
    assert_eq!(
        (e.path.as_str(), e.rule),
        ("learningOpportunity.units[1].nickname", "award.parse")
    );
    assert!(e.message.contains("unknown field `nickname`"), "{e}");

    let mut doc = example_json(A);
    remove(&mut doc, "/learner/givenNames");
    let e = parse_award(&doc.to_string()).unwrap_err();
    assert_eq!((e.path.as_str(), e.rule), ("learner", "award.parse"));
    assert!(e.message.contains("missing field `givenNames`"), "{e}");

    let mut doc = example_json(A);
    set(&mut doc, "/kind", json!("badge"));
    let e = parse_award(&doc.to_string()).unwrap_err();
    assert_eq!(e.path, "kind");
    assert_eq!(
        e.to_string().split(": ").take(2).collect::<Vec<_>>(),
        ["kind", "award.parse"]
    );
}

#[test]
fn all_errors_are_collected_at_once() {
    let mut doc = example_json(A);
    set(&mut doc, "/awardingUniversity", json!("mit"));
    set(&mut doc, "/learningOpportunity/eqfLevel", json!(5));
    set(&mut doc, "/learningOpportunity/workload/ects", json!("0.5"));
    set(&mut doc, "/achievement/period/end", json!("2026-01-01"));
    set(&mut doc, "/learner/nationality", json!(["XYZ"]));
    let found = issues(&doc);
    for (path, rule) in [
        ("awardingUniversity", "university.unknown"),
        ("learningOpportunity.eqfLevel", "eqf.level"),
        (
            "learningOpportunity.workload.ects",
            "micro-credential.min-workload",
        ),
        ("achievement.period.end", "dates.period-order"),
        ("learner.nationality[0]", "country.unknown"),
    ] {
        assert_issue(&found, path, rule, Severity::Error);
    }
    assert!(found.iter().filter(|i| i.is_error()).count() >= 5);
}

#[test]
fn university_and_code_rules() {
    case(
        A,
        |d| set(d, "/awardingUniversity", json!("mit")),
        "awardingUniversity",
        "university.unknown",
    );
    case(
        G,
        |d| set(d, "/learningOpportunity/units/2/university", json!("kth")),
        "learningOpportunity.units[2].university",
        "university.unknown",
    );
    case(
        A,
        |d| set(d, "/learner/homeUniversity", json!("kth")),
        "learner.homeUniversity",
        "university.unknown",
    );
    case(
        A,
        |d| {
            set(
                d,
                "/learningOpportunity/stackability/coordinatedBy",
                json!("kth"),
            )
        },
        "learningOpportunity.stackability.coordinatedBy",
        "university.unknown",
    );
    case(
        A,
        |d| set(d, "/learningOpportunity/languages", json!(["en", "xx"])),
        "learningOpportunity.languages[1]",
        "language.unknown",
    );
    case(
        A,
        |d| set(d, "/display/images/1/language", json!("klingon")),
        "display.images[1].language",
        "language.unknown",
    );
    case(
        A,
        |d| set(d, "/learner/nationality", json!(["XYZ"])),
        "learner.nationality[0]",
        "country.unknown",
    );
    case(
        A,
        |d| set(d, "/learner/placeOfBirth/country", json!("PL")),
        "learner.placeOfBirth.country",
        "country.unknown",
    );
    case(
        A,
        |d| set(d, "/learningOpportunity/iscedF", json!(["1234"])),
        "learningOpportunity.iscedF[0]",
        "isced-f.unknown",
    );
    case(
        A,
        |d| {
            set(
                d,
                "/learningOpportunity/id",
                json!("sustainable-innovation"),
            )
        },
        "learningOpportunity.id",
        "uri.invalid",
    );
    case(
        G,
        |d| {
            let first = d
                .pointer("/learningOpportunity/units/0/id")
                .unwrap()
                .clone();
            set(d, "/learningOpportunity/units/1/id", first);
        },
        "learningOpportunity.units[1].id",
        "uri.duplicate",
    );
    case(
        A,
        |d| set(d, "/learningOpportunity/eqfLevel", json!(5)),
        "learningOpportunity.eqfLevel",
        "eqf.level",
    );
    case(
        G,
        |d| set(d, "/learningOpportunity/units/1/eqfLevel", json!(9)),
        "learningOpportunity.units[1].eqfLevel",
        "eqf.level",
    );
}

#[test]
fn text_rules() {
    case(
        A,
        |d| set(d, "/learningOpportunity/title", json!({})),
        "learningOpportunity.title",
        "text.required",
    );
    case(
        A,
        |d| set(d, "/learningOpportunity/title", json!({"de": "Kurs"})),
        "learningOpportunity.title",
        "text.english-required",
    );
    case(
        A,
        |d| {
            set(
                d,
                "/learningOpportunity/title",
                json!({"en": "Course", "DE": "Kurs"}),
            )
        },
        "learningOpportunity.title.DE",
        "text.language-tag",
    );
    case(
        A,
        |d| {
            set(
                d,
                "/learningOpportunity/learningOutcomes/skills/1",
                json!({"en": "  ", "de": "x"}),
            )
        },
        "learningOpportunity.learningOutcomes.skills[1].en",
        "text.required",
    );
    case(
        A,
        |d| set(d, "/learner/givenNames", json!(" ")),
        "learner.givenNames",
        "text.required",
    );
    warning_case(
        A,
        |d| set(d, "/learningOpportunity/title", json!({"en": "Course"})),
        "learningOpportunity.title",
        "text.university-language",
    );
    // A unit's texts: the language of the university that teaches it (WUT: Polish), not the lead's.
    let mut doc = example_json(G);
    set(
        &mut doc,
        "/learningOpportunity/units/1/title",
        json!({"en": "Statistics", "nl": "Statistiek"}),
    );
    let found = issues(&doc);
    let w = found
        .iter()
        .find(|i| i.path == "learningOpportunity.units[1].title")
        .expect("a warning for units[1].title");
    assert_eq!(
        (w.rule, w.severity),
        ("text.university-language", Severity::Warning)
    );
    assert!(w.message.contains("`pl`"), "{w}");
}

#[test]
fn workload_and_kind_rules() {
    case(
        A,
        |d| {
            set(
                d,
                "/learningOpportunity/workload",
                json!({"ects": 5, "ceu": 10}),
            )
        },
        "learningOpportunity.workload",
        "workload.one-system",
    );
    case(
        G,
        |d| set(d, "/learningOpportunity/units/0/workload/ects", json!(0)),
        "learningOpportunity.units[0].workload.ects",
        "workload.zero",
    );
    case(
        A,
        |d| remove(d, "/certificateProfile"),
        "certificateProfile",
        "profile.required",
    );
    case(
        C,
        |d| set(d, "/certificateProfile", json!("academic")),
        "certificateProfile",
        "profile.not-applicable",
    );
    case(
        A,
        |d| remove(d, "/learningOpportunity/learningOutcomes"),
        "learningOpportunity.learningOutcomes",
        "micro-credential.learning-outcomes",
    );
    case(
        A,
        |d| remove(d, "/learningOpportunity/assessment"),
        "learningOpportunity.assessment",
        "micro-credential.assessment",
    );
    case(
        A,
        |d| remove(d, "/learningOpportunity/workload"),
        "learningOpportunity.workload",
        "micro-credential.workload-required",
    );
    case(
        A,
        |d| set(d, "/learningOpportunity/workload/ects", json!("0.5")),
        "learningOpportunity.workload.ects",
        "micro-credential.min-workload",
    );
    case(
        P,
        |d| set(d, "/learningOpportunity/workload/ceu", json!(2)),
        "learningOpportunity.workload.ceu",
        "micro-credential.min-workload",
    );
    warning_case(
        A,
        |d| set(d, "/learningOpportunity/workload/ects", json!("2.5")),
        "learningOpportunity.workload.ects",
        "micro-credential.recommended-workload",
    );
    warning_case(
        P,
        |d| set(d, "/learningOpportunity/workload/ceu", json!(5)),
        "learningOpportunity.workload.ceu",
        "micro-credential.recommended-workload",
    );
    case(
        A,
        |d| set(d, "/learningOpportunity/workload", json!({"ceu": 12})),
        "learningOpportunity.workload.ceu",
        "micro-credential.academic-ects",
    );
    case(
        C,
        |d| remove(d, "/learningOpportunity/learningOutcomes"),
        "learningOpportunity.learningOutcomes",
        "completion.learning-outcomes",
    );
    case(
        C,
        |d| remove(d, "/learningOpportunity/assessment"),
        "learningOpportunity.assessment",
        "completion.assessment",
    );
    case(
        C,
        |d| remove(d, "/learningOpportunity/assessment"),
        "achievement.grade",
        "grade.no-assessment",
    );
    case(
        C,
        |d| remove(d, "/learningOpportunity/workload"),
        "learningOpportunity.workload",
        "completion.workload-required",
    );
    case(
        S,
        |d| set(d, "/learningOpportunity/workload", json!({"ects": 1})),
        "learningOpportunity.workload",
        "participation.no-credits",
    );
    case(
        S,
        |d| {
            set(
                d,
                "/learningOpportunity/assessment",
                json!({"types": ["quiz"]}),
            )
        },
        "learningOpportunity.assessment",
        "participation.no-assessment",
    );
    case(
        S,
        |d| set(d, "/achievement/grade", json!("5")),
        "achievement.grade",
        "participation.no-grade",
    );
    case(
        A,
        |d| set(d, "/learningOpportunity/assessment/types", json!([])),
        "learningOpportunity.assessment.types",
        "assessment.types-empty",
    );
}

#[test]
fn a_participation_certificate_may_omit_the_date_of_birth_others_may_not() {
    let mut doc = example_json(S);
    remove(&mut doc, "/learner/dateOfBirth");
    assert!(!issues(&doc).iter().any(Issue::is_error));
    case(
        A,
        |d| remove(d, "/learner/dateOfBirth"),
        "learner.dateOfBirth",
        "learner.date-of-birth-required",
    );
}

#[test]
fn programme_rules() {
    case(
        G,
        |d| set(d, "/learningOpportunity/type", json!("summerSchool")),
        "learningOpportunity.type",
        "programme.opportunity-type",
    );
    case(
        G,
        |d| {
            let u = d.pointer("/learningOpportunity/units/0").unwrap().clone();
            let r = d.pointer("/achievement/units/0").unwrap().clone();
            set(d, "/learningOpportunity/units", json!([u]));
            set(d, "/achievement/units", json!([r]));
        },
        "learningOpportunity.units",
        "programme.min-units",
    );
    case(
        A,
        |d| {
            let units = example_json(G)
                .pointer("/learningOpportunity/units")
                .unwrap()
                .clone();
            set(d, "/learningOpportunity/units", units);
        },
        "learningOpportunity.units",
        "programme.units-not-allowed",
    );
    case(
        G,
        |d| set(d, "/learningOpportunity/workload/ects", json!(15)),
        "learningOpportunity.workload.ects",
        "programme.ects-sum",
    );
    // An explicit override with a reason is accepted.
    let mut doc = example_json(G);
    set(
        &mut doc,
        "/learningOpportunity/workload",
        json!({"ects": 15, "sumOverrideReason": "3 ECTS for the capstone assessment"}),
    );
    assert!(
        !issues(&doc).iter().any(Issue::is_error),
        "{:#?}",
        issues(&doc)
    );
    programme_sum_and_unit_result_rules();
}

/// Programme rules, continued: the credit sum over completed units and the unit results.
fn programme_sum_and_unit_result_rules() {
    // Without the elective unit the sum is 9, not 12.
    case(
        G,
        |d| remove(d, "/achievement/units/2"),
        "learningOpportunity.workload.ects",
        "programme.ects-sum",
    );
    case(
        G,
        |d| {
            set(
                d,
                "/learningOpportunity/units/0/workload",
                json!({"ceu": 12}),
            )
        },
        "learningOpportunity.workload.ects",
        "programme.workload-system",
    );
    case(
        G,
        |d| {
            set(
                d,
                "/achievement/units/1/unitId",
                json!("https://example.org/nope"),
            )
        },
        "achievement.units[1].unitId",
        "programme.unit-result-unknown",
    );
    case(
        G,
        |d| {
            let r = d.pointer("/achievement/units/0").unwrap().clone();
            set(d, "/achievement/units/2", r);
        },
        "achievement.units[2].unitId",
        "programme.unit-result-duplicate",
    );
    case(
        G,
        |d| remove(d, "/achievement/units/1"),
        "learningOpportunity.units[1]",
        "programme.obligatory-unit-missing",
    );
    case(
        G,
        |d| {
            let r = d.pointer("/achievement/units/0").unwrap().clone();
            set(d, "/achievement/units", json!([r]));
        },
        "achievement.units",
        "programme.min-completed-units",
    );
    case(
        A,
        |d| {
            set(
                d,
                "/achievement/units",
                json!([{"unitId": "https://example.org/u", "period": {"start": "2026-04-13"}}]),
            )
        },
        "achievement.units",
        "programme.unit-results-not-allowed",
    );
    case(
        G,
        |d| {
            set(
                d,
                "/learningOpportunity/units/2/learningOutcomes",
                json!({}),
            )
        },
        "learningOpportunity.units[2].learningOutcomes",
        "micro-credential.learning-outcomes",
    );
    case(
        G,
        |d| {
            set(
                d,
                "/learningOpportunity/jointlyDevelopedBy",
                json!(["tudelft"]),
            )
        },
        "learningOpportunity.jointlyDevelopedBy",
        "jointly-developed.min-two",
    );
    case(
        G,
        |d| {
            set(
                d,
                "/learningOpportunity/jointlyDevelopedBy",
                json!(["tudelft", "wut", "tudelft"]),
            )
        },
        "learningOpportunity.jointlyDevelopedBy[2]",
        "jointly-developed.duplicate",
    );
}

#[test]
fn date_rules() {
    case(
        A,
        |d| set(d, "/achievement/period/end", json!("2026-01-01")),
        "achievement.period.end",
        "dates.period-order",
    );
    case(
        G,
        |d| set(d, "/achievement/units/1/period/end", json!("2026-01-01")),
        "achievement.units[1].period.end",
        "dates.period-order",
    );
    case(
        A,
        |d| set(d, "/issued", json!("2026-07-01")),
        "issued",
        "dates.issued-before-end",
    );
    // A unit that ends after the programme's own period still counts.
    case(
        G,
        |d| set(d, "/achievement/units/2/period/end", json!("2026-07-30")),
        "issued",
        "dates.issued-before-end",
    );
    case(
        A,
        |d| set(d, "/learner/dateOfBirth", json!("2026-05-01")),
        "learner.dateOfBirth",
        "dates.birth-after-start",
    );
    case(
        P,
        |d| set(d, "/validUntil", json!("2026-01-01")),
        "validUntil",
        "dates.valid-until-before-issued",
    );
    case(
        A,
        |d| remove(d, "/issued"),
        "issued",
        "dates.issued-missing",
    );
    // The caller's date overrides the award's.
    let award: Award = parse_award(&example_text(A)).unwrap();
    let opts = BuildOptions {
        credential_id: CREDENTIAL_ID.into(),
        issued: Some(chrono::NaiveDate::from_ymd_opt(2026, 7, 1).unwrap()),
    };
    let err = build(&award, &universities(), &images_for(&award), &opts).unwrap_err();
    assert_issue(
        err.issues(),
        "issued",
        "dates.issued-before-end",
        Severity::Error,
    );
}

#[test]
fn form_of_participation_rules() {
    warning_case(
        A,
        |d| remove(d, "/learningOpportunity/contactHours"),
        "learningOpportunity.contactHours",
        "form.contact-hours",
    );
    case(
        G,
        |d| set(d, "/learningOpportunity/contactHours", json!({"total": 96})),
        "learningOpportunity.contactHours",
        "blended.contact-hours-split",
    );
    case(
        G,
        |d| {
            set(
                d,
                "/learningOpportunity/units/0/contactHours",
                json!({"online": 24}),
            )
        },
        "learningOpportunity.units[0].contactHours",
        "blended.contact-hours-split",
    );
    warning_case(
        G,
        |d| remove(d, "/achievement/inPresencePeriod"),
        "achievement",
        "blended.periods",
    );
    case(
        G,
        |d| {
            set(
                d,
                "/learningOpportunity/contactHours",
                json!({"total": 100, "inPresence": 40, "online": 56}),
            )
        },
        "learningOpportunity.contactHours.total",
        "contact-hours.total-mismatch",
    );
}

#[test]
fn display_rules() {
    case(
        A,
        |d| set(d, "/display/images", json!([])),
        "display.images",
        "display.images-empty",
    );
    case(
        A,
        |d| set(d, "/display/primaryLanguage", json!("pl")),
        "display.primaryLanguage",
        "display.primary-language",
    );
    case(
        A,
        |d| set(d, "/display/images/1/language", json!("en")),
        "display.images[1].language",
        "display.language-duplicate",
    );
    case(
        A,
        |d| set(d, "/display/images/1/file", json!("images/page.gif")),
        "display.images[1].mediaType",
        "display.media-type",
    );

    let award: Award = parse_award(&example_text(A)).unwrap();
    let unis = universities();
    let err = build(&award, &unis, &[], &options()).unwrap_err();
    assert_issue(
        err.issues(),
        "display.images[0]",
        "display.image-missing",
        Severity::Error,
    );
    assert_issue(
        err.issues(),
        "display.images[1]",
        "display.image-missing",
        Severity::Error,
    );
    let mut imgs = images_for(&award);
    imgs[1].bytes.clear();
    let err = build(&award, &unis, &imgs, &options()).unwrap_err();
    assert_issue(
        err.issues(),
        "display.images[1].file",
        "display.image-empty",
        Severity::Error,
    );
    let opts = BuildOptions {
        credential_id: "credential 42".into(),
        issued: None,
    };
    let err = build(&award, &unis, &images_for(&award), &opts).unwrap_err();
    assert_issue(err.issues(), "", "options.credential-id", Severity::Error);
}

#[test]
fn every_rule_has_a_test_here() {
    // The size and character limits have their own test file.
    let src = [
        include_str!("award_validation.rs"),
        include_str!("award_limits.rs"),
    ]
    .concat();
    for (rule, _) in elm_model::validate::RULES {
        assert!(
            src.contains(&format!("\"{rule}\"")),
            "rule {rule} has no test case"
        );
    }
}
