//! The one error type of the mapping.

/// Why an input could not be mapped; the message names the field (`order.num is missing`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MappingError {
    /// A required field is absent, null or empty.
    #[error("{0} is missing")]
    Missing(String),
    /// A field is present but not of a usable shape (not a number, not an object…).
    #[error("{field} is invalid: {reason}")]
    Invalid {
        /// The field's path, e.g. `products[2].price`.
        field: String,
        /// What is wrong with it.
        reason: String,
    },
}

impl MappingError {
    /// A [`MappingError::Missing`] for `field`.
    pub(crate) fn missing(field: impl Into<String>) -> Self {
        Self::Missing(field.into())
    }

    /// A [`MappingError::Invalid`] for `field`.
    pub(crate) fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }
}
