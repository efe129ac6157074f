//! Exact decimal numbers for credit points (ELM v3.2 `CreditPoint.point`, an `xsd:string` holding
//! a number such as `"2"` or `"7.5"`), so that summing unit credits against a programme's total is
//! exact (no binary floating point).

use std::fmt;
use std::ops::Add;
use std::str::FromStr;

/// A decimal number `units × 10^-scale`, kept normalised (no trailing fractional zeros), so that
/// `7.50 == 7.5`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Decimal {
    units: i128,
    scale: u32,
}

/// `point` is not a decimal number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a decimal number: {0:?}")]
pub struct DecimalError(pub String);

impl Decimal {
    /// Zero.
    pub const ZERO: Decimal = Decimal { units: 0, scale: 0 };

    /// An integer.
    pub fn from_int(n: i64) -> Self {
        Self {
            units: i128::from(n),
            scale: 0,
        }
    }

    fn normalised(mut units: i128, mut scale: u32) -> Self {
        while scale > 0 && units % 10 == 0 {
            units /= 10;
            scale -= 1;
        }
        Self { units, scale }
    }

    /// The nearest `f64` (for display and arithmetic where exactness does not matter).
    pub fn to_f64(self) -> f64 {
        // The string round trip gives the correctly rounded value.
        self.to_string().parse().unwrap_or(f64::NAN)
    }

    /// Adds, or `None` on overflow.
    pub fn checked_add(self, other: Self) -> Option<Self> {
        let scale = self.scale.max(other.scale);
        let a = self
            .units
            .checked_mul(10i128.checked_pow(scale - self.scale)?)?;
        let b = other
            .units
            .checked_mul(10i128.checked_pow(scale - other.scale)?)?;
        Some(Self::normalised(a.checked_add(b)?, scale))
    }
}

impl Add for Decimal {
    type Output = Decimal;
    /// Saturates to the left operand on overflow (credit points are small numbers).
    fn add(self, other: Self) -> Self {
        self.checked_add(other).unwrap_or(self)
    }
}

impl std::iter::Sum for Decimal {
    fn sum<I: Iterator<Item = Decimal>>(iter: I) -> Self {
        iter.fold(Decimal::ZERO, Add::add)
    }
}

impl FromStr for Decimal {
    type Err = DecimalError;
    /// Reads `2`, `+2`, `-1.25`, `7.5`, `.5` and the European `7,5`.
    fn from_str(s: &str) -> Result<Self, DecimalError> {
        let err = || DecimalError(s.to_owned());
        let t = s.trim();
        let (neg, digits) = match t.as_bytes().first() {
            Some(b'-') => (true, &t[1..]),
            Some(b'+') => (false, &t[1..]),
            _ => (false, t),
        };
        let (int, frac) = match digits.find(['.', ',']) {
            Some(i) => (&digits[..i], &digits[i + 1..]),
            None => (digits, ""),
        };
        if int.is_empty() && frac.is_empty()
            || !int.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
            || int.len() + frac.len() > 30
        {
            return Err(err());
        }
        let mut units: i128 = 0;
        for b in int.bytes().chain(frac.bytes()) {
            units = units * 10 + i128::from(b - b'0');
        }
        let scale = u32::try_from(frac.len()).map_err(|_| err())?;
        Ok(Self::normalised(if neg { -units } else { units }, scale))
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.scale == 0 {
            return write!(f, "{}", self.units);
        }
        let sign = if self.units < 0 { "-" } else { "" };
        let digits = self.units.unsigned_abs().to_string();
        let scale = self.scale as usize;
        let padded = format!("{digits:0>width$}", width = scale + 1);
        let (int, frac) = padded.split_at(padded.len() - scale);
        write!(f, "{sign}{int}.{frac}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sums_and_prints_exactly() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(d("7.50"), d("7.5"));
        assert_eq!(d("7,5").to_string(), "7.5");
        assert_eq!((d("0.1") + d("0.2")).to_string(), "0.3");
        assert_eq!(
            [d("2"), d("7.5"), d("0.5")].into_iter().sum::<Decimal>(),
            Decimal::from_int(10)
        );
        assert_eq!(d("-0.05").to_string(), "-0.05");
        assert_eq!(d(".5").to_f64(), 0.5);
        assert!("".parse::<Decimal>().is_err());
        assert!("2 ECTS".parse::<Decimal>().is_err());
        assert!("1e3".parse::<Decimal>().is_err());
    }
}
