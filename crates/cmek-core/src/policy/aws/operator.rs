//! Condition operator names: `ForAnyValue:` / `ForAllValues:` prefixes, the base operator, `IfExists`.
//!
//! Only naming and classifying; what each operator compares is `eval::operators`' job.

/// `ForAnyValue:` / `ForAllValues:`: compare a multivalued context key as a set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetQualifier {
    ForAnyValue,
    ForAllValues,
}

/// Declares `BaseOperator` and its `ALL` list from one list of names, so they cannot drift apart.
macro_rules! base_operators {
    ($($name:ident),+ $(,)?) => {
        /// The comparison at the heart of a condition operator (without prefix or `IfExists`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum BaseOperator {
            $($name),+
        }

        impl BaseOperator {
            pub const ALL: &'static [BaseOperator] = &[$(BaseOperator::$name),+];
        }
    };
}

base_operators!(
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
);

impl BaseOperator {
    pub fn name(self) -> &'static str {
        use BaseOperator::*;
        match self {
            StringEquals => "StringEquals",
            StringNotEquals => "StringNotEquals",
            StringEqualsIgnoreCase => "StringEqualsIgnoreCase",
            StringNotEqualsIgnoreCase => "StringNotEqualsIgnoreCase",
            StringLike => "StringLike",
            StringNotLike => "StringNotLike",
            NumericEquals => "NumericEquals",
            NumericNotEquals => "NumericNotEquals",
            NumericLessThan => "NumericLessThan",
            NumericLessThanEquals => "NumericLessThanEquals",
            NumericGreaterThan => "NumericGreaterThan",
            NumericGreaterThanEquals => "NumericGreaterThanEquals",
            DateEquals => "DateEquals",
            DateNotEquals => "DateNotEquals",
            DateLessThan => "DateLessThan",
            DateLessThanEquals => "DateLessThanEquals",
            DateGreaterThan => "DateGreaterThan",
            DateGreaterThanEquals => "DateGreaterThanEquals",
            Bool => "Bool",
            BinaryEquals => "BinaryEquals",
            IpAddress => "IpAddress",
            NotIpAddress => "NotIpAddress",
            ArnEquals => "ArnEquals",
            ArnLike => "ArnLike",
            ArnNotEquals => "ArnNotEquals",
            ArnNotLike => "ArnNotLike",
            Null => "Null",
        }
    }

    /// Negated operators hold when no policy value matches, and when the key is absent.
    pub fn is_negated(self) -> bool {
        use BaseOperator::*;
        matches!(
            self,
            StringNotEquals
                | StringNotEqualsIgnoreCase
                | StringNotLike
                | NumericNotEquals
                | DateNotEquals
                | NotIpAddress
                | ArnNotEquals
                | ArnNotLike
        )
    }
}

/// A parsed operator name such as `ForAllValues:StringLikeIfExists`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConditionOperator {
    pub qualifier: Option<SetQualifier>,
    pub base: BaseOperator,
    pub if_exists: bool,
}

impl ConditionOperator {
    /// `None` for an operator AWS does not define (the evaluator treats it as never matching).
    ///
    /// Names are compared without regard to case, as AWS's own policy tooling does.
    pub fn parse(text: &str) -> Option<ConditionOperator> {
        let (qualifier, rest) = if let Some(rest) = strip_prefix_ignore_case(text, "ForAnyValue:") {
            (Some(SetQualifier::ForAnyValue), rest)
        } else if let Some(rest) = strip_prefix_ignore_case(text, "ForAllValues:") {
            (Some(SetQualifier::ForAllValues), rest)
        } else {
            (None, text)
        };
        let (if_exists, name) = match strip_suffix_ignore_case(rest, "IfExists") {
            Some(name) => (true, name),
            None => (false, rest),
        };
        let base = BaseOperator::ALL.iter().copied().find(|b| b.name().eq_ignore_ascii_case(name))?;
        // `Null` already tests existence; `NullIfExists` and set-qualified `Null` are not operators.
        if base == BaseOperator::Null && (if_exists || qualifier.is_some()) {
            return None;
        }
        Some(ConditionOperator { qualifier, base, if_exists })
    }
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) { text.get(prefix.len()..) } else { None }
}

fn strip_suffix_ignore_case<'a>(text: &'a str, suffix: &str) -> Option<&'a str> {
    let start = text.len().checked_sub(suffix.len())?;
    let tail = text.get(start..)?;
    if tail.eq_ignore_ascii_case(suffix) { text.get(..start) } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_names_parse_with_prefixes_and_suffix() {
        let op = ConditionOperator::parse("ForAllValues:StringLikeIfExists").unwrap();
        assert_eq!(op.qualifier, Some(SetQualifier::ForAllValues));
        assert_eq!(op.base, BaseOperator::StringLike);
        assert!(op.if_exists);
        assert_eq!(ConditionOperator::parse("StringEquals").unwrap().base, BaseOperator::StringEquals);
        assert!(ConditionOperator::parse("StringEqualz").is_none());
        assert!(ConditionOperator::parse("NullIfExists").is_none());
        assert!(ConditionOperator::parse("ForAnyValue:").is_none());
        assert!(ConditionOperator::parse("").is_none());
        assert!(ConditionOperator::parse("ÆIfExists").is_none());
        for &base in BaseOperator::ALL {
            assert_eq!(ConditionOperator::parse(base.name()).unwrap().base, base);
        }
    }
}
