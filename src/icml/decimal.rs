//! Exact decimal numbers for prices, weights and quantities.
//!
//! A [`Decimal`] is fixed point with [`Decimal::MAX_PLACES`] (18) decimal places in an `i128`,
//! so any value up to ±10^20 is held exactly. It is built from an integer, from a float, or
//! from a numeric string; the writer rounds it to the places its element needs and prints
//! the shortest form: no exponent, no trailing zeros, no trailing point.
//!
//! - A numeric string is read digit by digit, never through a float: `"2967.18"` is exactly
//!   2967.18. PHP's numeric-string syntax is accepted (surrounding whitespace, a sign, `.5`,
//!   `5.`, an exponent); anything else (`"1 500"`, `"1,5"`, `"abc"`, `""`) is refused.
//! - A float is taken at its shortest decimal form (the digits PHP's `var_export` and
//!   `json_encode` print): `0.1 + 0.2` is 0.30000000000000004, which rounds to `0.3` at money
//!   precision; `2.675` is 2.675 and rounds to `2.68`, as PHP's `round()` does.
//! - Rounding is half away from zero. Digits past the 18th place are dropped before rounding,
//!   which never changes a result at 3 places or fewer.

use std::fmt;

/// An exact decimal number (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Decimal {
    /// The value times 10^18.
    units: i128,
}

/// Why a value is not a [`Decimal`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DecimalError {
    /// Not numeric text.
    #[error("must be a number")]
    NotANumber,
    /// NaN or an infinity.
    #[error("must be a finite number")]
    NotFinite,
    /// Beyond ±10^20.
    #[error("is out of range")]
    OutOfRange,
}

const ONE: i128 = 10i128.pow(Decimal::MAX_PLACES);
/// The largest magnitude held: 10^20 (in units).
const LIMIT: i128 = 10i128.pow(20 + Decimal::MAX_PLACES);

impl Decimal {
    /// Decimal places kept exactly.
    pub const MAX_PLACES: u32 = 18;

    /// Zero.
    pub const ZERO: Decimal = Decimal { units: 0 };

    /// Parses a numeric string exactly (PHP numeric-string syntax, see the module docs).
    pub fn parse(text: &str) -> Result<Decimal, DecimalError> {
        let text = text.trim_matches([' ', '\t', '\n', '\r', '\u{B}', '\u{C}']);
        let (negative, text) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        let (mantissa, exponent) = match text.find(['e', 'E']) {
            Some(at) => (&text[..at], parse_exponent(&text[at + 1..])?),
            None => (text, 0),
        };
        let (integer, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let all_digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
        if integer.len() + fraction.len() == 0 || !all_digits(integer) || !all_digits(fraction) {
            return Err(DecimalError::NotANumber);
        }
        // The place value of the first digit, as a power of ten (0 = units).
        let Ok(integer_digits) = i64::try_from(integer.len()) else {
            return Err(DecimalError::OutOfRange);
        };
        let mut place = integer_digits - 1 + exponent;
        let mut units: i128 = 0;
        for digit in integer.bytes().chain(fraction.bytes()) {
            let digit = i128::from(digit - b'0');
            if place < -i64::from(Self::MAX_PLACES) {
                break;
            }
            if digit != 0 {
                let scale = u32::try_from(place + i64::from(Self::MAX_PLACES))
                    .ok()
                    .and_then(|power| 10i128.checked_pow(power))
                    .ok_or(DecimalError::OutOfRange)?;
                units = digit
                    .checked_mul(scale)
                    .and_then(|value| units.checked_add(value))
                    .filter(|value| *value <= LIMIT)
                    .ok_or(DecimalError::OutOfRange)?;
            }
            place -= 1;
        }
        Ok(Decimal {
            units: if negative { -units } else { units },
        })
    }

    /// A float at its shortest decimal form (see the module docs).
    pub fn from_f64(value: f64) -> Result<Decimal, DecimalError> {
        if !value.is_finite() {
            return Err(DecimalError::NotFinite);
        }
        // `Display` for f64 prints the shortest digits that read back as the same float,
        // without an exponent.
        Decimal::parse(&value.to_string())
    }

    /// Rounded to `places` decimal places (at most [`Self::MAX_PLACES`]), half away from zero.
    #[must_use]
    pub fn round(self, places: u32) -> Decimal {
        let step = 10i128.pow(Self::MAX_PLACES - places.min(Self::MAX_PLACES));
        let remainder = self.units % step;
        let mut units = self.units - remainder;
        if remainder.abs() * 2 >= step {
            units += step * self.units.signum();
        }
        Decimal { units }
    }

    /// Whether the value is below zero.
    pub fn is_negative(self) -> bool {
        self.units < 0
    }
}

fn parse_exponent(text: &str) -> Result<i64, DecimalError> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(DecimalError::NotANumber);
    }
    // Beyond 4 digits every value is out of range or rounds to zero anyway.
    let magnitude: i64 = digits.parse().unwrap_or(i64::MAX).min(9999);
    Ok(if text.starts_with('-') {
        -magnitude
    } else {
        magnitude
    })
}

impl From<i64> for Decimal {
    fn from(value: i64) -> Decimal {
        Decimal {
            units: i128::from(value) * ONE,
        }
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.units < 0 {
            f.write_str("-")?;
        }
        let magnitude = self.units.unsigned_abs();
        let one = ONE.unsigned_abs();
        write!(f, "{}", magnitude / one)?;
        let fraction = magnitude % one;
        if fraction != 0 {
            let digits = format!("{fraction:018}");
            write!(f, ".{}", digits.trim_end_matches('0'))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(value: &str) -> String {
        Decimal::parse(value).map_or_else(|e| format!("error: {e}"), |d| d.to_string())
    }

    #[test]
    fn integers_print_without_a_point() {
        assert_eq!(Decimal::from(1500).to_string(), "1500");
        assert_eq!(Decimal::from(0).to_string(), "0");
        assert_eq!(Decimal::from(-42).to_string(), "-42");
        assert_eq!(
            Decimal::from(i64::MAX).to_string(),
            "9223372036854775807"
        );
    }

    #[test]
    fn strings_are_read_exactly() {
        assert_eq!(text("2967.18"), "2967.18");
        assert_eq!(text("1500.00"), "1500");
        assert_eq!(text("1500.50"), "1500.5");
        assert_eq!(text(" 12 "), "12");
        assert_eq!(text("+.5"), "0.5");
        assert_eq!(text("5."), "5");
        assert_eq!(text("-0"), "0");
        assert_eq!(text("1.5e3"), "1500");
        assert_eq!(text("15E-1"), "1.5");
        assert_eq!(text("0.000000000000000001"), "0.000000000000000001");
        assert_eq!(text("0.0000000000000000019"), "0.000000000000000001");
        assert_eq!(text("99999999999999999999.5"), "99999999999999999999.5");
    }

    #[test]
    fn non_numbers_are_refused() {
        for bad in ["", " ", "abc", "1 500", "1,5", "1.2.3", "0x1A", ".", "-", "1e", "e5", "1e+"] {
            assert_eq!(
                Decimal::parse(bad),
                Err(DecimalError::NotANumber),
                "{bad:?}"
            );
        }
        assert_eq!(
            Decimal::parse("1e21"),
            Err(DecimalError::OutOfRange)
        );
        assert_eq!(
            Decimal::parse("123456789012345678901"),
            Err(DecimalError::OutOfRange)
        );
        assert_eq!(Decimal::parse("1e-99999").map(|d| d.to_string()), Ok("0".into()));
    }

    #[test]
    fn floats_take_their_shortest_form() {
        let f = |v: f64| Decimal::from_f64(v).map(|d| d.to_string());
        assert_eq!(f(1500.0), Ok("1500".into()));
        assert_eq!(f(1500.5), Ok("1500.5".into()));
        assert_eq!(f(0.1 + 0.2), Ok("0.30000000000000004".into()));
        assert_eq!(f(-0.0), Ok("0".into()));
        assert_eq!(f(1e20), Ok("100000000000000000000".into()));
        assert_eq!(f(1e21), Err(DecimalError::OutOfRange));
        assert_eq!(f(f64::NAN), Err(DecimalError::NotFinite));
        assert_eq!(f(f64::INFINITY), Err(DecimalError::NotFinite));
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        let r = |v: f64, places| Decimal::from_f64(v).map(|d| d.round(places).to_string());
        assert_eq!(r(0.1 + 0.2, 2), Ok("0.3".into()));
        assert_eq!(r(2.675, 2), Ok("2.68".into()));
        assert_eq!(r(-2.675, 2), Ok("-2.68".into()));
        assert_eq!(r(1.005, 2), Ok("1.01".into()));
        assert_eq!(r(1.0049, 2), Ok("1".into()));
        assert_eq!(r(0.0005, 3), Ok("0.001".into()));
        assert_eq!(r(0.0004999, 3), Ok("0".into()));
        assert_eq!(r(1499.995, 2), Ok("1500".into()));
        assert_eq!(r(7.0, 0), Ok("7".into()));
        let exact = Decimal::parse("0.0049999999999999999").map(|d| d.round(2).to_string());
        assert_eq!(exact, Ok("0".into()));
    }

    #[test]
    fn order_follows_value() {
        let a = Decimal::parse("99.999");
        let b = Decimal::from(100);
        assert!(a.is_ok_and(|a| a < b));
        assert!(Decimal::parse("-0.01").is_ok_and(Decimal::is_negative));
        assert!(!Decimal::ZERO.is_negative());
    }
}
