//! The size and character limits of awards and programme specifications (issue #13, "Limits in
//! the model"; part of the hostile-input suite): every limit accepts a value at the limit and
//! refuses one over it with the field's path, the rule and a message naming the limit; control
//! characters are refused; oversized JSON is refused before it is parsed; the JSON Schema carries
//! the same limits.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
// It prints what it measured or what failed, for the test log.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::print_stdout)]
#![allow(clippy::print_stderr)]

mod award_support;

use std::time::Instant;

use award_support::*;
use elm_model::limits::{self, fill::fill_to_limits};
use elm_model::programme::{parse_programme, ProgrammeSpec};
use elm_model::{build, parse_award, validate, Award, Issue, LanguageMap};
use serde_json::{json, Value};

const A: &str = "micro-credential-academic-course.json";
const G: &str = "programme-micro-credential-data-literacy.json";

fn award(name: &str) -> Award {
    parse_award(&example_text(name)).unwrap()
}

fn check(a: &Award) -> Vec<Issue> {
    validate(a, &universities(), a.issued)
}

fn errors(a: &Award) -> Vec<Issue> {
    check(a).into_iter().filter(Issue::is_error).collect()
}

/// `n` characters, two bytes each in UTF-8 (characters are counted, not bytes).
fn chars(n: usize) -> String {
    "ż".repeat(n)
}

/// The award has exactly one error: `rule` at `path`, its message containing `message`.
#[track_caller]
fn assert_only(a: &Award, path: &str, rule: &str, message: &str) {
    let e = errors(a);
    assert!(
        e.len() == 1 && e[0].path == path && e[0].rule == rule && e[0].message.contains(message),
        "expected only `{path}: {rule}: ..{message}..`, found {e:#?}"
    );
}

#[track_caller]
fn assert_valid(a: &Award) {
    let e = errors(a);
    assert!(e.is_empty(), "{e:#?}");
}

#[test]
fn a_name_at_the_limit_passes_one_over_fails() {
    let mut a = award(A);
    a.learner.given_names = chars(limits::MAX_NAME_CHARS);
    assert_valid(&a);
    a.learner.given_names = chars(limits::MAX_NAME_CHARS + 1);
    assert_only(
        &a,
        "learner.givenNames",
        "text.max-length",
        "must be at most 200 characters, got 201",
    );
    let mut a = award(A);
    a.learning_opportunity.instructors[0].name = chars(limits::MAX_NAME_CHARS + 1);
    assert_only(
        &a,
        "learningOpportunity.instructors[0].name",
        "text.max-length",
        "at most 200 characters",
    );
}

#[test]
fn a_title_at_the_limit_passes_one_over_fails() {
    let mut a = award(A);
    a.learning_opportunity
        .title
        .insert("en", chars(limits::MAX_TITLE_CHARS));
    assert_valid(&a);
    a.learning_opportunity
        .title
        .insert("en", chars(limits::MAX_TITLE_CHARS + 1));
    assert_only(
        &a,
        "learningOpportunity.title.en",
        "text.max-length",
        "must be at most 500 characters, got 501",
    );
    // Every language value of a title map has the title limit.
    let mut a = award(G);
    a.learning_opportunity.units[1]
        .title
        .insert("pl", chars(limits::MAX_TITLE_CHARS + 1));
    assert_only(
        &a,
        "learningOpportunity.units[1].title.pl",
        "text.max-length",
        "at most 500",
    );
}

#[test]
fn a_language_map_text_at_the_limit_passes_one_over_fails() {
    let mut a = award(A);
    let d = a
        .learning_opportunity
        .description
        .get_or_insert_with(LanguageMap::new);
    d.insert("en", chars(limits::MAX_TEXT_CHARS));
    d.insert("de", chars(limits::MAX_TEXT_CHARS));
    assert_valid(&a);
    let d = a.learning_opportunity.description.as_mut().unwrap();
    d.insert("de", chars(limits::MAX_TEXT_CHARS + 1));
    assert_only(
        &a,
        "learningOpportunity.description.de",
        "text.max-length",
        "must be at most 4000 characters, got 4001",
    );
    let mut a = award(A);
    a.learning_opportunity.learning_outcomes.skills[0]
        .insert("en", chars(limits::MAX_TEXT_CHARS + 1));
    assert_only(
        &a,
        "learningOpportunity.learningOutcomes.skills[0].en",
        "text.max-length",
        "at most 4000",
    );
    // The `{"en": ["a", "b"]}` form: each value is checked, with its index.
    let doc = {
        let mut v: Value = example_json(A);
        v["learningOpportunity"]["prerequisites"] =
            json!({"en": ["fine", chars(limits::MAX_TEXT_CHARS + 1)]});
        v
    };
    let a = parse_award(&doc.to_string()).unwrap();
    assert_only(
        &a,
        "learningOpportunity.prerequisites.en[1]",
        "text.max-length",
        "at most 4000",
    );
}

#[test]
fn an_identifier_at_the_limit_passes_one_over_fails() {
    let mut a = award(A);
    a.learner.student_id = Some("7".repeat(limits::MAX_IDENTIFIER_CHARS));
    let long_id = format!(
        "https://enhance.example/{}",
        "x".repeat(limits::MAX_IDENTIFIER_CHARS - 24)
    );
    a.learning_opportunity.id = long_id.clone();
    assert_eq!(long_id.len(), limits::MAX_IDENTIFIER_CHARS);
    assert_valid(&a);
    a.learner.student_id = Some("7".repeat(limits::MAX_IDENTIFIER_CHARS + 1));
    assert_only(
        &a,
        "learner.studentId",
        "text.max-length",
        "must be at most 2048 characters, got 2049",
    );
    let mut a = award(A);
    a.achievement.grade = Some("6".repeat(limits::MAX_IDENTIFIER_CHARS + 1));
    assert_only(&a, "achievement.grade", "text.max-length", "at most 2048");
}

#[test]
fn a_list_at_the_limit_passes_one_over_fails() {
    let mut a = award(A);
    a.learner.nationality = vec!["POL".into(); limits::MAX_LIST_ITEMS];
    assert_valid(&a);
    a.learner.nationality.push("DEU".into());
    assert_only(
        &a,
        "learner.nationality",
        "list.max-items",
        "must have at most 50 items, got 51",
    );

    let mut a = award(A);
    let k = &mut a.learning_opportunity.learning_outcomes.knowledge;
    let first = k[0].clone();
    k.resize(limits::MAX_OUTCOMES_PER_CATEGORY, first.clone());
    assert_valid(&a);
    a.learning_opportunity
        .learning_outcomes
        .knowledge
        .push(first);
    assert_only(
        &a,
        "learningOpportunity.learningOutcomes.knowledge",
        "list.max-items",
        "at most 50 items, got 51",
    );

    let mut a = award(A);
    let i = a.learning_opportunity.instructors[0].clone();
    a.learning_opportunity
        .instructors
        .resize(limits::MAX_INSTRUCTORS + 1, i);
    assert_only(
        &a,
        "learningOpportunity.instructors",
        "list.max-items",
        "at most 50 items, got 51",
    );

    // Programme units: at the limit (filled), one over.
    let mut a = award(G);
    fill_to_limits(&mut a);
    assert_eq!(a.learning_opportunity.units.len(), limits::MAX_UNITS);
    assert_valid(&a);
    let mut u = a.learning_opportunity.units[99].clone();
    u.id = "urn:enhance:unit:one-more".into();
    a.learning_opportunity.units.push(u);
    let e = errors(&a);
    assert!(
        e.iter().any(|i| i.path == "learningOpportunity.units"
            && i.rule == "list.max-items"
            && i.message.contains("at most 100 items, got 101")),
        "{e:#?}"
    );
}

#[test]
fn a_language_map_has_at_most_32_languages() {
    let tags: Vec<String> = (0..=limits::MAX_LANGUAGES as u8)
        .map(|i| {
            format!(
                "x{}{}",
                char::from(b'a' + i / 26),
                char::from(b'a' + i % 26)
            )
        })
        .collect();
    let mut a = award(A);
    let m = a
        .learning_opportunity
        .further_information
        .get_or_insert_with(Default::default);
    let mut text = LanguageMap::single("en", "Target group");
    for t in tags.iter().take(limits::MAX_LANGUAGES - 1) {
        text.insert(t, "Studenci");
    }
    m.target_group = Some(text.clone());
    assert_valid(&a);
    text.insert(&tags[limits::MAX_LANGUAGES], "Φοιτητές");
    a.learning_opportunity
        .further_information
        .as_mut()
        .unwrap()
        .target_group = Some(text);
    assert_only(
        &a,
        "learningOpportunity.furtherInformation.targetGroup",
        "text.max-languages",
        "must have at most 32 languages, got 33",
    );
}

#[test]
fn the_total_text_at_the_limit_passes_one_over_fails() {
    let mut a = award(A);
    fill_to_limits(&mut a);
    assert_eq!(limits::total_text_chars(&a), limits::MAX_TOTAL_TEXT_CHARS);
    assert_valid(&a);
    // One more character in a field far below its own limit.
    let id = a.learner.student_id.as_mut().unwrap();
    assert!(id.len() < limits::MAX_IDENTIFIER_CHARS);
    id.push('8');
    assert_only(
        &a,
        "",
        "award.max-total-text",
        "must be at most 100000 characters, got 100001",
    );
}

/// An edit of an award, then the path and the message of the one error it should give.
type ControlCase = (fn(&mut Award), &'static str, &'static str);

#[test]
fn control_characters_are_refused() {
    for (c, name) in [
        ('\0', "NUL"),
        ('\u{1}', "SOH"),
        ('\u{1b}', "ESC"),
        ('\u{7f}', "DEL"),
        ('\u{85}', "NEL (C1)"),
        ('\u{9f}', "APC (C1)"),
    ] {
        let mut a = award(A);
        a.learner.family_names = format!("Nowak{c}Kowalska");
        assert_only(
            &a,
            "learner.familyNames",
            "text.control-character",
            &format!("U+{:04X} at character 5", u32::from(c)),
        );
        let mut a = award(A);
        a.learning_opportunity
            .description
            .get_or_insert_with(LanguageMap::new)
            .insert("en", format!("Line one{c}"));
        let e = errors(&a);
        assert!(
            e.iter().any(|i| i.rule == "text.control-character"
                && i.path == "learningOpportunity.description.en"),
            "{name}: {e:#?}"
        );
    }
    // Line feed and tab: in multi-line texts only.
    let mut a = award(A);
    a.learning_opportunity
        .description
        .get_or_insert_with(LanguageMap::new)
        .insert("en", "Line one\n\tLine two");
    a.learning_opportunity
        .workload
        .as_mut()
        .unwrap()
        .sum_override_reason = Some("Reason\nsecond line".into());
    assert_valid(&a);
    // Each edit leaves one control-character error, at `path`, with `message` in its text.
    // Carriage return is refused everywhere (a line is ended by a line feed).
    let cases: [ControlCase; 4] = [
        (
            |a| a.learner.given_names = "Anna\nMaria".into(),
            "learner.givenNames",
            "not allowed in a name, title or identifier",
        ),
        (
            |a| a.learning_opportunity.title.insert("en", "Title\twith tab"),
            "learningOpportunity.title.en",
            "U+0009",
        ),
        (
            |a| a.learning_opportunity.id.push('\n'),
            "learningOpportunity.id",
            "U+000A",
        ),
        (
            |a| {
                let description = a
                    .learning_opportunity
                    .description
                    .get_or_insert_with(LanguageMap::new);
                description.insert("en", "a\r\nb");
            },
            "learningOpportunity.description.en",
            "only line feed and tab are allowed",
        ),
    ];
    for (edit, path, message) in cases {
        let mut a = award(A);
        edit(&mut a);
        assert_only(&a, path, "text.control-character", message);
    }
    // In a language tag: reported at the map, the tag not echoed.
    let mut a = award(A);
    a.learning_opportunity.title.insert("e\u{0}n", "Title");
    let e = errors(&a);
    assert!(
        e.iter()
            .any(|i| i.path == "learningOpportunity.title" && i.rule == "text.control-character"),
        "{e:#?}"
    );
    // A NUL in JSON text (as `\u0000`) reaches the same rule.
    let mut v = example_json(A);
    v["learner"]["givenNames"] = json!("Ana\u{0}");
    let a = parse_award(&v.to_string()).unwrap();
    assert_only(&a, "learner.givenNames", "text.control-character", "U+0000");
}

#[test]
fn megabyte_fields_are_refused_quickly_without_echoing_them() {
    for mb in [1usize, 2, 5] {
        let n = mb * 1024 * 1024;
        let mut a = award(A);
        a.learner.given_names = "A".repeat(n);
        a.learning_opportunity.title.insert("en", "Ω".repeat(n));
        let t = Instant::now();
        let issues = check(&a);
        let took = t.elapsed();
        // (elm-model is optimised in test builds too: Cargo.toml `profile.dev.package.elm-model`.)
        assert!(took.as_millis() < 500, "{mb} MB: {took:?}");
        eprintln!("{mb} MB name and title: checked in {took:?}");
        let rules: Vec<_> = issues.iter().map(|i| (i.path.as_str(), i.rule)).collect();
        assert_eq!(
            rules,
            [
                ("", "award.max-total-text"),
                ("learner.givenNames", "text.max-length"),
                ("learningOpportunity.title.en", "text.max-length")
            ],
            "{mb} MB"
        );
        assert!(
            issues[1].message.ends_with(&format!("got {n}")),
            "{}",
            issues[1].message
        );
        assert!(
            issues.iter().all(|i| i.message.len() < 200),
            "no message echoes the value"
        );
        // build() reports the same and renders nothing.
        let e = build(&a, &universities(), &images_for(&a), &options()).unwrap_err();
        assert!(e.issues().iter().any(|i| i.rule == "text.max-length"));
    }
}

#[test]
fn json_over_the_size_limit_is_refused_before_parsing() {
    // At the limit: the size check passes (the padding is JSON white space).
    let text = example_text(A);
    let trimmed = text.trim_end();
    let at_limit = format!(
        "{trimmed}{}",
        " ".repeat(limits::MAX_AWARD_JSON_BYTES - trimmed.len())
    );
    assert_eq!(at_limit.len(), limits::MAX_AWARD_JSON_BYTES);
    assert!(parse_award(&at_limit).is_ok());
    let over = format!("{at_limit} ");
    let e = parse_award(&over).unwrap_err();
    assert_eq!((e.path.as_str(), e.rule), ("", "award.max-bytes"));
    assert!(
        e.message.contains(&format!(
            "at most {} bytes, got {}",
            limits::MAX_AWARD_JSON_BYTES,
            over.len()
        )),
        "{}",
        e.message
    );
    // 5 MB of garbage is refused without being parsed.
    let garbage = "[".repeat(5 * 1024 * 1024);
    let t = Instant::now();
    assert_eq!(parse_award(&garbage).unwrap_err().rule, "award.max-bytes");
    assert_eq!(
        parse_programme(&garbage).unwrap_err().rule,
        "award.max-bytes"
    );
    assert!(t.elapsed().as_millis() < 100, "{:?}", t.elapsed());
}

#[test]
fn findings_are_capped_and_the_rest_counted() {
    let mut a = award(A);
    let nul = LanguageMap::single("en", "bad\0");
    let o = &mut a.learning_opportunity.learning_outcomes;
    o.knowledge = vec![nul.clone(); 200];
    o.skills = vec![nul.clone(); 50];
    o.responsibility_and_autonomy = vec![nul; 50];
    let e = errors(&a);
    assert_eq!(e.len(), limits::MAX_REPORTED_ISSUES + 1, "{e:#?}");
    let last = e.last().unwrap();
    assert_eq!(last.rule, "limits.more-issues");
    // 1 list finding + 150 outcomes checked (the 150 knowledge items over the limit are not).
    assert!(last.message.starts_with("51 more"), "{}", last.message);
}

#[test]
fn display_images_have_a_byte_limit() {
    let a = award(A);
    let mut images = images_for(&a);
    images[0].bytes = vec![0x89; limits::MAX_DISPLAY_IMAGE_BYTES];
    assert!(build(&a, &universities(), &images, &options()).is_ok());
    images[0].bytes.push(0);
    let e = build(&a, &universities(), &images, &options()).unwrap_err();
    let found: Vec<_> = e
        .issues()
        .iter()
        .filter(|i| i.rule == "display.image-too-large")
        .collect();
    assert_eq!(found.len(), 1, "{:#?}", e.issues());
    assert_eq!(found[0].path, "display.images[0].file");
    assert!(found[0]
        .message
        .contains("must be at most 524288 bytes, got 524289"));
    // The list of images too.
    let mut a = award(A);
    let img = a.display.images[0].clone();
    a.display.images.resize(limits::MAX_DISPLAY_IMAGES + 1, img);
    let e = errors(&a);
    assert!(
        e.iter()
            .any(|i| i.path == "display.images" && i.rule == "list.max-items"),
        "{e:#?}"
    );
}

#[test]
fn programme_specifications_have_the_same_limits() {
    let text = std::fs::read_to_string(repo().join("examples/stack/programme.json")).unwrap();
    let spec: ProgrammeSpec = parse_programme(&text).unwrap();
    assert!(spec.validate(&[]).iter().all(|i| !i.is_error()));
    let mut bad = spec.clone();
    bad.learning_opportunity.units[0]
        .title
        .insert("en", chars(limits::MAX_TITLE_CHARS + 1));
    bad.lead_university.push('\0');
    let issues = bad.validate(&[]);
    let rules: Vec<_> = issues.iter().map(|i| (i.path.as_str(), i.rule)).collect();
    assert_eq!(
        rules,
        [
            ("leadUniversity", "text.control-character"),
            ("learningOpportunity.units[0].title.en", "text.max-length")
        ],
        "only the limit findings"
    );
    let mut at_limit = spec;
    at_limit.learning_opportunity.units[0]
        .title
        .insert("en", chars(limits::MAX_TITLE_CHARS));
    assert!(at_limit.validate(&[]).iter().all(|i| !i.is_error()));
    // A learning opportunity specification alone (`POST /specifications/{id}`): paths relative to it.
    let lo = &bad.learning_opportunity;
    let issues = limits::check_learning_opportunity(lo);
    assert_eq!(issues[0].path, "units[0].title.en");
}

/// The JSON Schema (`examples/awards/award.schema.json`) carries the limits: the largest valid
/// award passes it, one character or item over fails it, and control characters fail it.
#[test]
fn the_schema_carries_the_limits() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(examples_dir().join("award.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for name in [A, G] {
        let mut a = award(name);
        fill_to_limits(&mut a);
        let doc = serde_json::to_value(&a).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&doc)
            .map(|e| format!("{e} at {}", e.instance_path))
            .take(5)
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
    let base = serde_json::to_value(award(A)).unwrap();
    let over: &[(&str, Value)] = &[
        ("/learner/givenNames", json!(chars(201))),
        ("/learner/familyNames", json!("Nowak\u{0}")),
        ("/learningOpportunity/title/en", json!(chars(501))),
        ("/learningOpportunity/title/en", json!("Title\nline")),
        (
            "/learningOpportunity/description",
            json!({"en": chars(4001)}),
        ),
        (
            "/learningOpportunity/description",
            json!({"en": "ok\n\tok\r"}),
        ),
        (
            "/learningOpportunity/id",
            json!(format!("https://x.example/{}", "a".repeat(2048))),
        ),
        ("/learner/nationality", json!(vec!["POL"; 51])),
        (
            "/learningOpportunity/instructors",
            json!(vec![json!({"name": "X"}); 51]),
        ),
        (
            "/learningOpportunity/learningOutcomes/skills",
            json!(vec![json!({"en": "x"}); 51]),
        ),
    ];
    for (pointer, value) in over {
        let mut doc = base.clone();
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        doc.pointer_mut(parent).unwrap()[key] = value.clone();
        assert!(
            !validator.is_valid(&doc),
            "{pointer} = {:.60} passed the schema",
            value.to_string()
        );
    }
    let mut fine = base;
    fine["learningOpportunity"]["description"] =
        json!({"en": format!("{}\n\t{}", chars(10), chars(3988))});
    assert!(validator.is_valid(&fine));
}

/// An HTTP body is parsed before its award: over the JSON size limit, the findings still name
/// the oversized fields.
#[test]
fn oversized_parsed_documents_name_their_fields() {
    let mut v = example_json(A);
    v["learner"]["givenNames"] = json!("A".repeat(3 * 1024 * 1024));
    let text = v.to_string();
    assert_eq!(parse_award(&text).unwrap_err().rule, "award.max-bytes");
    let found = limits::oversized_award_findings(&v, text.len());
    let rules: Vec<_> = found.iter().map(|i| (i.path.as_str(), i.rule)).collect();
    assert_eq!(
        rules,
        [
            ("", "award.max-total-text"),
            ("learner.givenNames", "text.max-length"),
            ("", "award.max-bytes")
        ]
    );
    // Not an award at all: the size finding only.
    let found = limits::oversized_award_findings(&json!([1, 2]), 3_000_000);
    assert_eq!(found.len(), 1);
    let mut p: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("examples/stack/programme.json")).unwrap(),
    )
    .unwrap();
    p["learningOpportunity"]["title"]["en"] = json!("T".repeat(3 * 1024 * 1024));
    let found = limits::oversized_programme_findings(&p, 3_100_000);
    assert!(
        found
            .iter()
            .any(|i| i.path == "learningOpportunity.title.en" && i.rule == "text.max-length"),
        "{found:#?}"
    );
}
