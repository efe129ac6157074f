//! Mutations of fuzz inputs: byte-level ones (bit flip, insert, delete, splice with another seed,
//! duplicate a chunk, interesting values) and JSON-aware ones on inputs that parse as JSON
//! (replace a value with one of another type, duplicate an object member, deep nesting, a huge
//! string, `\u` escapes, delete or rename a member, graft a subtree of another seed). All of them
//! are driven by one [`Rng`], so a run is reproducible from its seed; outputs are capped at
//! [`MAX_INPUT`] bytes.

use serde_json::{Map, Number, Value};

use crate::rng::Rng;

/// The largest input a mutation produces (huge strings are cut to fit).
pub const MAX_INPUT: usize = 512 * 1024;

/// Byte strings that tend to reach edge cases of number, string, UTF-8 and JSON-LD handling.
const INTERESTING: &[&[u8]] = &[
    b"0",
    b"-0",
    b"-1",
    b"1e309",
    b"-1e309",
    b"1.0",
    b"0.1",
    b"1E400",
    b"9007199254740993",
    b"18446744073709551616",
    b"-9223372036854775809",
    b"null",
    b"true",
    b"\"\"",
    b"{}",
    b"[]",
    b"[[]]",
    b"\\u0000",
    b"\\ud800",
    b"\\udc00",
    b"\\ud83d\\ude00",
    b"\\\"",
    b"\xff",
    b"\x00",
    b"\xc3\x28",
    b"\xe2\x82",
    b"\xf0\x9f\x98\x80",
    b"\xed\xa0\x80",
    b"@context",
    b"@id",
    b"@type",
    b"@graph",
    b"@list",
    b"@set",
    b"@reverse",
    b"@nest",
    b"@vocab",
    b"@base",
    b"@language",
    b"@value",
    b"@json",
    b"@protected",
    b"_:b0",
    b"did:key:z6Mk",
    b"did:web:",
    b"http://",
    b"https://",
    b"urn:",
    b"#",
    b"%00",
    b"u",
    b"=",
    b".",
    b",",
    b":",
    b"\"",
    b"\r\n",
    b"\n",
    b"\r",
    b" ",
    b"\t",
    b"\xef\xbb\xbf",
];

/// One to four stacked mutations of `input`; `others` are the other seeds (for splices and grafts).
pub fn mutate(rng: &mut Rng, input: &[u8], others: &[Vec<u8>]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        if rng.one_in(2) {
            if let Some(j) = json_mutation(rng, &out, others) {
                out = j;
                continue;
            }
        }
        byte_mutation(rng, &mut out, others);
    }
    out.truncate(MAX_INPUT);
    out
}

fn chunk_len(rng: &mut Rng, len: usize) -> usize {
    if len == 0 {
        return 0;
    }
    let max = if rng.one_in(8) { len } else { len.min(64) };
    1 + rng.below(max)
}

/// One byte-level mutation in place.
pub fn byte_mutation(rng: &mut Rng, data: &mut Vec<u8>, others: &[Vec<u8>]) {
    let len = data.len();
    let pos = rng.below(len + 1);
    match rng.below(7) {
        0 if len > 0 => {
            let at = rng.below(len);
            if let Some(b) = data.get_mut(at) {
                *b ^= 1 << rng.below(8);
            }
        }
        1 => {
            let b = rng.byte();
            data.insert(pos, b);
        }
        2 if len > 0 => {
            let at = rng.below(len);
            let n = chunk_len(rng, len - at);
            data.drain(at..at + n);
        }
        3 => {
            if let Some(other) = rng.pick(others) {
                let from = rng.below(other.len());
                let n = chunk_len(rng, other.len() - from);
                let chunk = other.get(from..from + n).unwrap_or_default().to_vec();
                if rng.one_in(2) {
                    data.truncate(pos);
                }
                let pos = pos.min(data.len());
                data.splice(pos..pos, chunk);
            }
        }
        4 if len > 0 => {
            let from = rng.below(len);
            let n = chunk_len(rng, len - from);
            let chunk = data.get(from..from + n).unwrap_or_default().to_vec();
            let times = if rng.one_in(4) { 1 + rng.below(64) } else { 1 };
            for _ in 0..times {
                data.splice(pos..pos, chunk.iter().copied());
            }
        }
        5 => {
            let v = rng.pick(INTERESTING).copied().unwrap_or_default();
            if rng.one_in(2) && pos + v.len() <= len {
                data.splice(pos..pos + v.len(), v.iter().copied());
            } else {
                data.splice(pos..pos, v.iter().copied());
            }
        }
        _ if len > 0 => {
            let at = rng.below(len);
            let b = rng.byte();
            if let Some(x) = data.get_mut(at) {
                *x = b;
            }
        }
        _ => data.push(rng.byte()),
    }
}

/// Number of values in `v` (pre-order count, `v` included).
fn count(v: &Value) -> usize {
    1 + match v {
        Value::Array(a) => a.iter().map(count).sum(),
        Value::Object(o) => o.values().map(count).sum(),
        _ => 0,
    }
}

/// The `n`-th value of `v` in pre-order.
fn nth_mut<'a>(v: &'a mut Value, n: &mut usize) -> Option<&'a mut Value> {
    if *n == 0 {
        return Some(v);
    }
    *n -= 1;
    match v {
        Value::Array(a) => a.iter_mut().find_map(|x| nth_mut(x, n)),
        Value::Object(o) => o.values_mut().find_map(|x| nth_mut(x, n)),
        _ => None,
    }
}

fn nth(v: &Value, n: &mut usize) -> Option<Value> {
    if *n == 0 {
        return Some(v.clone());
    }
    *n -= 1;
    match v {
        Value::Array(a) => a.iter().find_map(|x| nth(x, n)),
        Value::Object(o) => o.values().find_map(|x| nth(x, n)),
        _ => None,
    }
}

const KEYS: &[&str] = &[
    "@context",
    "@id",
    "@type",
    "@graph",
    "@list",
    "@set",
    "@reverse",
    "@nest",
    "@included",
    "@index",
    "@value",
    "@language",
    "@direction",
    "@json",
    "@vocab",
    "@base",
    "@protected",
    "@propagate",
    "@container",
    "@version",
    "id",
    "type",
    "proof",
    "credentialSubject",
    "issuer",
    "validFrom",
    "payload",
    "protected",
    "signature",
    "verificationMethod",
    "assertionMethod",
    "publicKeyMultibase",
    "controller",
    "encodedList",
    "x5c",
    "kid",
    "alg",
];

const STRINGS: &[&str] = &[
    "",
    "x",
    "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
    "did:web:example.org",
    "did:web:127.0.0.1%3A80",
    "https://www.w3.org/2018/credentials/v1",
    "https://www.w3.org/ns/credentials/v2",
    "http://example.org/a b",
    "_:b0",
    "_:",
    "@id",
    "@vocab",
    "@json",
    "relative/iri",
    "#frag",
    "2024-01-01T00:00:00Z",
    "2024-13-45T25:61:61Z",
    "not a date",
    "en",
    "EN-gb",
    "x-private-tag-that-is-long",
    "P1Y",
    "urn:uuid:0",
    "\u{0}",
    "\u{202e}",
    "é",
    "VerifiableCredential",
    "EdDSA",
    "RS256",
    "none",
    "uAAAA",
    "zzzz",
    "1",
    "-1",
    "99999999999999999999",
];

/// A value of a random type (or a copy of a node of `doc`).
fn random_value(rng: &mut Rng, doc: &Value) -> Value {
    match rng.below(12) {
        0 => Value::Null,
        1 => Value::Bool(rng.one_in(2)),
        2 => Value::Number(Number::from(rng.next_u64() as i64 >> rng.below(64))),
        3 => Value::Number(Number::from(u64::MAX - rng.below(2) as u64)),
        4 => Number::from_f64(match rng.below(5) {
            0 => 1e308,
            1 => 0.1,
            2 => -0.0,
            3 => 1.5,
            _ => 5e-324,
        })
        .map_or(Value::Null, Value::Number),
        5 | 6 => Value::String(rng.pick(STRINGS).copied().unwrap_or_default().to_owned()),
        7 => Value::Array(vec![]),
        8 => Value::Object(Map::new()),
        9 => {
            let key = rng.pick(KEYS).copied().unwrap_or("@id");
            let mut m = Map::new();
            m.insert(key.to_owned(), random_value(rng, &Value::Null));
            Value::Object(m)
        }
        _ => {
            let mut n = rng.below(count(doc));
            nth(doc, &mut n).unwrap_or(Value::Null)
        }
    }
}

/// Wraps `v` in `depth` arrays or objects.
fn nest(rng: &mut Rng, mut v: Value, depth: usize) -> Value {
    let kind = rng.below(3);
    for _ in 0..depth {
        v = match kind {
            0 => Value::Array(vec![v]),
            1 => {
                let mut m = Map::new();
                m.insert("@list".into(), v);
                Value::Object(m)
            }
            _ => {
                let mut m = Map::new();
                m.insert(rng.pick(KEYS).copied().unwrap_or("a").to_owned(), v);
                Value::Object(m)
            }
        };
    }
    v
}

/// How [`write`] serialises.
struct WriteOptions {
    /// Pre-order index of an object whose first member is written twice (the copy first, with a
    /// different value).
    duplicate_at: Option<usize>,
    /// Escape characters as `\uXXXX` (non-ASCII always, ASCII one time in four).
    escape: bool,
}

fn write_string(rng: &mut Rng, s: &str, escape: bool, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || (escape && (!c.is_ascii() || rng.one_in(4))) => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{u:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn write(rng: &mut Rng, v: &Value, opts: &WriteOptions, index: &mut usize, out: &mut String) {
    let me = *index;
    *index += 1;
    match v {
        Value::String(s) => write_string(rng, s, opts.escape, out),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(rng, x, opts, index, out);
            }
            out.push(']');
        }
        Value::Object(o) => {
            out.push('{');
            let mut first = true;
            if opts.duplicate_at == Some(me) {
                if let Some((k, x)) = o.iter().nth(rng.below(o.len())) {
                    write_string(rng, k, opts.escape, out);
                    out.push(':');
                    let other = random_value(rng, x);
                    let mut ignore = usize::MAX / 2;
                    write(
                        rng,
                        &other,
                        &WriteOptions {
                            duplicate_at: None,
                            escape: opts.escape,
                        },
                        &mut ignore,
                        out,
                    );
                    first = false;
                }
            }
            for (k, x) in o {
                if !first {
                    out.push(',');
                }
                first = false;
                write_string(rng, k, opts.escape, out);
                out.push(':');
                write(rng, x, opts, index, out);
            }
            out.push('}');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// One JSON-aware mutation, or `None` when `data` is not JSON.
pub fn json_mutation(rng: &mut Rng, data: &[u8], others: &[Vec<u8>]) -> Option<Vec<u8>> {
    let mut doc: Value = serde_json::from_slice(data).ok()?;
    let total = count(&doc);
    let target = rng.below(total);
    let mut opts = WriteOptions {
        duplicate_at: None,
        escape: false,
    };
    match rng.below(9) {
        0 | 1 => {
            let new = random_value(rng, &doc);
            *nth_mut(&mut doc, &mut target.clone())? = new;
        }
        2 => opts.duplicate_at = Some(target),
        3 => {
            let depth = *rng.pick(&[8usize, 40, 100, 126, 127, 128, 129, 300])?;
            let node = nth_mut(&mut doc, &mut target.clone())?;
            let inner = std::mem::take(node);
            *node = nest(rng, inner, depth);
        }
        4 => {
            let room = MAX_INPUT.saturating_sub(data.len());
            let len = (*rng.pick(&[1usize << 10, 1 << 14, 1 << 17, 1 << 19])?).min(room);
            let unit = rng
                .pick(&["a", "é", "\u{1f600}", "\\", "\"", "\u{0}", "x y"])
                .copied()?;
            let s: String = unit.repeat(len / unit.len().max(1));
            *nth_mut(&mut doc, &mut target.clone())? = Value::String(s);
        }
        5 => opts.escape = true,
        6 => match nth_mut(&mut doc, &mut target.clone())? {
            Value::Object(o) if !o.is_empty() => {
                let key = o.keys().nth(rng.below(o.len()))?.clone();
                o.shift_remove(&key);
            }
            Value::Array(a) if !a.is_empty() => {
                let i = rng.below(a.len());
                a.remove(i);
            }
            _ => return None,
        },
        7 => match nth_mut(&mut doc, &mut target.clone())? {
            Value::Object(o) if !o.is_empty() => {
                let old = o.keys().nth(rng.below(o.len()))?.clone();
                let v = o.shift_remove(&old)?;
                let key = rng.pick(KEYS).copied()?.to_owned();
                o.insert(key, v);
            }
            _ => return None,
        },
        _ => {
            let other: Value = serde_json::from_slice(rng.pick(others)?).ok()?;
            let mut n = rng.below(count(&other));
            let graft = nth(&other, &mut n)?;
            *nth_mut(&mut doc, &mut target.clone())? = graft;
        }
    }
    let mut out = String::new();
    write(rng, &doc, &opts, &mut 0, &mut out);
    Some(out.into_bytes())
}
