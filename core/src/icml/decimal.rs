//! Exact decimal numbers for prices, weights and quantities.
//!
//! A [`Decimal`] is an integer and a count of decimal places (at most
//! [`Decimal::MAX_PLACES`], 18), so any value up to ±10^20 is held exactly. It is built from
//! an integer, from a float, or from a numeric string; the writer rounds it to the places its
//! element needs and prints the shortest form: no exponent, no trailing zeros, no trailing
//! point.
//!
//! - A numeric string is read digit by digit, never through a float: `"2967.18"` is exactly
//!   2967.18. PHP's numeric-string syntax is accepted (surrounding whitespace, a sign, `.5`,
//!   `5.`, an exponent); anything else (`"1 500"`, `"1,5"`, `"abc"`, `""`) is refused.
//! - A float is taken at its shortest decimal form (the digits PHP's `var_export` and
//!   `json_encode` print): `0.1 + 0.2` is 0.30000000000000004, which rounds to `0.3` at money
//!   precision; `2.675` is 2.675 and rounds to `2.68`, as PHP's `round()` does.
//! - Rounding is half away from zero. Digits past the 18th place are dropped before rounding,
//!   which never changes a result at 3 places or fewer.

use std::cmp::Ordering;
use std::fmt;
use std::ops::{Div, Rem};

use bumpalo::Bump;

/// An exact decimal number (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal {
    /// The digits: the value is `mantissa / 10^scale`.
    mantissa: i128,
    /// Decimal places, at most [`Decimal::MAX_PLACES`]; the canonical form has no trailing
    /// zero in the mantissa when `scale > 0`, so equal values compare equal.
    scale: u32,
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

/// The largest magnitude held, in integer digits: 10^20.
const MAX_INTEGER_DIGITS: u32 = 20;

const fn power(exponent: u32) -> i128 {
    10i128.pow(exponent)
}

impl Decimal {
    /// Decimal places kept exactly.
    pub const MAX_PLACES: u32 = 18;

    /// Zero.
    pub const ZERO: Decimal = Decimal {
        mantissa: 0,
        scale: 0,
    };

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
        // The place value of the next digit, as a power of ten (0 = units, -1 = tenths).
        let Ok(integer_digits) = i64::try_from(integer.len()) else {
            return Err(DecimalError::OutOfRange);
        };
        let mut place = integer_digits - 1 + exponent;
        let lowest = -i64::from(Self::MAX_PLACES);
        let mut digits: i128 = 0;
        for digit in integer.bytes().chain(fraction.bytes()) {
            if place < lowest {
                break;
            }
            digits = digits
                .checked_mul(10)
                .and_then(|d| d.checked_add(i128::from(digit - b'0')))
                .ok_or(DecimalError::OutOfRange)?;
            place -= 1;
        }
        // `place + 1` is the place value of the last digit read.
        let last = place + 1;
        let (mantissa, scale) = if last >= 0 {
            let shift = u32::try_from(last).map_err(|_| DecimalError::OutOfRange)?;
            let factor = 10i128.checked_pow(shift);
            let mantissa = factor.and_then(|f| digits.checked_mul(f));
            (mantissa.ok_or(DecimalError::OutOfRange)?, 0)
        } else {
            // At most MAX_PLACES when a digit was read (the loop stops there); with none
            // read the value is zero anyway.
            let places = u32::try_from(-last).unwrap_or(u32::MAX);
            (digits, places.min(Self::MAX_PLACES))
        };
        if mantissa.unsigned_abs() > power(MAX_INTEGER_DIGITS + scale).unsigned_abs() {
            return Err(DecimalError::OutOfRange);
        }
        Ok(Decimal::canonical(
            if negative { -mantissa } else { mantissa },
            scale,
        ))
    }

    /// A float at its shortest decimal form (see the module docs).
    pub fn from_f64(value: f64) -> Result<Decimal, DecimalError> {
        if !value.is_finite() {
            return Err(DecimalError::NotFinite);
        }
        // Whole numbers below 2^53 are exact as integers (the common price).
        if value.fract() == 0.0 && value.abs() < 9_007_199_254_740_992.0 {
            return Ok(Decimal::from(value as i64));
        }
        // Up to 6 places below 2^32: `value * 10^k` is a whole number m and m / 10^k gives
        // `value` back (IEEE division rounds correctly). There the float's spacing is below
        // 10^-6, so no other decimal of up to 6 places reads back as `value`: m / 10^k with
        // the smallest k is the shortest form, as `Display` would print it, only faster.
        if value.abs() < 4_294_967_296.0 {
            for (places, scale) in (1..).zip([1e1, 1e2, 1e3, 1e4, 1e5, 1e6]) {
                let scaled = value * scale;
                if scaled.fract() == 0.0 && scaled / scale == value {
                    return Ok(Decimal::canonical(scaled as i128, places));
                }
            }
        }
        // `Display` for f64 prints the shortest digits that read back as the same float,
        // without an exponent. Values in range fit the stack buffer; others go through a
        // String to be refused (or, far below 10^-18, read as zero).
        let mut buffer = StackText::default();
        if fmt::Write::write_fmt(&mut buffer, format_args!("{value}")).is_ok() {
            Decimal::parse(buffer.as_str())
        } else {
            Decimal::parse(&value.to_string())
        }
    }

    /// Rounded to `places` decimal places (at most [`Self::MAX_PLACES`]), half away from zero.
    #[must_use]
    pub fn round(self, places: u32) -> Decimal {
        if self.scale <= places {
            return self;
        }
        let step = power(self.scale - places);
        let mut rounded = self.mantissa / step;
        let remainder = self.mantissa % step;
        if remainder.unsigned_abs() * 2 >= step.unsigned_abs() {
            rounded += self.mantissa.signum();
        }
        Decimal::canonical(rounded, places)
    }

    /// Whether the value is below zero.
    pub fn is_negative(self) -> bool {
        self.mantissa < 0
    }

    /// `mantissa / 10^scale` without trailing zeros in the mantissa.
    fn canonical(mut mantissa: i128, mut scale: u32) -> Decimal {
        if mantissa == 0 {
            return Decimal::ZERO;
        }
        while scale > 0 && mantissa % 10 == 0 {
            mantissa /= 10;
            scale -= 1;
        }
        Decimal { mantissa, scale }
    }

    /// The value times 10^18 (fits: at most 10^38).
    fn units(self) -> i128 {
        self.mantissa * power(Self::MAX_PLACES - self.scale)
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
            mantissa: i128::from(value),
            scale: 0,
        }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Decimal) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Decimal) -> Ordering {
        self.units().cmp(&other.units())
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buffer = [0u8; DIGITS_BUFFER];
        f.write_str(self.text(&mut buffer))
    }
}

/// Room for the longest form: 39 digits, a point, a sign and a zero.
const DIGITS_BUFFER: usize = 48;

impl Decimal {
    /// The shortest form in `arena`, as `to_string` gives it without the formatting
    /// machinery or an allocation of its own (integer ids become texts this way on the
    /// mapping's hot path).
    pub fn to_text_in(self, arena: &Bump) -> &str {
        let mut buffer = [0u8; DIGITS_BUFFER];
        arena.alloc_str(self.text(&mut buffer))
    }

    /// Appends the shortest form, as `Display` prints it, to `out`.
    pub fn push_to(self, out: &mut Vec<u8>) {
        let mut buffer = [0u8; DIGITS_BUFFER];
        out.extend_from_slice(self.digits(&mut buffer));
    }

    /// The shortest form in `buffer`.
    fn text(self, buffer: &mut [u8; DIGITS_BUFFER]) -> &str {
        // Only ASCII digits, a point and a sign are written.
        std::str::from_utf8(self.digits(buffer)).unwrap_or_default()
    }

    /// The shortest form, written from the right into the end of `buffer`.
    fn digits(self, buffer: &mut [u8; DIGITS_BUFFER]) -> &[u8] {
        let magnitude = self.mantissa.unsigned_abs();
        // u64 arithmetic where it fits (the common case) is much cheaper than u128.
        let mut at = match u64::try_from(magnitude) {
            Ok(small) => push_digits(buffer, small, self.scale),
            Err(_) => push_digits(buffer, magnitude, self.scale),
        };
        if self.mantissa < 0 {
            at -= 1;
            buffer[at] = b'-';
        }
        &buffer[at..]
    }
}

/// Writes `magnitude / 10^scale` into the end of `buffer` (with a point when `scale > 0`, a
/// zero before it when the value is below 1); returns where it starts.
fn push_digits<T>(buffer: &mut [u8; DIGITS_BUFFER], magnitude: T, scale: u32) -> usize
where
    T: Copy + PartialOrd + From<u8> + Div<Output = T> + Rem<Output = T> + TryInto<u8>,
{
    let (zero, ten) = (T::from(0), T::from(10));
    let mut at = buffer.len();
    let mut rest = magnitude;
    let mut written = 0;
    while rest > zero || written <= scale {
        if written == scale && scale > 0 {
            at -= 1;
            buffer[at] = b'.';
        }
        // The remainder is a single digit.
        let digit: u8 = (rest % ten).try_into().unwrap_or_default();
        at -= 1;
        buffer[at] = b'0' + digit;
        rest = rest / ten;
        written += 1;
    }
    at
}

/// A small text buffer on the stack (for a float's digits); writing more than it holds fails.
#[derive(Default)]
struct StackText {
    bytes: [u8; 32],
    len: usize,
}

impl StackText {
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }
}

impl fmt::Write for StackText {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        let end = self.len + text.len();
        let target = self.bytes.get_mut(self.len..end).ok_or(fmt::Error)?;
        target.copy_from_slice(text.as_bytes());
        self.len = end;
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
        assert_eq!(Decimal::from(i64::MAX).to_string(), "9223372036854775807");
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
        for bad in [
            "", " ", "abc", "1 500", "1,5", "1.2.3", "0x1A", ".", "-", "1e", "e5", "1e+",
        ] {
            assert_eq!(
                Decimal::parse(bad),
                Err(DecimalError::NotANumber),
                "{bad:?}"
            );
        }
        assert_eq!(Decimal::parse("1e21"), Err(DecimalError::OutOfRange));
        assert_eq!(
            Decimal::parse("123456789012345678901"),
            Err(DecimalError::OutOfRange)
        );
        assert_eq!(
            Decimal::parse("1e-99999").map(|d| d.to_string()),
            Ok("0".into())
        );
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
    fn the_fast_float_path_agrees_with_the_shortest_form() {
        let mut rng = fastrand::Rng::with_seed(7);
        let mut values: Vec<f64> = (0..200_000).map(|i| f64::from(i) / 100.0).collect();
        values.extend((0..100_000).map(|i| f64::from(i) / 1000.0 + 1e6));
        values.extend((0..100_000).map(|_| rng.f64() * 10f64.powi(rng.i32(-8..10))));
        values.extend((0..100_000).map(|_| (rng.f64() * 1e7).round() / 1e3 - 5e3));
        for value in values {
            let slow = Decimal::parse(&value.to_string());
            assert_eq!(Decimal::from_f64(value), slow, "{value}");
        }
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
