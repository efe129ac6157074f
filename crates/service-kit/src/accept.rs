//! Content negotiation (RFC 9110 §12.5.1 `Accept`): the media ranges a client lists, each with
//! its quality value. Both services choose between an HTML page and JSON with it (the issuer's
//! share link, the verifier's verification page); which types count as which is theirs.

/// The media ranges of `Accept` header values, lower-cased, each with its `q` (default 1; the
/// first `q` parameter that parses, in either case).
pub fn media_ranges<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<(String, f32)> {
    values
        .into_iter()
        .flat_map(|v| v.split(','))
        .map(|range| {
            let mut parts = range.split(';');
            let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let q = parts
                .filter_map(|p| {
                    let p = p.trim();
                    p.strip_prefix("q=").or_else(|| p.strip_prefix("Q="))
                })
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            (media, q)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_with_quality() {
        let r = media_ranges(["text/HTML;level=1;q=0.5, application/json", "*/*;Q=0.1"]);
        assert_eq!(
            r,
            vec![
                ("text/html".to_owned(), 0.5),
                ("application/json".to_owned(), 1.0),
                ("*/*".to_owned(), 0.1)
            ]
        );
        assert_eq!(media_ranges(["x/y;q=oops"]), vec![("x/y".to_owned(), 1.0)]);
    }
}
