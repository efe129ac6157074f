//! Lexical-space checks and numeric comparison for the datatypes the EDC shapes name.
//!
//! SHACL §4.1.2 `sh:datatype`: "a literal matches a datatype if the literal's datatype has the same
//! IRI and, for the datatypes supported by SPARQL 1.1, is not an ill-typed literal". The lexical
//! spaces are those of XML Schema 1.1 Part 2 (§3.3.3 decimal, §3.3.2 boolean, §3.3.6 duration,
//! §3.3.7 dateTime, §3.4.13 integer, §3.4.25 positiveInteger; string and anyURI accept any
//! string), and RDF 1.1 Concepts §5.1 for `rdf:langString` / `rdf:HTML` (any string).
//!
//! SHACL §4.3.2 `sh:maxInclusive` compares numeric literals by value ([`compare_numeric`]).
//!
//! Only the datatypes in [`KNOWN_DATATYPES`] are accepted when the shapes are compiled; any other
//! `sh:datatype` is an [`crate::LoadError::Unsupported`], so a shape change cannot silently skip the
//! lexical check.

use std::cmp::Ordering;

pub(crate) const XSD: &str = "http://www.w3.org/2001/XMLSchema#";

/// Datatype IRIs whose lexical space this module knows.
pub const KNOWN_DATATYPES: &[&str] = &[
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#HTML",
    "http://www.w3.org/2001/XMLSchema#string",
    "http://www.w3.org/2001/XMLSchema#anyURI",
    "http://www.w3.org/2001/XMLSchema#boolean",
    "http://www.w3.org/2001/XMLSchema#integer",
    "http://www.w3.org/2001/XMLSchema#positiveInteger",
    "http://www.w3.org/2001/XMLSchema#decimal",
    "http://www.w3.org/2001/XMLSchema#dateTime",
    "http://www.w3.org/2001/XMLSchema#duration",
];

/// Whether `lexical` is in the lexical space of `datatype` (one of [`KNOWN_DATATYPES`]; any
/// other datatype is treated as valid, it never reaches here from compiled shapes).
pub fn is_valid(datatype: &str, lexical: &str) -> bool {
    let Some(local) = datatype.strip_prefix(XSD) else {
        // rdf:langString, rdf:HTML: every string (RDF 1.1 Concepts §5.1, §5.2).
        return true;
    };
    match local {
        "boolean" => matches!(lexical, "true" | "false" | "1" | "0"),
        "integer" => is_integer(lexical),
        "positiveInteger" => {
            is_integer(lexical)
                && !lexical.starts_with('-')
                && lexical.bytes().any(|b| (b'1'..=b'9').contains(&b))
        }
        "decimal" => parse_decimal(lexical).is_some(),
        "dateTime" => is_date_time(lexical),
        "duration" => is_duration(lexical),
        _ => true,
    }
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// XSD §3.4.13: `[\-+]?[0-9]+`.
fn is_integer(s: &str) -> bool {
    digits(s.strip_prefix(['+', '-']).unwrap_or(s))
}

/// A decimal value: sign, integer digits (no leading zeros), fraction digits (no trailing zeros).
#[derive(Debug, PartialEq, Eq)]
struct Decimal {
    negative: bool,
    int: String,
    frac: String,
}

/// XSD §3.3.3: `(\+|-)?([0-9]+(\.[0-9]*)?|\.[0-9]+)`.
fn parse_decimal(s: &str) -> Option<Decimal> {
    let negative = s.starts_with('-');
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, f),
        None => (body, ""),
    };
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !(int.is_empty() || digits(int)) || !(frac.is_empty() || digits(frac)) {
        return None;
    }
    let int = int.trim_start_matches('0').to_owned();
    let frac = frac.trim_end_matches('0').to_owned();
    let zero = int.is_empty() && frac.is_empty();
    Some(Decimal {
        negative: negative && !zero,
        int,
        frac,
    })
}

fn cmp_abs(a: &Decimal, b: &Decimal) -> Ordering {
    a.int
        .len()
        .cmp(&b.int.len())
        .then_with(|| a.int.cmp(&b.int))
        .then_with(|| a.frac.cmp(&b.frac))
}

fn cmp_decimal(a: &Decimal, b: &Decimal) -> Ordering {
    match (a.negative, b.negative) {
        (false, true) => Ordering::Greater,
        (true, false) => Ordering::Less,
        (false, false) => cmp_abs(a, b),
        (true, true) => cmp_abs(b, a),
    }
}

/// Datatypes derived from xsd:decimal whose values compare exactly here.
fn is_decimal_family(datatype: &str) -> bool {
    matches!(
        datatype.strip_prefix(XSD),
        Some(
            "decimal"
                | "integer"
                | "long"
                | "int"
                | "short"
                | "byte"
                | "nonNegativeInteger"
                | "positiveInteger"
                | "nonPositiveInteger"
                | "negativeInteger"
                | "unsignedLong"
                | "unsignedInt"
                | "unsignedShort"
                | "unsignedByte"
        )
    )
}

fn is_float_family(datatype: &str) -> bool {
    matches!(datatype.strip_prefix(XSD), Some("float" | "double"))
}

/// Whether a literal of `datatype` is numeric (SPARQL 1.1 §17.1 "numeric" operand types).
pub fn is_numeric_datatype(datatype: &str) -> bool {
    is_decimal_family(datatype) || is_float_family(datatype)
}

/// Compares two numeric literals by value (SPARQL 1.1 §17.4 `op:numeric-less-than` / `-equal`).
/// `None` when either is not numeric, is ill-typed or the values are incomparable (NaN).
pub fn compare_numeric(a: (&str, &str), b: (&str, &str)) -> Option<Ordering> {
    let (a_lex, a_dt) = a;
    let (b_lex, b_dt) = b;
    if is_decimal_family(a_dt) && is_decimal_family(b_dt) {
        // Integer-derived literals are decimals too (XSD §3.4.13): compare exactly.
        if !is_valid_decimal_family(a_dt, a_lex) || !is_valid_decimal_family(b_dt, b_lex) {
            return None;
        }
        return Some(cmp_decimal(&parse_decimal(a_lex)?, &parse_decimal(b_lex)?));
    }
    if is_numeric_datatype(a_dt) && is_numeric_datatype(b_dt) {
        let x = to_f64(a_dt, a_lex)?;
        let y = to_f64(b_dt, b_lex)?;
        return x.partial_cmp(&y);
    }
    None
}

fn is_valid_decimal_family(datatype: &str, lexical: &str) -> bool {
    if datatype.ends_with("#decimal") {
        parse_decimal(lexical).is_some()
    } else {
        is_integer(lexical)
    }
}

fn to_f64(datatype: &str, lexical: &str) -> Option<f64> {
    if is_decimal_family(datatype) {
        if !is_valid_decimal_family(datatype, lexical) {
            return None;
        }
        return lexical.parse::<f64>().ok();
    }
    // xsd:float / xsd:double: `(\+|-)?([0-9]+(\.[0-9]*)?|\.[0-9]+)([Ee](\+|-)?[0-9]+)?|(\+|-)?INF|NaN`.
    match lexical {
        "INF" | "+INF" => Some(f64::INFINITY),
        "-INF" => Some(f64::NEG_INFINITY),
        "NaN" => Some(f64::NAN),
        _ => {
            let (mantissa, exp) = match lexical.find(['e', 'E']) {
                Some(i) => (&lexical[..i], Some(&lexical[i + 1..])),
                None => (lexical, None),
            };
            if parse_decimal(mantissa).is_none() || exp.is_some_and(|e| !is_integer(e)) {
                return None;
            }
            lexical.parse::<f64>().ok()
        }
    }
}

fn two_digits(s: &str) -> Option<u32> {
    (s.len() == 2 && digits(s))
        .then(|| s.parse().ok())
        .flatten()
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// XSD §3.3.7 dateTime: `-?yyyy-mm-ddThh:mm:ss(\.s+)?(Z|(\+|-)hh:mm)?` with the day valid for the
/// month, `24:00:00` only with zero minutes/seconds, years of four or more digits (no leading zero
/// beyond four), timezone offsets within ±14:00.
fn is_date_time(s: &str) -> bool {
    let body = s.strip_prefix('-').unwrap_or(s);
    let Some((date, time)) = body.split_once('T') else {
        return false;
    };
    let mut parts = date.splitn(3, '-');
    let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    if y.len() < 4 || !digits(y) || (y.len() > 4 && y.starts_with('0')) {
        return false;
    }
    let Ok(year) = y.parse::<i64>() else {
        return false;
    };
    let (Some(month), Some(day)) = (two_digits(m), two_digits(d)) else {
        return false;
    };
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return false;
    }
    // Time and optional timezone.
    let (clock, tz) = if let Some(t) = time.strip_suffix('Z') {
        (t, None)
    } else if let Some((clock, tz)) = split_offset(time) {
        (clock, Some(tz))
    } else {
        (time, None)
    };
    if let Some(tz) = tz {
        let Some((h, m)) = tz.split_once(':') else {
            return false;
        };
        let (Some(h), Some(m)) = (two_digits(h), two_digits(m)) else {
            return false;
        };
        if m > 59 || h > 14 || (h == 14 && m != 0) {
            return false;
        }
    }
    let mut hms = clock.splitn(3, ':');
    let (Some(h), Some(mi), Some(sec)) = (hms.next(), hms.next(), hms.next()) else {
        return false;
    };
    let (Some(h), Some(mi)) = (two_digits(h), two_digits(mi)) else {
        return false;
    };
    let (whole, frac) = match sec.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (sec, None),
    };
    let Some(whole) = two_digits(whole) else {
        return false;
    };
    if frac.is_some_and(|f| !digits(f)) {
        return false;
    }
    let frac_zero = frac.is_none_or(|f| f.bytes().all(|b| b == b'0'));
    if h == 24 {
        return mi == 0 && whole == 0 && frac_zero;
    }
    h < 24 && mi < 60 && whole < 60
}

/// XSD §3.3.6 duration: `-?P(nY)?(nM)?(nD)?(T(nH)?(nM)?(n(.n)?S)?)?`, at least one component, and
/// at least one after a `T`.
fn is_duration(s: &str) -> bool {
    let body = s.strip_prefix('-').unwrap_or(s);
    let Some(body) = body.strip_prefix('P') else {
        return false;
    };
    let (date, time) = match body.split_once('T') {
        Some((d, t)) => {
            if t.is_empty() {
                return false;
            }
            (d, Some(t))
        }
        None => (body, None),
    };
    let mut any = false;
    if !components(date, &['Y', 'M', 'D'], false, &mut any) {
        return false;
    }
    if let Some(t) = time {
        let mut any_time = false;
        if !components(t, &['H', 'M', 'S'], true, &mut any_time) || !any_time {
            return false;
        }
        any = true;
    }
    any
}

/// Splits `hh:mm:ss±hh:mm` into the clock and the offset without its sign, when the sixth
/// character from the end is a sign and something precedes it.
fn split_offset(time: &str) -> Option<(&str, &str)> {
    let at = time.len().checked_sub(6).filter(|&at| at > 0)?;
    let (clock, tz) = (time.get(..at)?, time.get(at..)?);
    let offset = tz.strip_prefix('+').or_else(|| tz.strip_prefix('-'))?;
    Some((clock, offset))
}

/// Parses `(digits designator)*` with designators in the given order, each at most once.
fn components(mut s: &str, designators: &[char], seconds_fraction: bool, any: &mut bool) -> bool {
    let mut next = 0;
    while !s.is_empty() {
        let Some(end) = s.find(|c: char| !(c.is_ascii_digit() || c == '.')) else {
            return false;
        };
        let (num, rest) = s.split_at(end);
        let Some(designator) = rest.chars().next() else {
            return false;
        };
        let rest_designators = designators.get(next..).unwrap_or_default();
        let Some(pos) = rest_designators.iter().position(|d| *d == designator) else {
            return false;
        };
        let is_seconds = seconds_fraction && designator == 'S';
        let ok = match num.split_once('.') {
            Some((i, f)) => is_seconds && digits(i) && digits(f),
            None => digits(num),
        };
        if !ok {
            return false;
        }
        *any = true;
        next += pos + 1;
        s = &rest[designator.len_utf8()..];
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn x(local: &str) -> String {
        format!("{XSD}{local}")
    }

    #[test]
    fn date_times() {
        for ok in [
            "2024-01-31T12:00:00Z",
            "2024-02-29T00:00:00.123+02:00",
            "2023-12-31T24:00:00",
            "-0044-03-15T12:00:00-14:00",
            "12024-01-01T00:00:00Z",
        ] {
            assert!(is_valid(&x("dateTime"), ok), "{ok}");
        }
        for bad in [
            "2024-01-31",
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-01-01T24:00:01Z",
            "2024-01-01T12:00Z",
            "24-01-01T12:00:00Z",
            "2024-01-01T12:00:00+15:00",
            "2024-01-01T12:00:00.Z",
            "2024-1-01T12:00:00Z",
            "012024-01-01T00:00:00Z",
            "not a date",
        ] {
            assert!(!is_valid(&x("dateTime"), bad), "{bad}");
        }
    }

    #[test]
    fn durations() {
        for ok in ["P1Y", "P1Y2M3DT4H5M6.5S", "PT36H", "-P3D", "P0D", "PT0.5S"] {
            assert!(is_valid(&x("duration"), ok), "{ok}");
        }
        for bad in [
            "P", "PT", "P1DT", "1Y", "P1.5Y", "P1M1Y", "PT1H1H", "P1S", "P-1D", "PT1.S",
        ] {
            assert!(!is_valid(&x("duration"), bad), "{bad}");
        }
    }

    #[test]
    fn numbers_and_booleans() {
        assert!(is_valid(&x("integer"), "-007"));
        assert!(!is_valid(&x("integer"), "1.0"));
        assert!(!is_valid(&x("integer"), ""));
        assert!(is_valid(&x("positiveInteger"), "+01"));
        assert!(!is_valid(&x("positiveInteger"), "0"));
        assert!(!is_valid(&x("positiveInteger"), "-5"));
        assert!(is_valid(&x("decimal"), ".5"));
        assert!(is_valid(&x("decimal"), "5."));
        assert!(!is_valid(&x("decimal"), "."));
        assert!(!is_valid(&x("decimal"), "1e5"));
        assert!(is_valid(&x("boolean"), "0"));
        assert!(!is_valid(&x("boolean"), "True"));
    }

    #[test]
    fn numeric_comparison_is_exact() {
        let i = x("integer");
        let d = x("decimal");
        assert_eq!(
            compare_numeric(("100", &i), ("100", &i)),
            Some(Ordering::Equal)
        );
        assert_eq!(
            compare_numeric(("100.0000000000000000001", &d), ("100", &i)),
            Some(Ordering::Greater)
        );
        assert_eq!(
            compare_numeric(("-0", &i), ("0", &i)),
            Some(Ordering::Equal)
        );
        assert_eq!(
            compare_numeric(("-2", &i), ("-10", &i)),
            Some(Ordering::Greater)
        );
        assert_eq!(
            compare_numeric(("99.5", &x("double")), ("100", &i)),
            Some(Ordering::Less)
        );
        assert_eq!(compare_numeric(("abc", &i), ("100", &i)), None);
        assert_eq!(compare_numeric(("NaN", &x("double")), ("100", &i)), None);
        assert_eq!(compare_numeric(("5", &x("string")), ("100", &i)), None);
    }
}
