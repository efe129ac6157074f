//! CSV batch upload (one row per learner): RFC 4180 parsing (the `csv` crate) and the mapping of
//! each row to an award request.
//!
//! The header row names, for each column, the JSON path of the award field it fills, dotted
//! (`learner.givenNames`, `achievement.period.start`, `learner.placeOfBirth.name.en`). A cell is a
//! string unless its header ends in `:json`, then it is parsed as JSON (`learner.nationality:json`
//! = `["CHE","DEU"]`). An empty cell leaves the field out. Columns `images.<lang>` carry the base64
//! bytes of a display image, outside the award (the request envelope's `images`); columns
//! `notify.email` and `notify.language` fill the envelope's `notify` (issue #18). Constant fields
//! (`kind`, `awardingUniversity`, `display:json`) are columns like any other; `learningOpportunity`
//! may instead come from a stored specification (`?specification=ID`).

use serde_json::{Map, Value};

use super::error::FieldError;

/// Why the CSV text itself is unusable (as opposed to one bad row).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CsvError {
    /// No header row.
    #[error("the CSV has no header row")]
    NoHeader,
    /// A quoted field is not closed.
    #[error("unterminated quoted field on line {0}")]
    Unterminated(usize),
    /// The CSV reader refused the text.
    #[error("line {line}: {message}")]
    Malformed {
        /// Line of the record (1-based; 0 when unknown).
        line: u64,
        /// The reader's message.
        message: String,
    },
    /// A header is not a usable path.
    #[error("column {0}: `{1}` is not a field path")]
    BadHeader(usize, String),
}

/// Parses RFC 4180 CSV (comma-separated, `"` quoting with `""` escapes, CRLF or LF line ends)
/// into records, with the `csv` crate. Blank lines are skipped; rows may have any number of cells
/// (a row whose count differs from the header's is reported by [`rows_to_awards`]).
pub fn parse_csv(text: &str) -> Result<Vec<Vec<String>>, CsvError> {
    let text = text.trim_start_matches('\u{feff}');
    if let Some(line) = unterminated_quote_line(text) {
        return Err(CsvError::Unterminated(line));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| CsvError::Malformed {
            line: e.position().map_or(0, csv::Position::line),
            message: e.to_string(),
        })?;
        records.push(record.iter().map(str::to_owned).collect());
    }
    Ok(records)
}

/// The line of a quoted field that is never closed: the `csv` crate takes such a field to run to
/// the end of the input, which would hide a truncated upload.
fn unterminated_quote_line(text: &str) -> Option<usize> {
    let (mut in_quotes, mut at_field_start, mut line, mut opened) = (false, true, 1, 0);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (in_quotes, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
            }
            (true, '"') => in_quotes = false,
            (false, '"') if at_field_start => (in_quotes, opened) = (true, line),
            _ => {}
        }
        line += usize::from(c == '\n');
        at_field_start = !in_quotes && matches!(c, ',' | '\n' | '\r');
    }
    in_quotes.then_some(opened)
}

struct Column {
    path: Vec<String>,
    json: bool,
    image: Option<String>,
    /// `notify.<member>` of the envelope (issue #18).
    notify: Option<String>,
}

/// Turns CSV text into one request envelope `{"award": {...}, "images": {...}}` per data row, or
/// that row's findings. `learning_opportunity`, when given, fills `award.learningOpportunity`.
pub fn rows_to_awards(
    text: &str,
    learning_opportunity: Option<&Value>,
) -> Result<Vec<Result<Value, Vec<FieldError>>>, CsvError> {
    records_to_awards(parse_csv(text)?, learning_opportunity)
}

/// [`rows_to_awards`] of records already read (the header row first): from CSV, or from the
/// cells of a spreadsheet ([`super::xlsx_rows`]).
pub fn records_to_awards(
    records: Vec<Vec<String>>,
    learning_opportunity: Option<&Value>,
) -> Result<Vec<Result<Value, Vec<FieldError>>>, CsvError> {
    let mut records = records.into_iter();
    let header = records.next().ok_or(CsvError::NoHeader)?;
    let mut columns = Vec::with_capacity(header.len());
    for (i, h) in header.iter().enumerate() {
        let h = h.trim();
        let (name, json) = match h.strip_suffix(":json") {
            Some(n) => (n, true),
            None => (h, false),
        };
        let path: Vec<String> = name.split('.').map(str::to_owned).collect();
        if name.is_empty() || path.iter().any(String::is_empty) {
            return Err(CsvError::BadHeader(i, h.to_owned()));
        }
        let image = match path.as_slice() {
            [first, name] if first == "images" => Some(name.clone()),
            _ => None,
        };
        let notify = match path.as_slice() {
            [first, name] if first == "notify" => Some(name.clone()),
            _ => None,
        };
        columns.push(Column {
            path,
            json,
            image,
            notify,
        });
    }
    let mut out = Vec::new();
    for record in records {
        let mut first = Map::new();
        if let Some(lo) = learning_opportunity {
            first.insert("learningOpportunity".to_owned(), lo.clone());
        }
        let mut award = Value::Object(first);
        let mut images = Map::new();
        let mut notify = Map::new();
        let mut errors = Vec::new();
        if record.len() != columns.len() {
            errors.push(FieldError::new(
                "",
                "csv.columns",
                format!("{} cells, the header has {}", record.len(), columns.len()),
            ));
        }
        for (col, cell) in columns.iter().zip(record.iter()) {
            if cell.is_empty() {
                continue;
            }
            if let Some(lang) = &col.image {
                images.insert(lang.clone(), Value::String(cell.clone()));
                continue;
            }
            if let Some(member) = &col.notify {
                notify.insert(member.clone(), Value::String(cell.clone()));
                continue;
            }
            let value = if col.json {
                match strict_json::from_str(cell) {
                    Ok(v) => v,
                    Err(e) => {
                        errors.push(FieldError::new(
                            col.path.join("."),
                            "csv.json",
                            format!("not JSON: {e}"),
                        ));
                        continue;
                    }
                }
            } else {
                Value::String(cell.clone())
            };
            if !set_path(&mut award, &col.path, value) {
                errors.push(FieldError::new(
                    col.path.join("."),
                    "csv.path",
                    "conflicts with another column",
                ));
            }
        }
        out.push(if errors.is_empty() {
            let mut envelope = serde_json::json!({"award": award, "images": images});
            if let (false, Value::Object(e)) = (notify.is_empty(), &mut envelope) {
                e.insert("notify".to_owned(), Value::Object(notify));
            }
            Ok(envelope)
        } else {
            Err(errors)
        });
    }
    Ok(out)
}

fn set_path(root: &mut Value, path: &[String], value: Value) -> bool {
    let mut cur = root;
    for (i, key) in path.iter().enumerate() {
        let Value::Object(map) = cur else {
            return false;
        };
        if i + 1 == path.len() {
            map.insert(key.clone(), value);
            return true;
        }
        cur = map
            .entry(key.clone())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rfc4180_quoting() {
        let r = parse_csv("a,b\r\n\"x, \"\"y\"\"\",\"multi\nline\"\n\n1,2").unwrap();
        assert_eq!(
            r,
            vec![
                vec!["a", "b"],
                vec!["x, \"y\"", "multi\nline"],
                vec!["1", "2"]
            ]
        );
        assert_eq!(
            parse_csv("a\n\"open").unwrap_err(),
            CsvError::Unterminated(2)
        );
        assert_eq!(
            parse_csv("a,b\n1,2\n3,\"x\n\"\"y\n").unwrap_err(),
            CsvError::Unterminated(3)
        );
        assert_eq!(
            parse_csv("\u{feff}a,b\n1,\"\"\n").unwrap(),
            vec![vec!["a", "b"], vec!["1", ""]]
        );
    }

    #[test]
    fn rows_become_awards_with_per_row_errors() {
        let csv = "kind,learner.givenNames,learner.nationality:json,images.en\nmicroCredential,Ana,[\"PRT\"],AAAA\nmicroCredential,Bo,[oops,\n";
        let rows = rows_to_awards(csv, Some(&json!({"title": {"en": "T"}}))).unwrap();
        let first = rows[0].as_ref().unwrap();
        assert_eq!(
            first["award"]["learner"],
            json!({"givenNames": "Ana", "nationality": ["PRT"]})
        );
        assert_eq!(first["award"]["learningOpportunity"]["title"]["en"], "T");
        assert_eq!(first["images"]["en"], "AAAA");
        let second = rows[1].as_ref().unwrap_err();
        assert_eq!(second[0].path, "learner.nationality");
    }
}
