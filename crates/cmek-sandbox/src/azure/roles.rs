//! The built-in role definitions the emulator knows (real ids and names), with the Key Vault key
//! data actions each grants, and the Entra directory roles that may consent to an app.

/// `Key Vault Crypto User`.
pub const KEY_VAULT_CRYPTO_USER: &str = "12338af0-0e69-4776-bea7-57ae8d297424";
/// `Key Vault Crypto Officer`.
pub const KEY_VAULT_CRYPTO_OFFICER: &str = "14b46e9e-c2b7-41b4-b07b-48a6ebf60603";
/// `Key Vault Administrator`.
pub const KEY_VAULT_ADMINISTRATOR: &str = "00482a5a-887f-4fb3-b363-3b7fe8e74483";
/// `Key Vault Reader`.
pub const KEY_VAULT_READER: &str = "21090545-7ca7-4776-b22c-e363652d74d2";
/// `Owner` (control plane only: no data actions).
pub const OWNER: &str = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
/// `Contributor`.
pub const CONTRIBUTOR: &str = "b24988ac-6180-42a0-ab88-20f7382dd24c";
/// `User Access Administrator`.
pub const USER_ACCESS_ADMINISTRATOR: &str = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9";

/// Entra roles allowed to create service principals (consent to an app).
pub const CONSENT_DIRECTORY_ROLES: &[&str] =
    &["Global Administrator", "Application Administrator", "Cloud Application Administrator"];

/// A key data action of Key Vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyAction {
    Read,
    Create,
    Update,
    Wrap,
    Unwrap,
    Encrypt,
    Decrypt,
    Delete,
    /// Read a key in the soft-delete bin (get or list deleted keys).
    ReadDeleted,
    Recover,
    Purge,
}

impl KeyAction {
    /// The RBAC data action (`Microsoft.KeyVault/vaults/keys/...`).
    pub fn data_action(self) -> &'static str {
        match self {
            KeyAction::Read => "Microsoft.KeyVault/vaults/keys/read",
            KeyAction::Create => "Microsoft.KeyVault/vaults/keys/create/action",
            KeyAction::Update => "Microsoft.KeyVault/vaults/keys/write",
            KeyAction::Wrap => "Microsoft.KeyVault/vaults/keys/wrap/action",
            KeyAction::Unwrap => "Microsoft.KeyVault/vaults/keys/unwrap/action",
            KeyAction::Encrypt => "Microsoft.KeyVault/vaults/keys/encrypt/action",
            KeyAction::Decrypt => "Microsoft.KeyVault/vaults/keys/decrypt/action",
            KeyAction::Delete => "Microsoft.KeyVault/vaults/keys/delete",
            KeyAction::ReadDeleted => "Microsoft.KeyVault/vaults/deletedKeys/read",
            KeyAction::Recover => "Microsoft.KeyVault/vaults/deletedKeys/recover/action",
            KeyAction::Purge => "Microsoft.KeyVault/vaults/deletedKeys/delete",
        }
    }

    /// The access-policy permission name.
    pub fn permission(self) -> &'static str {
        match self {
            KeyAction::Read => "get",
            KeyAction::Create => "create",
            KeyAction::Update => "update",
            KeyAction::Wrap => "wrapKey",
            KeyAction::Unwrap => "unwrapKey",
            KeyAction::Encrypt => "encrypt",
            KeyAction::Decrypt => "decrypt",
            KeyAction::Delete => "delete",
            KeyAction::ReadDeleted => "list",
            KeyAction::Recover => "recover",
            KeyAction::Purge => "purge",
        }
    }
}

/// A built-in role definition.
#[derive(Debug, Clone, Copy)]
pub struct RoleDefinition {
    pub id: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub actions: &'static [&'static str],
    pub data_actions: &'static [&'static str],
}

pub const DEFINITIONS: &[RoleDefinition] = &[
    RoleDefinition {
        id: KEY_VAULT_CRYPTO_USER,
        name: "Key Vault Crypto User",
        description: "Perform cryptographic operations using keys. Only works for key vaults that use the 'Azure role-based access control' permission model.",
        actions: &[],
        data_actions: &[
            "Microsoft.KeyVault/vaults/keys/read",
            "Microsoft.KeyVault/vaults/keys/update/action",
            "Microsoft.KeyVault/vaults/keys/backup/action",
            "Microsoft.KeyVault/vaults/keys/encrypt/action",
            "Microsoft.KeyVault/vaults/keys/decrypt/action",
            "Microsoft.KeyVault/vaults/keys/wrap/action",
            "Microsoft.KeyVault/vaults/keys/unwrap/action",
            "Microsoft.KeyVault/vaults/keys/sign/action",
            "Microsoft.KeyVault/vaults/keys/verify/action",
        ],
    },
    RoleDefinition {
        id: KEY_VAULT_CRYPTO_OFFICER,
        name: "Key Vault Crypto Officer",
        description: "Perform any action on the keys of a key vault, except manage permissions.",
        actions: &["Microsoft.KeyVault/vaults/read"],
        data_actions: &["Microsoft.KeyVault/vaults/keys/*", "Microsoft.KeyVault/vaults/keyrotationpolicies/*"],
    },
    RoleDefinition {
        id: KEY_VAULT_ADMINISTRATOR,
        name: "Key Vault Administrator",
        description: "Perform all data plane operations on a key vault and all objects in it.",
        actions: &["Microsoft.KeyVault/vaults/read"],
        data_actions: &["Microsoft.KeyVault/vaults/*"],
    },
    RoleDefinition {
        id: KEY_VAULT_READER,
        name: "Key Vault Reader",
        description: "Read metadata of key vaults and its certificates, keys, and secrets.",
        // As Azure's: the subscription's deleted vaults are readable with it too.
        actions: &["Microsoft.KeyVault/vaults/read", "Microsoft.KeyVault/deletedVaults/read"],
        data_actions: &["Microsoft.KeyVault/vaults/keys/read"],
    },
    RoleDefinition {
        id: OWNER,
        name: "Owner",
        description: "Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.",
        actions: &["*"],
        data_actions: &[],
    },
    RoleDefinition {
        id: CONTRIBUTOR,
        name: "Contributor",
        description: "Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC.",
        actions: &["*"],
        data_actions: &[],
    },
    RoleDefinition {
        id: USER_ACCESS_ADMINISTRATOR,
        name: "User Access Administrator",
        description: "Lets you manage user access to Azure resources.",
        actions: &["Microsoft.Authorization/*"],
        data_actions: &[],
    },
];

pub fn definition(id: &str) -> Option<&'static RoleDefinition> {
    DEFINITIONS.iter().find(|d| d.id.eq_ignore_ascii_case(id))
}

/// Whether a pattern like `Microsoft.KeyVault/vaults/keys/*` grants `action` (case-insensitive).
pub fn grants(pattern: &str, action: &str) -> bool {
    let (p, a) = (pattern.to_ascii_lowercase(), action.to_ascii_lowercase());
    match p.strip_suffix('*') {
        Some(prefix) => a.starts_with(prefix),
        None => p == a,
    }
}

/// Whether a role grants the control-plane `action` (e.g. `Microsoft.Authorization/roleAssignments/write`).
pub fn role_allows_action(role: &RoleDefinition, action: &str) -> bool {
    role.actions.iter().any(|p| grants(p, action))
}

pub fn role_allows_data(role: &RoleDefinition, action: KeyAction) -> bool {
    role.data_actions.iter().any(|p| grants(p, action.data_action()))
}
