//! XLSX cohort uploads (issue #18, "cohort issuance"): the first worksheet of an Office Open XML
//! workbook (ECMA-376 Part 1 §18, SpreadsheetML) read with `calamine` into the same records as
//! a CSV upload ([`super::csv_rows::parse_csv`]), so both go through
//! [`super::csv_rows::records_to_awards`] and give the same rows and findings.
//!
//! Cells become the text a CSV export would hold: numbers without a spurious `.0` (`42`, `7.5`),
//! dates ISO 8601 (`2026-02-02`, with `T12:30:00` when a time is set), booleans `true`/`false`.
//! Blank rows are skipped like blank CSV lines. A cell holding a spreadsheet error (`#DIV/0!`)
//! refuses the file, naming the cell. The archive's declared uncompressed size is checked before
//! anything is decompressed (a small upload cannot expand into gigabytes).

use std::io::Cursor;

use calamine::{Data, Reader as _, Xlsx};

/// Why a file is not a usable XLSX workbook.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum XlsxError {
    /// Not a ZIP-packaged workbook, or one `calamine` cannot read.
    #[error("file: not a readable XLSX workbook ({0})")]
    NotXlsx(String),
    /// The archive would expand to more than the limit.
    #[error("file: the workbook expands to {declared} bytes, more than {limit} (rule xlsx.size)")]
    TooLarge {
        /// Declared uncompressed bytes.
        declared: u64,
        /// The limit.
        limit: u64,
    },
    /// The workbook has no worksheet.
    #[error("file: the workbook has no worksheet (rule xlsx.sheet)")]
    NoSheet,
    /// A cell holds a spreadsheet error value.
    #[error("cell {cell}: holds the error value {value} (rule xlsx.cell)")]
    Cell {
        /// A1-style reference.
        cell: String,
        /// The error value (`#DIV/0!`, `#N/A`, ...).
        value: String,
    },
}

/// The records (header row first) of the first worksheet of `bytes`; `max_uncompressed` bounds
/// the sum of the archive members' declared sizes.
pub fn parse_xlsx(bytes: &[u8], max_uncompressed: u64) -> Result<Vec<Vec<String>>, XlsxError> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| XlsxError::NotXlsx(e.to_string()))?;
    // The central directory's sizes (members written with data descriptors have them there).
    let mut declared = 0u64;
    for i in 0..archive.len() {
        let member = archive
            .by_index_raw(i)
            .map_err(|e| XlsxError::NotXlsx(e.to_string()))?;
        declared = declared.saturating_add(member.size());
    }
    if declared > max_uncompressed {
        return Err(XlsxError::TooLarge {
            declared,
            limit: max_uncompressed,
        });
    }
    let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e: calamine::XlsxError| XlsxError::NotXlsx(e.to_string()))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or(XlsxError::NoSheet)?
        .map_err(|e| XlsxError::NotXlsx(e.to_string()))?;
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let mut records = Vec::new();
    for (r, row) in range.rows().enumerate() {
        let mut cells = Vec::with_capacity(row.len());
        for (c, data) in row.iter().enumerate() {
            cells.push(cell_text(data).map_err(|value| XlsxError::Cell {
                cell: a1(row0, col0, r, c),
                value,
            })?);
        }
        if cells.iter().any(|c| !c.is_empty()) {
            records.push(cells);
        }
    }
    Ok(records)
}

/// A cell as CSV text; `Err` with the error value of an error cell.
fn cell_text(data: &Data) -> Result<String, String> {
    Ok(match data {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        // `Display` of f64 is the shortest text that reads back the same, without `.0`.
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) if d.is_datetime() => {
            let (y, mo, day, h, mi, s, ms) = d.to_ymd_hms_milli();
            match (h, mi, s, ms) {
                (0, 0, 0, 0) => format!("{y:04}-{mo:02}-{day:02}"),
                (_, _, _, 0) => format!("{y:04}-{mo:02}-{day:02}T{h:02}:{mi:02}:{s:02}"),
                _ => format!("{y:04}-{mo:02}-{day:02}T{h:02}:{mi:02}:{s:02}.{ms:03}"),
            }
        }
        Data::DateTime(d) => d.as_f64().to_string(),
        Data::Error(e) => return Err(e.to_string()),
    })
}

/// The A1 reference of cell (`r`, `c`) of a range starting at (`row0`, `col0`).
fn a1(row0: u32, col0: u32, r: usize, c: usize) -> String {
    let mut col = u64::from(col0).saturating_add(c as u64).saturating_add(1);
    let mut letters = Vec::new();
    while col > 0 {
        let rem = (col - 1) % 26;
        letters.push(char::from(
            b'A'.saturating_add(u8::try_from(rem).unwrap_or(0)),
        ));
        col = (col - 1) / 26;
    }
    let letters: String = letters.into_iter().rev().collect();
    let row = u64::from(row0).saturating_add(r as u64).saturating_add(1);
    format!("{letters}{row}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a1_references() {
        assert_eq!(a1(0, 0, 0, 0), "A1");
        assert_eq!(a1(0, 0, 6, 1), "B7");
        assert_eq!(a1(2, 25, 0, 1), "AA3");
    }

    #[test]
    fn cells_read_like_csv_text() {
        use calamine::{ExcelDateTime, ExcelDateTimeType};
        let date = ExcelDateTime::new(46055.0, ExcelDateTimeType::DateTime, false);
        assert_eq!(cell_text(&Data::DateTime(date)).unwrap(), "2026-02-02");
        let noon = ExcelDateTime::new(46055.5, ExcelDateTimeType::DateTime, false);
        assert_eq!(
            cell_text(&Data::DateTime(noon)).unwrap(),
            "2026-02-02T12:00:00"
        );
        assert_eq!(cell_text(&Data::Float(80.0)).unwrap(), "80");
        assert_eq!(cell_text(&Data::Float(7.5)).unwrap(), "7.5");
        assert_eq!(cell_text(&Data::Int(8)).unwrap(), "8");
        assert!(cell_text(&Data::Error(calamine::CellErrorType::Div0)).is_err());
    }

    #[test]
    fn not_a_workbook_is_refused() {
        assert!(matches!(
            parse_xlsx(b"kind,learner.givenNames\n", 1 << 20),
            Err(XlsxError::NotXlsx(_))
        ));
    }
}
