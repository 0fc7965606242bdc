//! Cloud KMS's enums as they travel in JSON: by name (`"ENCRYPT_DECRYPT"`, what gcloud sends) or
//! by proto number (`1`, what the Rust and Python clients send with `$alt=json;enum-encoding=int`).
//! Both are accepted; answers use the form the request asked for. The numbers are the proto's
//! (gcp.md), not those of gcloud's apitools message files.

use serde_json::Value;

/// How enums are written in an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnumForm {
    Names,
    /// `$alt=json;enum-encoding=int`.
    Numbers,
}

macro_rules! proto_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $number:literal => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn name(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn number(self) -> i64 {
                match self { $($name::$variant => $number),+ }
            }

            /// A name or a proto number (also as a string of digits, as some clients send).
            pub fn from_json(value: &Value) -> Option<Self> {
                match value {
                    Value::String(s) => Self::ALL
                        .iter()
                        .copied()
                        .find(|v| v.name() == s)
                        .or_else(|| s.parse::<i64>().ok().and_then(Self::from_number)),
                    Value::Number(n) => n.as_i64().and_then(Self::from_number),
                    _ => None,
                }
            }

            pub fn from_number(n: i64) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.number() == n)
            }

            pub fn to_json(self, form: EnumForm) -> Value {
                match form {
                    EnumForm::Names => Value::from(self.name()),
                    EnumForm::Numbers => Value::from(self.number()),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

proto_enum! {
    /// `CryptoKey.purpose`.
    Purpose {
        Unspecified = 0 => "CRYPTO_KEY_PURPOSE_UNSPECIFIED",
        EncryptDecrypt = 1 => "ENCRYPT_DECRYPT",
        AsymmetricSign = 5 => "ASYMMETRIC_SIGN",
        AsymmetricDecrypt = 6 => "ASYMMETRIC_DECRYPT",
        RawEncryptDecrypt = 7 => "RAW_ENCRYPT_DECRYPT",
        Mac = 9 => "MAC",
    }
}

proto_enum! {
    /// `CryptoKeyVersion.state`.
    VersionState {
        Unspecified = 0 => "CRYPTO_KEY_VERSION_STATE_UNSPECIFIED",
        Enabled = 1 => "ENABLED",
        Disabled = 2 => "DISABLED",
        Destroyed = 3 => "DESTROYED",
        DestroyScheduled = 4 => "DESTROY_SCHEDULED",
        PendingGeneration = 5 => "PENDING_GENERATION",
        PendingImport = 6 => "PENDING_IMPORT",
        ImportFailed = 7 => "IMPORT_FAILED",
        GenerationFailed = 8 => "GENERATION_FAILED",
    }
}

proto_enum! {
    /// `ProtectionLevel`.
    ProtectionLevel {
        Unspecified = 0 => "PROTECTION_LEVEL_UNSPECIFIED",
        Software = 1 => "SOFTWARE",
        Hsm = 2 => "HSM",
        External = 3 => "EXTERNAL",
        ExternalVpc = 4 => "EXTERNAL_VPC",
        HsmSingleTenant = 5 => "HSM_SINGLE_TENANT",
    }
}

proto_enum! {
    /// `CryptoKeyVersionAlgorithm` (the ones a CMEK key or a wrong one is likely to have).
    Algorithm {
        Unspecified = 0 => "CRYPTO_KEY_VERSION_ALGORITHM_UNSPECIFIED",
        GoogleSymmetricEncryption = 1 => "GOOGLE_SYMMETRIC_ENCRYPTION",
        RsaSignPss2048Sha256 = 2 => "RSA_SIGN_PSS_2048_SHA256",
        RsaSignPss3072Sha256 = 3 => "RSA_SIGN_PSS_3072_SHA256",
        RsaSignPss4096Sha256 = 4 => "RSA_SIGN_PSS_4096_SHA256",
        RsaSignPkcs12048Sha256 = 5 => "RSA_SIGN_PKCS1_2048_SHA256",
        RsaSignPkcs13072Sha256 = 6 => "RSA_SIGN_PKCS1_3072_SHA256",
        RsaSignPkcs14096Sha256 = 7 => "RSA_SIGN_PKCS1_4096_SHA256",
        RsaDecryptOaep2048Sha256 = 8 => "RSA_DECRYPT_OAEP_2048_SHA256",
        RsaDecryptOaep3072Sha256 = 9 => "RSA_DECRYPT_OAEP_3072_SHA256",
        RsaDecryptOaep4096Sha256 = 10 => "RSA_DECRYPT_OAEP_4096_SHA256",
        EcSignP256Sha256 = 12 => "EC_SIGN_P256_SHA256",
        EcSignP384Sha384 = 13 => "EC_SIGN_P384_SHA384",
        RsaDecryptOaep4096Sha512 = 17 => "RSA_DECRYPT_OAEP_4096_SHA512",
        ExternalSymmetricEncryption = 18 => "EXTERNAL_SYMMETRIC_ENCRYPTION",
        Aes256Gcm = 19 => "AES_256_GCM",
        HmacSha256 = 32 => "HMAC_SHA256",
        HmacSha1 = 33 => "HMAC_SHA1",
        HmacSha384 = 34 => "HMAC_SHA384",
        HmacSha512 = 35 => "HMAC_SHA512",
        HmacSha224 = 36 => "HMAC_SHA224",
        Aes128Gcm = 41 => "AES_128_GCM",
    }
}

impl Algorithm {
    /// The purpose a key of this algorithm must have (Cloud KMS refuses other pairings).
    pub fn purpose(self) -> Purpose {
        use Algorithm::*;
        match self {
            Unspecified => Purpose::Unspecified,
            GoogleSymmetricEncryption | ExternalSymmetricEncryption => Purpose::EncryptDecrypt,
            RsaSignPss2048Sha256
            | RsaSignPss3072Sha256
            | RsaSignPss4096Sha256
            | RsaSignPkcs12048Sha256
            | RsaSignPkcs13072Sha256
            | RsaSignPkcs14096Sha256
            | EcSignP256Sha256
            | EcSignP384Sha384 => Purpose::AsymmetricSign,
            RsaDecryptOaep2048Sha256
            | RsaDecryptOaep3072Sha256
            | RsaDecryptOaep4096Sha256
            | RsaDecryptOaep4096Sha512 => Purpose::AsymmetricDecrypt,
            Aes256Gcm | Aes128Gcm => Purpose::RawEncryptDecrypt,
            HmacSha256 | HmacSha1 | HmacSha384 | HmacSha512 | HmacSha224 => Purpose::Mac,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_and_numbers_both_read() {
        assert_eq!(Purpose::from_json(&json!("ENCRYPT_DECRYPT")), Some(Purpose::EncryptDecrypt));
        assert_eq!(Purpose::from_json(&json!(1)), Some(Purpose::EncryptDecrypt));
        assert_eq!(Purpose::from_json(&json!("1")), Some(Purpose::EncryptDecrypt));
        assert_eq!(VersionState::from_json(&json!(4)), Some(VersionState::DestroyScheduled));
        assert_eq!(VersionState::from_json(&json!(5)), Some(VersionState::PendingGeneration));
        assert_eq!(ProtectionLevel::from_json(&json!("HSM")), Some(ProtectionLevel::Hsm));
        assert_eq!(ProtectionLevel::from_json(&json!(5)), Some(ProtectionLevel::HsmSingleTenant));
        assert_eq!(Algorithm::from_json(&json!(1)), Some(Algorithm::GoogleSymmetricEncryption));
        assert_eq!(Purpose::from_json(&json!("encrypt_decrypt")), None);
        assert_eq!(Purpose::from_json(&json!(2)), None);
        assert_eq!(Purpose::from_json(&json!(1.5)), None);
        assert_eq!(Purpose::from_json(&json!(null)), None);
    }

    #[test]
    fn answers_use_the_form_asked_for() {
        assert_eq!(VersionState::Disabled.to_json(EnumForm::Names), json!("DISABLED"));
        assert_eq!(VersionState::Disabled.to_json(EnumForm::Numbers), json!(2));
        assert_eq!(serde_json::to_value(ProtectionLevel::ExternalVpc).unwrap(), json!("EXTERNAL_VPC"));
        assert_eq!(Algorithm::RsaDecryptOaep3072Sha256.purpose(), Purpose::AsymmetricDecrypt);
        assert_eq!(Algorithm::HmacSha256.purpose(), Purpose::Mac);
    }
}
