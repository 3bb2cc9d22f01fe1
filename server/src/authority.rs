//! The authority key: created on first start, stored in the database sealed (Argon2id +
//! XChaCha20-Poly1305, the same vault as the devices' keys) under a secret that is never in
//! the database:
//! - `OFFSIGN_AUTHORITY_SECRET` from the environment, when set (at least 16 characters); or
//! - a file beside the database, `<db>.authority-secret`, created on first start with 256
//!   random bits and permissions 0600; the server refuses to use it when others can read it.

use crate::storage::Storage;
use offsign::{seal, unseal, Authority, ErrorCode, Identity, KdfParams, SealedKey};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

const SECRET_ENV: &str = "OFFSIGN_AUTHORITY_SECRET";
const KEY_SETTING: &str = "authority_key";
/// The name written as `iss` into certificates, lists and receipts.
pub const AUTHORITY_NAME: &str = "offsign authority";

/// Where the secret that seals the authority key comes from.
pub enum Secret {
    /// A passphrase from the environment.
    Environment(Zeroizing<String>),
    /// A random secret in a file with permissions 0600.
    File(PathBuf, Zeroizing<String>),
}

impl Secret {
    /// The environment's secret, when set.
    pub fn from_environment() -> Result<Option<Secret>, String> {
        let Ok(value) = std::env::var(SECRET_ENV) else { return Ok(None) };
        if value.chars().count() < 16 {
            return Err(format!("{SECRET_ENV} must hold at least 16 characters"));
        }
        Ok(Some(Secret::Environment(Zeroizing::new(value))))
    }

    /// The environment's secret if set, else the file beside `db` (created if missing).
    pub fn find(db: &Path) -> Result<Secret, String> {
        if let Some(secret) = Secret::from_environment()? {
            return Ok(secret);
        }
        let mut name = db.as_os_str().to_owned();
        name.push(".authority-secret");
        let path = PathBuf::from(name);
        match std::fs::metadata(&path) {
            Ok(meta) => {
                if meta.permissions().mode() & 0o077 != 0 {
                    return Err(format!("{} can be read by others: run chmod 600 on it", path.display()));
                }
                let text = Zeroizing::new(std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?);
                Ok(Secret::File(path, Zeroizing::new(text.trim().to_owned())))
            }
            Err(_) => {
                let mut bytes = Zeroizing::new([0u8; 32]);
                getrandom::getrandom(bytes.as_mut()).map_err(|e| format!("no randomness: {e}"))?;
                let text = Zeroizing::new(crate::hex::hex(bytes.as_ref()));
                let mut file = std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode(0o600)
                    .open(&path)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                file.write_all(text.as_bytes()).map_err(|e| format!("{}: {e}", path.display()))?;
                Ok(Secret::File(path, text))
            }
        }
    }

    /// Where the secret for the database `db` is, without reading or creating it: the
    /// environment variable when set, else the file beside `db` when it exists; `None` when
    /// neither is (a backup then says that it found none).
    pub fn whereabouts(db: &Path) -> Option<String> {
        if std::env::var_os(SECRET_ENV).is_some() {
            return Some(format!("${SECRET_ENV}"));
        }
        let mut name = db.as_os_str().to_owned();
        name.push(".authority-secret");
        let path = PathBuf::from(name);
        path.exists().then(|| path.display().to_string())
    }

    fn text(&self) -> &str {
        match self {
            Secret::Environment(s) | Secret::File(_, s) => s,
        }
    }

    /// Argon2id cost: a random file secret needs little; a passphrase gets the full cost.
    fn kdf(&self) -> KdfParams {
        match self {
            Secret::Environment(_) => KdfParams::DEFAULT,
            Secret::File(..) => KdfParams::MIN,
        }
    }

    /// Where the secret came from, for the start-up line.
    pub fn describe(&self) -> String {
        match self {
            Secret::Environment(_) => format!("${SECRET_ENV}"),
            Secret::File(path, _) => path.display().to_string(),
        }
    }
}

/// Opens the stored authority key with `secret`, or creates and stores one on first start.
pub fn load_or_create(storage: &impl Storage, secret: &Secret) -> Result<Authority, String> {
    let stored = storage.setting(KEY_SETTING).map_err(|e| e.to_string())?;
    let identity = match stored {
        Some(json) => {
            let sealed: SealedKey = serde_json::from_str(&json).map_err(|e| format!("the stored authority key is damaged: {e}"))?;
            unseal(&sealed, secret.text()).map_err(|e| {
                if e.code() == ErrorCode::WrongPin {
                    format!("the authority secret ({}) does not open the authority key in this database", secret.describe())
                } else {
                    e.to_string()
                }
            })?
        }
        None => {
            let identity = Identity::generate().map_err(|e| e.to_string())?;
            let sealed = seal(&identity, secret.text(), secret.kdf()).map_err(|e| e.to_string())?;
            let json = serde_json::to_string(&sealed).map_err(|e| e.to_string())?;
            // Instances starting together on an empty database each make a key; the first
            // stored is everyone's.
            let stored = storage.first_setting(KEY_SETTING, &json).map_err(|e| e.to_string())?;
            if stored == json {
                identity
            } else {
                return load_or_create(storage, secret);
            }
        }
    };
    Ok(Authority::new(identity, AUTHORITY_NAME))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::Database;

    #[test]
    fn the_key_is_created_once_sealed_and_reopened_with_its_secret_file() {
        let dir = std::env::temp_dir().join(format!("offsign-authority-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let db_path = dir.join("offsign.db");
        let db = Database::sqlite(&db_path).unwrap();
        let secret = Secret::find(&db_path).unwrap();
        let secret_file = dir.join("offsign.db.authority-secret");
        assert_eq!(std::fs::metadata(&secret_file).unwrap().permissions().mode() & 0o777, 0o600);
        let first = load_or_create(&db, &secret).unwrap();
        let stored = db.setting(KEY_SETTING).unwrap().unwrap();
        assert!(!stored.contains(secret.text()), "the secret is not in the database");
        let again = load_or_create(&db, &Secret::find(&db_path).unwrap()).unwrap();
        assert_eq!(first.public_key().kid(), again.public_key().kid());

        std::fs::write(&secret_file, "0".repeat(64)).unwrap();
        let e = load_or_create(&db, &Secret::find(&db_path).unwrap()).err().unwrap();
        assert!(e.contains("does not open"), "{e}");
        std::fs::set_permissions(&secret_file, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(Secret::find(&db_path).err().unwrap().contains("chmod 600"));
    }
}
