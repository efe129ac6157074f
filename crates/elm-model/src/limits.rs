//! Size limits of an award request: the longest text and the longest list a real certificate
//! needs, so that hostile input is refused at the door, before it reaches signing, storage or the
//! certificate renderer (whose cost grows faster than the text).
//!
//! The numbers come from what the ENHANCE Framework MS18 (Annex 3, the certificate templates) and
//! the EU's official EDC samples carry, with generous head room: the longest learning-outcome
//! statement in the EU samples is under 1,000 characters, the longest title under 200, and no
//! programme in the framework has more than a few dozen units. They are counted in Unicode scalar
//! values (`char`s), as a person counts characters, not in UTF-8 bytes.
//!
//! Every limit is also written in the award JSON Schema (`examples/awards/award.schema.json`), and a
//! violation is reported as an [`crate::Issue`] naming the field path and the limit.

/// A person's given names or family names, an instructor's name.
pub const MAX_NAME_CHARS: usize = 200;
/// A title (learning opportunity, unit, programme, grading scheme), a place name, one language
/// value of a short label.
pub const MAX_TITLE_CHARS: usize = 500;
/// One language value of a description, a learning-outcome statement, a prerequisite, an
/// assessment or quality-assurance text, a stackability statement, further information.
pub const MAX_TEXT_CHARS: usize = 4_000;
/// Identifiers, codes, grades, student ids, URLs and IRIs.
pub const MAX_IDENTIFIER_CHARS: usize = 2_048;

/// Languages of one language map (the 24 official EU languages plus head room).
pub const MAX_LANGUAGES: usize = 32;
/// Learning outcomes of one category (knowledge, skills, responsibility and autonomy).
pub const MAX_OUTCOMES_PER_CATEGORY: usize = 50;
/// Learning units of a programme, and unit results of an achievement.
pub const MAX_UNITS: usize = 100;
/// Instructors of a learning opportunity or unit.
pub const MAX_INSTRUCTORS: usize = 50;
/// Any other list (nationalities, ISCED-F codes, languages of instruction, partnerships,
/// endorsements, jointly-developing universities, assessment types).
pub const MAX_LIST_ITEMS: usize = 50;

/// All text of one award together (every text field and every language value, counted in chars).
/// The per-field limits alone would allow gigabytes (units x outcomes x languages); this bounds the
/// certificate supplement a renderer has to lay out: about 35 dense pages in one language.
pub const MAX_TOTAL_TEXT_CHARS: usize = 100_000;

/// The largest award request accepted, in bytes of JSON text (one learner). The field limits above
/// bound a valid award well below this; the cap refuses a hostile document before it is parsed.
pub const MAX_AWARD_JSON_BYTES: usize = 2 * 1024 * 1024;

/// One display image (a certificate page, PNG or JPEG), in bytes after base64 decoding. A page
/// rendered by the issuer is about 100 KB (indexed PNG); a scanned A4 page at 150 dpi as JPEG is
/// 300-500 KB. The image is carried three times in every stored credential (JSON-LD, JAdES,
/// VC-JWT), so this bounds the stored credential too: eight such images are 5.3 MB of base64, and
/// the VC-JWT form of that credential (base64url again) stays under the 8 MiB a verifier of this
/// project reads by default (`verifier::policy::DEFAULT_MAX_CREDENTIAL_BYTES`).
pub const MAX_DISPLAY_IMAGE_BYTES: usize = 512 * 1024;
/// Display images of one award (one per display language; the renderer speaks four).
pub const MAX_DISPLAY_IMAGES: usize = 8;
/// A language-map key (BCP 47 §4.4.1: implementations need support no more than 35 characters).
pub const MAX_LANGUAGE_TAG_CHARS: usize = 35;

/// The largest `POST /awards` request body this bounds: the award JSON plus the base64 form
/// (4/3) of every display image, with 4 KB of envelope. The issuer's configured body limit
/// (`limits.max_body_bytes`) should not be below it for single awards.
pub const MAX_AWARD_REQUEST_BYTES: usize =
    MAX_AWARD_JSON_BYTES + MAX_DISPLAY_IMAGES * (MAX_DISPLAY_IMAGE_BYTES / 3 * 4 + 4) + 4096;

/// Limit findings reported for one document at most; the rest are summed up in one
/// `limits.more-issues` finding (a hostile document cannot make the error report huge).
pub const MAX_REPORTED_ISSUES: usize = 100;

// A valid award stays well below MAX_AWARD_JSON_BYTES: MAX_TOTAL_TEXT_CHARS characters take at
// most 600 KB (4 UTF-8 bytes, or 6 as \uXXXX escapes), and the structure around them (keys, lists
// of codes, one map entry per non-empty text) about 1 MB at worst; the largest award
// `fill::fill_to_limits` builds is about 130-300 KB of JSON (tests/limits_fill.rs).
const _: () = assert!(MAX_TOTAL_TEXT_CHARS * 6 + 512 * 1024 <= MAX_AWARD_JSON_BYTES);

#[cfg(feature = "test-support")]
pub mod fill;

use crate::award::{
    AssessmentSpec, Award, FurtherInformation, Instructor, LearningOpportunitySpec,
    LearningOutcomes, LearningUnit,
};
use crate::lang::LanguageMap;
use crate::programme::ProgrammeSpec;
use crate::validate::Issue;
use serde::Deserialize as _;

// Rule codes (listed with the others in `crate::validate::RULES`): `award.max-bytes`,
// `text.max-length`, `text.control-character`, `list.max-items`, `text.max-languages`,
// `award.max-total-text`, `display.image-too-large`, `limits.more-issues`.

/// What kind of text a field holds: its maximum length and whether it may span lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextClass {
    /// A person's name ([`MAX_NAME_CHARS`], one line).
    Name,
    /// A title or short label ([`MAX_TITLE_CHARS`], one line).
    Title,
    /// A description-like text ([`MAX_TEXT_CHARS`], line feeds and tabs allowed).
    Text,
    /// An identifier, code, grade or URL ([`MAX_IDENTIFIER_CHARS`], one line).
    Identifier,
}

impl TextClass {
    /// The maximum length in characters.
    pub fn max_chars(self) -> usize {
        match self {
            Self::Name => MAX_NAME_CHARS,
            Self::Title => MAX_TITLE_CHARS,
            Self::Text => MAX_TEXT_CHARS,
            Self::Identifier => MAX_IDENTIFIER_CHARS,
        }
    }

    /// Whether line feed and tab are allowed.
    pub fn multi_line(self) -> bool {
        self == Self::Text
    }
}

/// JSON Schema `pattern` of one-line texts: no C0 control, DEL or C1 control character.
pub const ONE_LINE_PATTERN: &str = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$";
/// JSON Schema `pattern` of multi-line texts: as [`ONE_LINE_PATTERN`] but tab and line feed allowed.
pub const MULTI_LINE_PATTERN: &str = "^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*$";

/// Whether `c` is refused in a text of this kind: C0 controls (U+0000-U+001F, NUL included), DEL
/// (U+007F) and C1 controls (U+0080-U+009F); line feed and tab are allowed in multi-line texts.
pub fn is_refused_control(c: char, multi_line: bool) -> bool {
    let cp = u32::from(c);
    if multi_line && (c == '\n' || c == '\t') {
        return false;
    }
    cp < 0x20 || (0x7F..=0x9F).contains(&cp)
}

/// The size check that runs before any JSON parsing: `None` when `json` is at most
/// [`MAX_AWARD_JSON_BYTES`] bytes, else the finding (rule `award.max-bytes`).
pub fn check_json_size(json: &str) -> Option<Issue> {
    (json.len() > MAX_AWARD_JSON_BYTES).then(|| {
        Issue::error(
            "",
            "award.max-bytes",
            format!(
                "the JSON text must be at most {MAX_AWARD_JSON_BYTES} bytes, got {}",
                json.len()
            ),
        )
    })
}

/// The findings for an award that was already parsed as JSON (an HTTP body) but whose text is
/// over [`MAX_AWARD_JSON_BYTES`]: the limit findings of its fields (so the client learns which
/// field is too long) followed by the `award.max-bytes` finding for `bytes`. When `value` is not
/// an award at all, only the latter.
pub fn oversized_award_findings(value: &serde_json::Value, bytes: usize) -> Vec<Issue> {
    oversized_findings(
        Award::deserialize(value).map(|award| check_award(&award)),
        bytes,
    )
}

/// As [`oversized_award_findings`], for a programme specification.
pub fn oversized_programme_findings(value: &serde_json::Value, bytes: usize) -> Vec<Issue> {
    oversized_findings(
        ProgrammeSpec::deserialize(value).map(|spec| check_programme(&spec)),
        bytes,
    )
}

/// The field findings of a document that deserialised (none when it did not), then the
/// `award.max-bytes` finding for `bytes`.
fn oversized_findings<E>(fields: Result<Vec<Issue>, E>, bytes: usize) -> Vec<Issue> {
    let mut out = fields.unwrap_or_default();
    out.push(Issue::error(
        "",
        "award.max-bytes",
        format!("the JSON text must be at most {MAX_AWARD_JSON_BYTES} bytes, got {bytes}"),
    ));
    out
}

/// The finding for a display image of `len` bytes at `path`, if it is over
/// [`MAX_DISPLAY_IMAGE_BYTES`].
pub fn check_image_size(path: &str, len: usize) -> Option<Issue> {
    (len > MAX_DISPLAY_IMAGE_BYTES).then(|| {
        Issue::error(
            path,
            "display.image-too-large",
            format!("must be at most {MAX_DISPLAY_IMAGE_BYTES} bytes, got {len}"),
        )
    })
}

/// Every size and character limit of `award`: field lengths, list counts, control characters and
/// the total text. Cheap (one pass over the text, no copies); [`crate::validate()`] runs it
/// first and reports only its findings when any is an error, so no later rule (or message) ever
/// handles an oversized text.
pub fn check_award(award: &Award) -> Vec<Issue> {
    let mut c = Checker::default();
    c.award(award);
    c.finish()
}

/// The same limits for a programme specification (`POST /programmes/{id}`).
pub fn check_programme(spec: &ProgrammeSpec) -> Vec<Issue> {
    let mut c = Checker::default();
    if let Some(s) = &spec.schema {
        c.text("$schema", s, TextClass::Identifier);
    }
    c.text(
        "leadUniversity",
        &spec.lead_university,
        TextClass::Identifier,
    );
    if let Some(l) = &spec.primary_language {
        c.text("primaryLanguage", l, TextClass::Identifier);
    }
    c.opportunity("learningOpportunity", &spec.learning_opportunity);
    c.finish()
}

/// The same limits for a learning opportunity specification on its own (`POST
/// /specifications/{id}`); paths are relative to it.
pub fn check_learning_opportunity(spec: &LearningOpportunitySpec) -> Vec<Issue> {
    let mut c = Checker::default();
    c.opportunity("", spec);
    c.finish()
}

/// All text of `award` counted as [`MAX_TOTAL_TEXT_CHARS`] counts it: every string and every
/// language value, in characters (list items beyond a list's limit are not counted).
pub fn total_text_chars(award: &Award) -> usize {
    let mut c = Checker::default();
    c.award(award);
    c.total
}

#[derive(Default)]
struct Checker {
    out: Vec<Issue>,
    more: usize,
    total: usize,
}

fn join(prefix: &str, field: &str) -> String {
    if prefix.is_empty() {
        field.to_owned()
    } else {
        format!("{prefix}.{field}")
    }
}

impl Checker {
    fn push(&mut self, issue: Issue) {
        if self.out.len() < MAX_REPORTED_ISSUES {
            self.out.push(issue);
        } else {
            self.more += 1;
        }
    }

    fn finish(mut self) -> Vec<Issue> {
        if self.total > MAX_TOTAL_TEXT_CHARS {
            // First: the one finding that names the document as a whole.
            self.out.insert(
                0,
                Issue::error(
                    "",
                    "award.max-total-text",
                    format!(
                        "all text together must be at most {MAX_TOTAL_TEXT_CHARS} characters, got {}",
                        self.total
                    ),
                ),
            );
        }
        if self.more > 0 {
            let more = self.more;
            self.out.push(Issue::error(
                "",
                "limits.more-issues",
                format!("{more} more limit finding(s) not listed"),
            ));
        }
        self.out
    }

    fn text(&mut self, path: &str, s: &str, class: TextClass) {
        let max = class.max_chars();
        let multi = class.multi_line();
        // One pass: the length in characters and the first refused control character.
        let mut n = 0;
        let mut control = None;
        for c in s.chars() {
            if control.is_none() && is_refused_control(c, multi) {
                control = Some((n, c));
            }
            n += 1;
        }
        self.total += n;
        if n > max {
            self.push(Issue::error(
                path,
                "text.max-length",
                format!("must be at most {max} characters, got {n}"),
            ));
        }
        if let Some((i, c)) = control {
            let allowed = if multi {
                "only line feed and tab are allowed"
            } else {
                "not allowed in a name, title or identifier"
            };
            self.push(Issue::error(
                path,
                "text.control-character",
                format!(
                    "control character U+{:04X} at character {i}: {allowed}",
                    u32::from(c)
                ),
            ));
        }
    }

    fn opt_text(&mut self, path: &str, s: &Option<String>, class: TextClass) {
        if let Some(s) = s {
            self.text(path, s, class);
        }
    }

    fn count(&mut self, path: &str, len: usize, max: usize) -> usize {
        if len > max {
            self.push(Issue::error(
                path,
                "list.max-items",
                format!("must have at most {max} items, got {len}"),
            ));
        }
        len.min(max)
    }

    fn texts(&mut self, path: &str, items: &[String], max: usize, class: TextClass) {
        let n = self.count(path, items.len(), max);
        for (i, s) in items.iter().take(n).enumerate() {
            self.text(&format!("{path}[{i}]"), s, class);
        }
    }

    fn map(&mut self, path: &str, m: &LanguageMap, class: TextClass) {
        // (language, its values), in the map's (sorted) order.
        let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
        for (lang, value) in m.iter() {
            match groups.last_mut() {
                Some((l, values)) if *l == lang => values.push(value),
                _ => groups.push((lang, vec![value])),
            }
        }
        if groups.len() > MAX_LANGUAGES {
            self.push(Issue::error(
                path,
                "text.max-languages",
                format!(
                    "must have at most {MAX_LANGUAGES} languages, got {}",
                    groups.len()
                ),
            ));
        }
        for (lang, values) in groups.iter().take(MAX_LANGUAGES) {
            let tag_chars = lang.chars().count();
            let tag_control = lang.chars().any(|c| is_refused_control(c, false));
            if tag_chars > MAX_LANGUAGE_TAG_CHARS {
                self.push(Issue::error(
                    path,
                    "text.max-length",
                    format!(
                        "a language tag must be at most {MAX_LANGUAGE_TAG_CHARS} characters, got {tag_chars}"
                    ),
                ));
            } else if tag_control {
                self.push(Issue::error(
                    path,
                    "text.control-character",
                    "a language tag contains a control character",
                ));
            }
            let tag_ok = tag_chars <= MAX_LANGUAGE_TAG_CHARS && !tag_control;
            let shown = if tag_ok { *lang } else { "(language)" };
            let n = self.count(&format!("{path}.{shown}"), values.len(), MAX_LIST_ITEMS);
            for (i, value) in values.iter().take(n).enumerate() {
                let p = if values.len() > 1 {
                    format!("{path}.{shown}[{i}]")
                } else {
                    format!("{path}.{shown}")
                };
                self.text(&p, value, class);
            }
        }
    }

    fn opt_map(&mut self, path: &str, m: &Option<LanguageMap>, class: TextClass) {
        if let Some(m) = m {
            self.map(path, m, class);
        }
    }

    fn maps(&mut self, path: &str, items: &[LanguageMap], max: usize, class: TextClass) {
        let n = self.count(path, items.len(), max);
        for (i, m) in items.iter().take(n).enumerate() {
            self.map(&format!("{path}[{i}]"), m, class);
        }
    }

    fn award(&mut self, a: &Award) {
        use TextClass::*;
        self.opt_text("$schema", &a.schema, Identifier);
        self.text("awardingUniversity", &a.awarding_university, Identifier);
        let l = &a.learner;
        self.text("learner.givenNames", &l.given_names, Name);
        self.text("learner.familyNames", &l.family_names, Name);
        if let Some(p) = &l.place_of_birth {
            self.map("learner.placeOfBirth.name", &p.name, Title);
            self.text("learner.placeOfBirth.country", &p.country, Identifier);
        }
        self.texts(
            "learner.nationality",
            &l.nationality,
            MAX_LIST_ITEMS,
            Identifier,
        );
        self.opt_text("learner.studentId", &l.student_id, Identifier);
        self.opt_text("learner.homeUniversity", &l.home_university, Identifier);
        self.opt_map("learner.studyLevel", &l.study_level, Title);
        self.opportunity("learningOpportunity", &a.learning_opportunity);
        let r = &a.achievement;
        self.opt_text("achievement.grade", &r.grade, Identifier);
        let n = self.count("achievement.units", r.units.len(), MAX_UNITS);
        for (i, u) in r.units.iter().take(n).enumerate() {
            let p = format!("achievement.units[{i}]");
            self.text(&format!("{p}.unitId"), &u.unit_id, Identifier);
            self.opt_text(&format!("{p}.grade"), &u.grade, Identifier);
        }
        let d = &a.display;
        self.text("display.primaryLanguage", &d.primary_language, Identifier);
        let n = self.count("display.images", d.images.len(), MAX_DISPLAY_IMAGES);
        for (i, img) in d.images.iter().take(n).enumerate() {
            let p = format!("display.images[{i}]");
            self.text(&format!("{p}.language"), &img.language, Identifier);
            self.text(&format!("{p}.file"), &img.file, Identifier);
        }
    }

    fn opportunity(&mut self, p: &str, o: &LearningOpportunitySpec) {
        use TextClass::*;
        self.text(&join(p, "id"), &o.id, Identifier);
        self.map(&join(p, "title"), &o.title, Title);
        self.opt_map(&join(p, "description"), &o.description, Text);
        self.texts(
            &join(p, "jointlyDevelopedBy"),
            &o.jointly_developed_by,
            MAX_LIST_ITEMS,
            Identifier,
        );
        if let Some(w) = &o.workload {
            self.opt_text(
                &join(p, "workload.sumOverrideReason"),
                &w.sum_override_reason,
                Text,
            );
        }
        self.texts(&join(p, "iscedF"), &o.isced_f, MAX_LIST_ITEMS, Identifier);
        self.outcomes(&join(p, "learningOutcomes"), &o.learning_outcomes);
        self.texts(
            &join(p, "languages"),
            &o.languages,
            MAX_LIST_ITEMS,
            Identifier,
        );
        self.opt_map(&join(p, "prerequisites"), &o.prerequisites, Text);
        if let Some(a) = &o.assessment {
            self.assessment(&join(p, "assessment"), a);
        }
        self.instructors(&join(p, "instructors"), &o.instructors);
        self.opt_map(&join(p, "qualityAssurance"), &o.quality_assurance, Text);
        if let Some(s) = &o.stackability {
            let sp = join(p, "stackability");
            self.map(&format!("{sp}.programme"), &s.programme, Title);
            self.opt_text(&format!("{sp}.programmeId"), &s.programme_id, Identifier);
            self.text(
                &format!("{sp}.coordinatedBy"),
                &s.coordinated_by,
                Identifier,
            );
            self.map(&format!("{sp}.leadsTo"), &s.leads_to, Title);
            self.opt_map(&format!("{sp}.statement"), &s.statement, Text);
        }
        if let Some(f) = &o.further_information {
            self.further(&join(p, "furtherInformation"), f);
        }
        let n = self.count(&join(p, "units"), o.units.len(), MAX_UNITS);
        for (i, u) in o.units.iter().take(n).enumerate() {
            self.unit(&format!("{}[{i}]", join(p, "units")), u);
        }
    }

    fn unit(&mut self, p: &str, u: &LearningUnit) {
        use TextClass::*;
        self.text(&format!("{p}.id"), &u.id, Identifier);
        self.map(&format!("{p}.title"), &u.title, Title);
        self.opt_map(&format!("{p}.description"), &u.description, Text);
        self.text(&format!("{p}.university"), &u.university, Identifier);
        self.opt_text(
            &format!("{p}.workload.sumOverrideReason"),
            &u.workload.sum_override_reason,
            Text,
        );
        self.texts(
            &format!("{p}.iscedF"),
            &u.isced_f,
            MAX_LIST_ITEMS,
            Identifier,
        );
        self.outcomes(&format!("{p}.learningOutcomes"), &u.learning_outcomes);
        self.texts(
            &format!("{p}.languages"),
            &u.languages,
            MAX_LIST_ITEMS,
            Identifier,
        );
        self.opt_map(&format!("{p}.prerequisites"), &u.prerequisites, Text);
        self.assessment(&format!("{p}.assessment"), &u.assessment);
        self.instructors(&format!("{p}.instructors"), &u.instructors);
        if let Some(f) = &u.further_information {
            self.further(&format!("{p}.furtherInformation"), f);
        }
    }

    fn outcomes(&mut self, p: &str, o: &LearningOutcomes) {
        let max = MAX_OUTCOMES_PER_CATEGORY;
        self.maps(
            &format!("{p}.knowledge"),
            &o.knowledge,
            max,
            TextClass::Text,
        );
        self.maps(&format!("{p}.skills"), &o.skills, max, TextClass::Text);
        self.maps(
            &format!("{p}.responsibilityAndAutonomy"),
            &o.responsibility_and_autonomy,
            max,
            TextClass::Text,
        );
    }

    fn assessment(&mut self, p: &str, a: &AssessmentSpec) {
        self.count(&format!("{p}.types"), a.types.len(), MAX_LIST_ITEMS);
        self.opt_map(&format!("{p}.description"), &a.description, TextClass::Text);
        if let Some(g) = &a.grading_scheme {
            self.map(
                &format!("{p}.gradingScheme.title"),
                &g.title,
                TextClass::Title,
            );
            self.map(
                &format!("{p}.gradingScheme.description"),
                &g.description,
                TextClass::Text,
            );
        }
    }

    fn instructors(&mut self, p: &str, list: &[Instructor]) {
        let n = self.count(p, list.len(), MAX_INSTRUCTORS);
        for (i, x) in list.iter().take(n).enumerate() {
            self.text(&format!("{p}[{i}].name"), &x.name, TextClass::Name);
            self.opt_text(
                &format!("{p}[{i}].affiliation"),
                &x.affiliation,
                TextClass::Title,
            );
        }
    }

    fn further(&mut self, p: &str, f: &FurtherInformation) {
        use TextClass::*;
        self.opt_map(&format!("{p}.text"), &f.text, Text);
        self.maps(
            &format!("{p}.partnerships"),
            &f.partnerships,
            MAX_LIST_ITEMS,
            Text,
        );
        self.maps(
            &format!("{p}.endorsements"),
            &f.endorsements,
            MAX_LIST_ITEMS,
            Text,
        );
        self.opt_map(&format!("{p}.targetGroup"), &f.target_group, Text);
        self.opt_text(&format!("{p}.homepage"), &f.homepage, Identifier);
    }
}

/// The JSON Schema of a language map whose values are texts of `class` (`maxProperties`,
/// `maxLength`, `maxItems` and the control-character `pattern`).
pub(crate) fn language_map_schema(class: TextClass) -> schemars::Schema {
    let pattern = if class.multi_line() {
        MULTI_LINE_PATTERN
    } else {
        ONE_LINE_PATTERN
    };
    let text = serde_json::json!({
        "type": "string",
        "maxLength": class.max_chars(),
        "pattern": pattern,
    });
    schemars::json_schema!({
        "description": "Text per language: lower-case BCP 47 tag -> text, e.g. {\"en\": \"Data Literacy\", \"nl\": \"Datageletterdheid\"}.",
        "type": "object",
        "maxProperties": MAX_LANGUAGES,
        "propertyNames": {
            "maxLength": MAX_LANGUAGE_TAG_CHARS,
            "pattern": "^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$"
        },
        "additionalProperties": {
            "anyOf": [
                text,
                { "type": "array", "maxItems": MAX_LIST_ITEMS, "items": text }
            ]
        }
    })
}

/// `schema_with` of the language maps holding a title or short label ([`TextClass::Title`]).
pub(crate) fn title_map_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    language_map_schema(TextClass::Title)
}
