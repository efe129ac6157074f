//! IETF Token Status List (draft-ietf-oauth-status-list): the byte array, its ZLIB/DEFLATE
//! `lst` encoding and the Status List Token claims, checked against the draft's own examples
//! — §4.1 (1-bit: 0xB9 0xA3 → `eNrbuRgAAhcBXQ`; 2-bit: 0xC9 0x44 0xF9 →
//! `eNo76fITAAPfAgc`, byte for byte), §5.1 (the Status List Token example) and the appendix "Test vectors for
//! Status List encoding" (2^20 entries of 1, 2, 4 and 8 bits; draft -12 and later, files
//! `examples/status_list_encoding{1,2}_long_json`, `status_list_encoding{4,8}_json` of
//! github.com/oauth-wg/draft-ietf-oauth-status-list).

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

use std::collections::BTreeMap;
use std::io::Write as _;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use proofs::token_status_list::{
    parse_status_list_token_claims, parse_status_reference, status_list_token_claims,
    status_reference, StatusList, TokenStatusListError, INVALID, MAX_LIST_BYTES, SUSPENDED, VALID,
};
use serde_json::{json, Value};

const LST_1BIT_LONG: &str = "eNrt3AENwCAMAEGogklACtKQPg9LugC9k_ACvreiogE\
    AAKkeCQAAAAAAAAAAAAAAAAAAAIBylgQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\
    AAAAAAAAAAAAAAAAAAAXG9IAAAAAAAAAPwsJAAAAAAAAAAAAAAAvhsSAAAAAAAAAAA\
    A7KpLAAAAAAAAAAAAAAAAAAAAAJsLCQAAAAAAAAAAADjelAAAAAAAAAAAKjDMAQAAA\
    ACAZC8L2AEb";
const LST_2BIT_LONG: &str = "eNrt2zENACEQAEEuoaBABP5VIO01fCjIHTMStt9ovGV\
    IAAAAAABAbiEBAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEB5WwIAAAAAA\
    AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\
    AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAID0ugQAAAAAAAAAAAAAAAAAQG12SgAAA\
    AAAAAAAAAAAAAAAAAAAAAAAAOCSIQEAAAAAAAAAAAAAAAAAAAAAAAD8ExIAAAAAAAA\
    AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwJEuAQAAAAAAAAAAAAAAAAAAAAAAAMB9S\
    wIAAAAAAAAAAAAAAAAAAACoYUoAAAAAAAAAAAAAAEBqH81gAQw";
const LST_4BIT_LONG: &str = "eNrt0EENgDAQADAIHwImkIIEJEwCUpCEBBQRHOy35Li\
    1EjoOQGabAgAAAAAAAAAAAAAAAAAAACC1SQEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\
    AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\
    AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\
    AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\
    AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABADrsCAAAAAAAAAAAAAAAAA\
    AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\
    AAADoxaEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\
    AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIIoCgAAAAAAAAAAAAAAAAA\
    AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACArpwKAAAAAAAAAAAAAAAAAAAAA\
    AAAAAAAAAAAAAAAAAAAAAAAAAAAAGhqVkAzlwIAAAAAiGVRAAAAAAAAAAAAAAAAAAA\
    AAAAAAAAAAAAAAAAAAAAAAABx3AoAgLpVAQAAAAAAAAAAAAAAwM89rwMAAAAAAAAAA\
    AjsA9xMBMA";
const LST_8BIT_LONG: &str = "eNrt0WOQM2kYhtGsbdu2bdu2bdu2bdu2bdu2jVnU1my\
    -SWYm6U5enFPVf7ue97orFYAo7CQBAACQuuckAABStqUEAAAAAAAAtN6wEgAE71QJA\
    AAAAIrwhwQAAAAAAdtAAgAAAAAAACLwkAQAAAAAAAAAAACUaFcJAACAeJwkAQAAAAA\
    AAABQvL4kAAAAWmJwCQAAAAAAAAjAwBIAAAB06ywJoDKQBARpfgkAAAAAAAAAAAAAA\
    AAAAACo50sJAAAAAAAAAOiRcSQAAAAAgAJNKgEAAG23mgQAAAAAAECw3pUAQvegBAA\
    AAAAAAADduE4CAAAAyjSvBAAQiw8koHjvSABAb-wlARCONyVoxtMSZOd0CQAAAOjWD\
    RKQmLckAAAAAACysLYEQGcnSAAAAAAQooUlAABI15kSAIH5RAIgLB9LABC4_SUgGZN\
    IAABAmM6RoLbTJIASzCIBAEAhfpcAAAAAAABquk8CAAAAAAAAaJl9SvvzBOICAFWmk\
    IBgfSgBAAAANOgrCQAAAAAAAADStK8EAAC03gASAAAAAAAAAADFWFUCAAAAMjOaBEA\
    DHpYAQjCIBADduFwCAAAAAGitMSSI3BUSAECOHpAA6IHrJQAAAAAAsjeVBAAAKRpVA\
    orWvwQAAAAAAAAAkKRtJAAAAAAAgCbcLAF0bXUJAAAAoF02kYDg7CYBAAAAAEB6NpQ\
    AAAAAAAAAAAAAAEr1uQQAAF06VgIAAAAAAAAAqDaeBAAQqgMkAAAAAABogQMlAAAAA\
    AAa87MEAAAQiwslAAAAAAAAAAAAAAAAMrOyBAAAiekv-hcsY0Sgne6QAAAAAAAgaUt\
    JAAAAAAAAAAAAAAAAAAAAAAAAAADwt-07vjVkAAAAgDy8KgFAUEaSAAAAAJL3vgQAW\
    dhcAgAAoBHDSUDo1pQAAACI2o4SAABZm14CALoyuwQAAPznGQkgZwdLAAAQukclAAA\
    AAAAAAAAAgKbMKgEAAAAAAAAAAAAAAAAAAECftpYAAAAAAAAAAAAACnaXBAAAAADk7\
    iMJAAAAAAAAAABqe00CAnGbBBG4TAIAgFDdKgFAXCaWAAAAAAAAAAAAAAAAAKAJQwR\
    72XbGAQAAAKAhh0sAAAAAAABQgO8kAAAAAAAAAAAAACAaM0kAAAC5W0QCAIJ3mAQAx\
    GwxCQAA6nhSAsjZBRIAANEbWQIAAAAAaJE3JACAwA0qAUBIVpKAlphbAiAPp0iQnKE\
    kAAAAAAAgBP1KAAAAdOl4CQAAAAAAAPjLZBIAAG10RtrPm8_CAEBMTpYAAAAAAIjQY\
    BL8z5QSAAAAAEDYPpUAACAsj0gAAADQkHMlAAjHDxIA0Lg9JQAAgHDsLQEAAABAQS6\
    WAAAAgLjNFs2l_RgLAIAEfCEBlGZZCQAAaIHjJACgtlskAAAozb0SAAAAVFtfAgAAA\
    AAAAAAAAAAAAAAAAAAAAKDDtxIAAAAAVZaTAKB5W0kAANCAsSUgJ0tL0GqHSNBbL0g\
    AZflRAgCARG0kQXNmlgCABiwkAQAAAEB25pIAAAAAAAAAAAAAoFh9SwAAAAAAADWNm\
    OSrpjFsEoaRgDKcF9Q1dxsEAAAAAAAAAAAAAAAAgPZ6SQIAAAAAAAAAgChMLgEAAAA\
    AAAAAqZlQAsK2qQQAAAAAAAD06XUJAAAAqG9bCQAAgLD9IgEAAAAAAAAAAAAAAAAAA\
    EBNe0gAAAAAAAAAAEBPHSEBAAAAlOZtCYA4fS8B0GFRCQAo0gISAOTgNwmC840EAAA\
    AAAAAAAAAAAAAAAAAUJydJfjXPBIAAAAAAAAAAAAAAABk6WwJAAAAAAAAAAAAAAAAq\
    G8UCQAAgPpOlAAAIA83SQAANWwc9HUjGAgAAAAAAACAusaSAAAAAAAAAAAAAAAAAAA\
    AAAAAAAAAqHKVBACQjxklAAAAAAAAAKBHxpQAAAAAACBME0lAdlaUAACyt7sEAAAA0\
    Nl0EgAAAAAAAAAAAABA-8wgAQAAAAAAAKU4SgKgUtlBAgAAAAAAAAAAgMCMLwEE51k\
    JICdzSgCJGl2CsE0tAQAA0L11JQAAAAAAAAjUOhIAAAAAAAAAAAAAAGTqeQkAAAAAA\
    AAAAAAAKM8SEjTrJwkAAAAAAACocqQEULgVJAAAACjDUxJUKgtKAAAAqbpRAgCA0n0\
    mAQAAAABAGzwmAUCTLpUAAAAAAAAAAEjZNRIAAAAAAAAAAAAAAAAAAAAA8I-vJaAlh\
    pQAAAAAAHrvzjJ-OqCuuVlLAojP8BJAr70sQZVDJYAgXS0BAAAAAAAAAAAAtMnyEgA\
    AAAAAFONKCQAAAAAAAADorc0kAAAAAAAAgDqOlgAAAAAAAAAAAADIwv0SAAAAAAAAA\
    AAAAADBuV0CIFVDSwAAAABAAI6RAAAAAGIwrQSEZAsJAABouRclAAAAAKDDrxIAAAA\
    0bkkJgFiMKwEAAAAAAHQyhwRk7h4JAAAAAAAAAAAgatdKAACUYj0JAAAAAAAAAAAAQ\
    nORBLTFJRIAAAAAkIaDJAAAAJryngQAAAAAAAAAAAA98oQEAAAAAAAAAEC2zpcgWY9\
    LQKL2kwAgGK9IAAAAAPHaRQIAAAAAAAAAAADIxyoSAAAAAAAAAAAAAADQFotLAECz_\
    gQ1PX-B";

const ENTRIES: usize = 1 << 20;

/// §4.1, first example: 16 one-bit statuses.
#[test]
fn draft_1bit_example_byte_for_byte() {
    let statuses = [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1];
    let mut list = StatusList::new(1, statuses.len()).unwrap();
    for (i, s) in statuses.iter().enumerate() {
        list.set(i, *s).unwrap();
    }
    assert_eq!(list.bytes(), &[0xB9, 0xA3]);
    assert_eq!(list.to_lst().unwrap(), "eNrbuRgAAhcBXQ");
    let back = StatusList::from_lst(1, "eNrbuRgAAhcBXQ").unwrap();
    assert_eq!(back, list);
    for (i, s) in statuses.iter().enumerate() {
        assert_eq!(back.get(i), Some(*s), "status[{i}]");
    }
    assert_eq!(back.get(16), None);
}

/// §4.1, second example: 12 two-bit statuses (with SUSPENDED and the application-specific 3).
#[test]
fn draft_2bit_example_byte_for_byte() {
    let statuses = [1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3];
    let mut list = StatusList::new(2, statuses.len()).unwrap();
    for (i, s) in statuses.iter().enumerate() {
        list.set(i, *s).unwrap();
    }
    assert_eq!(list.bytes(), &[0xC9, 0x44, 0xF9]);
    assert_eq!(list.to_lst().unwrap(), "eNo76fITAAPfAgc");
    let back = StatusList::from_lst(2, "eNo76fITAAPfAgc").unwrap();
    assert_eq!(back.len(), 12);
    for (i, s) in statuses.iter().enumerate() {
        assert_eq!(back.get(i), Some(*s), "status[{i}]");
    }
}

/// Decodes the draft's long vector and checks every entry: the listed ones have their value,
/// all others are VALID; then re-encodes the same statuses and compares with the draft's `lst`.
fn check_long_vector(bits: u8, lst: &str, set: &[(usize, u8)]) {
    let decoded = StatusList::from_lst(u64::from(bits), lst).unwrap();
    assert_eq!(
        decoded.len(),
        ENTRIES,
        "{bits}-bit vector holds 2^20 entries"
    );
    let expected: BTreeMap<usize, u8> = set.iter().copied().collect();
    for idx in 0..ENTRIES {
        let want = expected.get(&idx).copied().unwrap_or(VALID);
        assert_eq!(decoded.get(idx), Some(want), "{bits}-bit status[{idx}]");
    }
    let mut built = StatusList::new(bits, ENTRIES).unwrap();
    for (idx, v) in set {
        built.set(*idx, *v).unwrap();
    }
    assert_eq!(built, decoded, "{bits}-bit byte array");
    // Our encoder (flate2's miniz_oxide at the best level) emits a different, equally valid
    // DEFLATE stream than the zlib the draft's vectors were made with (only the §4.1 examples
    // come out identical): it must decode to the same byte array and compress about as well.
    let ours = built.to_lst().unwrap();
    assert_eq!(
        StatusList::from_lst(u64::from(bits), &ours).unwrap(),
        decoded
    );
    assert!(
        ours.len() <= lst.len() + lst.len() / 4,
        "{bits}-bit: {} vs {}",
        ours.len(),
        lst.len()
    );
}

#[test]
fn draft_test_vector_1bit() {
    let idx = [
        0, 1993, 25460, 159495, 495669, 554353, 645645, 723232, 854545, 934534, 1000345,
    ];
    let set: Vec<(usize, u8)> = idx.iter().map(|i| (*i, 1)).collect();
    check_long_vector(1, LST_1BIT_LONG, &set);
}

#[test]
fn draft_test_vector_2bit() {
    let set = [
        (0, 1),
        (1993, 2),
        (25460, 1),
        (159495, 3),
        (495669, 1),
        (554353, 1),
        (645645, 2),
        (723232, 1),
        (854545, 1),
        (934534, 2),
        (1000345, 3),
    ];
    check_long_vector(2, LST_2BIT_LONG, &set);
}

#[test]
fn draft_test_vector_4bit() {
    let set = [
        (0, 1),
        (1993, 2),
        (35460, 3),
        (459495, 4),
        (595669, 5),
        (754353, 6),
        (845645, 7),
        (923232, 8),
        (924445, 9),
        (934534, 10),
        (1004534, 11),
        (1000345, 12),
        (1030203, 13),
        (1030204, 14),
        (1030205, 15),
    ];
    check_long_vector(4, LST_4BIT_LONG, &set);
}

/// The 8-bit vector sets 256 indices to the values 0..=255 once each; the draft lists them all.
/// Checked here: a sample of the listed entries, and that the list holds every value 1..=255
/// exactly once (so no other entry is set).
#[test]
fn draft_test_vector_8bit() {
    let list = StatusList::from_lst(8, LST_8BIT_LONG).unwrap();
    assert_eq!(list.len(), ENTRIES);
    let sample = [
        (233478, 0),
        (52451, 1),
        (576778, 2),
        (513575, 3),
        (468106, 4),
        (1199, 121),
        (4520, 213),
        (6805, 112),
        (1046963, 78),
        (1034977, 91),
        (152133, 254),
        (19535, 255),
    ];
    for (idx, v) in sample {
        assert_eq!(list.get(idx), Some(v), "8-bit status[{idx}]");
    }
    let mut seen = [0u32; 256];
    for idx in 0..ENTRIES {
        seen[usize::from(list.get(idx).unwrap())] += 1;
    }
    assert!(
        seen[1..].iter().all(|n| *n == 1),
        "each of 1..=255 exactly once"
    );
    assert_eq!(seen[0], u32::try_from(ENTRIES).unwrap() - 255);
}

/// §5.1's Status List Token example (claims part; the signature is jose's).
#[test]
fn draft_status_list_token_claims_example() {
    let list = StatusList::from_bytes(1, vec![0xB9, 0xA3]).unwrap();
    let uri = "https://example.com/statuslists/1";
    let claims =
        status_list_token_claims(uri, 1686920170, Some(2291720170), Some(43200), &list).unwrap();
    let want = json!({
        "sub": uri, "iat": 1686920170, "exp": 2291720170_i64, "ttl": 43200,
        "status_list": { "bits": 1, "lst": "eNrbuRgAAhcBXQ" }
    });
    assert_eq!(Value::Object(claims.clone()), want);
    let back = parse_status_list_token_claims(&claims, uri, 1686920170).unwrap();
    assert_eq!(back.get(0), Some(INVALID));
    assert_eq!(back.get(1), Some(VALID));

    let check = |claims: &Value, uri: &str, now: i64| {
        parse_status_list_token_claims(claims.as_object().unwrap(), uri, now).unwrap_err()
    };
    let wrong_sub = check(&want, "https://example.com/statuslists/2", 1686920170);
    assert!(wrong_sub.to_string().contains("claim sub"), "{wrong_sub}");
    let expired = check(&want, uri, 2291720170);
    assert!(expired.to_string().contains("claim exp"), "{expired}");
    let mut no_iat = want.clone();
    no_iat.as_object_mut().unwrap().remove("iat");
    assert!(check(&no_iat, uri, 0).to_string().contains("claim iat"));
    let mut bad_ttl = want.clone();
    bad_ttl["ttl"] = json!(0);
    assert!(check(&bad_ttl, uri, 0).to_string().contains("claim ttl"));
    let mut bad_bits = want.clone();
    bad_bits["status_list"]["bits"] = json!(3);
    assert!(matches!(
        check(&bad_bits, uri, 0),
        TokenStatusListError::Bits(3)
    ));
    let mut bad_lst = want.clone();
    bad_lst["status_list"]["lst"] = json!("eNrbuRgAAhcBXQ==");
    assert!(matches!(
        check(&bad_lst, uri, 0),
        TokenStatusListError::Base64(_)
    ));
    let mut not_zlib = want.clone();
    not_zlib["status_list"]["lst"] = json!(URL_SAFE_NO_PAD.encode(b"not zlib"));
    assert!(matches!(
        check(&not_zlib, uri, 0),
        TokenStatusListError::Inflate(_)
    ));
}

#[test]
fn status_reference_round_trip() {
    let r = status_reference(1993, "https://example.com/statuslists/1");
    assert_eq!(
        r,
        json!({"status_list": {"idx": 1993, "uri": "https://example.com/statuslists/1"}})
    );
    assert_eq!(
        parse_status_reference(&r).unwrap(),
        (1993, "https://example.com/statuslists/1".to_owned())
    );
    for bad in [
        json!({}),
        json!({"status_list": {"idx": -1, "uri": "u"}}),
        json!({"status_list": {"idx": 1}}),
    ] {
        assert!(parse_status_reference(&bad).is_err(), "{bad}");
    }
}

/// A 64 KiB zlib stream that inflates to 64 MiB of zeros is refused at the cap, quickly and
/// without holding more than the cap.
#[test]
fn decompression_bomb_is_refused() {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..64 {
        z.write_all(&zeros).unwrap();
    }
    let bomb = z.finish().unwrap();
    assert!(bomb.len() < 128 * 1024, "bomb is {} bytes", bomb.len());
    let lst = URL_SAFE_NO_PAD.encode(&bomb);
    let started = std::time::Instant::now();
    let err = StatusList::from_lst(1, &lst).unwrap_err();
    assert!(matches!(err, TokenStatusListError::Bomb { limit } if limit == MAX_LIST_BYTES));
    // Inflating 16 MiB takes ~20 ms optimised; 5 s is generous for a loaded debug build.
    assert!(
        started.elapsed().as_secs() < 5,
        "took {:?}",
        started.elapsed()
    );
    // A caller's smaller cap applies too.
    let small = StatusList::from_lst_capped(1, "eNrbuRgAAhcBXQ", 1).unwrap_err();
    assert!(matches!(small, TokenStatusListError::Bomb { limit: 1 }));
}

#[test]
fn bits_values_and_indices_are_checked() {
    for bits in [0u8, 3, 5, 16] {
        assert!(matches!(
            StatusList::new(bits, 8),
            Err(TokenStatusListError::Bits(_))
        ));
    }
    let mut two = StatusList::new(2, 4).unwrap();
    assert!(matches!(
        two.set(0, 4),
        Err(TokenStatusListError::Value { value: 4, bits: 2 })
    ));
    assert!(matches!(
        two.set(4, 1),
        Err(TokenStatusListError::Index { idx: 4, len: 4 })
    ));
    two.set(3, SUSPENDED).unwrap();
    two.set(3, VALID).unwrap();
    assert_eq!(two.bytes(), &[0]);
    let mut eight = StatusList::new(8, 3).unwrap();
    eight.set(2, 255).unwrap();
    assert_eq!(eight.get(2), Some(255));
    assert_eq!(eight.get(usize::MAX), None);
    assert!(matches!(
        StatusList::new(1, usize::MAX),
        Err(TokenStatusListError::TooLong { .. })
    ));
    // Rounded up to whole bytes (§4.1 step 2): 10 one-bit entries take 2 bytes, 16 entries.
    assert_eq!(StatusList::new(1, 10).unwrap().len(), 16);
}
