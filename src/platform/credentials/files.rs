//! The file rules of the credential chain: a file holding a secret must not be a symbolic link
//! (credentials files) and must have no group or other permission bit; a profile config must not
//! be writable by group or others; token files are written atomically (a temporary file in the
//! same folder, mode 0600, fsync, rename; the folder made 0700).
//!
//! Reads are bounded (a huge file is not read into memory). Errors name the path, never content.

use std::fs::{self, File};
use std::io::{self, Read as _, Write as _};
use std::path::Path;

use secrecy::SecretString;
use zeroize::Zeroize as _;

use super::error::AuthError;

/// Any permission bit for group or others.
const GROUP_OTHER_ANY: u32 = 0o077;
/// Write permission for group or others.
const GROUP_OTHER_WRITE: u32 = 0o022;

/// The unix permission bits, or `None` where there are none to check.
fn mode_of(meta: &fs::Metadata) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        Some(meta.permissions().mode() & 0o7777)
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}

/// Refuses a secret file that group or others may read or write (following links: an admin key
/// file may be a link into a secrets mount).
pub(crate) fn check_private(what: &'static str, path: &Path, meta: &fs::Metadata) -> Result<(), AuthError> {
    match mode_of(meta) {
        Some(mode) if mode & GROUP_OTHER_ANY != 0 => Err(AuthError::TooOpen { what, path: path.to_path_buf(), mode }),
        _ => Ok(()),
    }
}

/// Refuses a config file others could rewrite.
pub(crate) fn check_not_writable_by_others(path: &Path, meta: &fs::Metadata) -> Result<(), AuthError> {
    match mode_of(meta) {
        Some(mode) if mode & GROUP_OTHER_WRITE != 0 => {
            Err(AuthError::ConfigWritable { path: path.to_path_buf(), mode })
        }
        _ => Ok(()),
    }
}

/// What reading a bounded file gave.
pub(crate) enum Read {
    /// The file does not exist.
    Missing,
    /// Its bytes (at most the limit).
    Bytes(Vec<u8>),
    /// It is larger than the limit (nothing kept).
    TooLarge,
}

/// Reads at most `limit` bytes of `path`. A folder is an error naming it.
pub(crate) fn read_bounded(path: &Path, limit: u64) -> io::Result<Read> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Read::Missing),
        Err(e) => return Err(e),
    };
    if file.metadata()?.is_dir() {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "it is a folder, not a file"));
    }
    let mut bytes = Vec::new();
    // One byte past the limit tells "exactly at the limit" from "too large".
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        bytes.zeroize();
        return Ok(Read::TooLarge);
    }
    Ok(Read::Bytes(bytes))
}

/// Bytes as UTF-8 text held as a secret (the bytes are wiped if they are not text).
pub(crate) fn secret_text(bytes: Vec<u8>) -> Option<SecretString> {
    match String::from_utf8(bytes) {
        Ok(text) => Some(SecretString::from(text)),
        Err(not_utf8) => {
            not_utf8.into_bytes().zeroize();
            None
        }
    }
}

/// Reads a secret file under the credentials rules: no symbolic link, no group or other bit.
pub(crate) fn read_private(what: &'static str, path: &Path, limit: u64) -> Result<Option<Vec<u8>>, AuthError> {
    let unreadable = |e: io::Error| AuthError::FileUnreadable { path: path.to_path_buf(), why: e.to_string() };
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(unreadable(e)),
    };
    if meta.file_type().is_symlink() {
        return Err(AuthError::Symlink { what, path: path.to_path_buf() });
    }
    check_private(what, path, &meta)?;
    match read_bounded(path, limit).map_err(unreadable)? {
        Read::Missing => Ok(None),
        Read::Bytes(bytes) => Ok(Some(bytes)),
        Read::TooLarge => Err(AuthError::FileUnreadable {
            path: path.to_path_buf(),
            why: format!("it is larger than {limit} bytes, so it is not a {what}"),
        }),
    }
}

/// Writes `bytes` to `path` atomically and privately: a temporary file in the same folder (mode
/// 0600), flushed to disk, then renamed over `path`, so a reader sees the old file or the new one
/// and never half of one. A missing folder is made with mode 0700.
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    make_private_dir(dir)?;
    let mut temp = tempfile::Builder::new().prefix(".cmek-").suffix(".tmp").tempfile_in(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        temp.as_file().set_permissions(fs::Permissions::from_mode(0o600))?;
    }
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    // The rename itself is durable once the folder is flushed (best effort: not every system can).
    if let Ok(folder) = File::open(dir) {
        let _ = folder.sync_all();
    }
    Ok(())
}

fn make_private_dir(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        builder.mode(0o700);
    }
    builder.create(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn chmod(path: &Path, mode: u32) {
        use std::os::unix::fs::PermissionsExt as _;
        fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
    }

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt as _;
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[cfg(unix)]
    #[test]
    fn a_secret_file_with_any_group_or_other_bit_is_refused_with_the_chmod() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token.json");
        fs::write(&path, "{}").unwrap();
        for bad in [0o644, 0o640, 0o604, 0o620, 0o602, 0o610] {
            chmod(&path, bad);
            let err = read_private("credentials file", &path, 100).unwrap_err();
            let text = err.to_string();
            assert!(matches!(err, AuthError::TooOpen { .. }), "{bad:o}: {text}");
            assert!(text.contains(&format!("chmod 600 {}", path.display())), "{text}");
        }
        for good in [0o600, 0o400] {
            chmod(&path, good);
            assert_eq!(read_private("credentials file", &path, 100).unwrap().unwrap(), b"{}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_secret_file_that_is_a_link_is_refused_even_when_the_target_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("real.json");
        fs::write(&target, "{}").unwrap();
        chmod(&target, 0o600);
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let err = read_private("credentials file", &link, 100).unwrap_err();
        assert!(matches!(err, AuthError::Symlink { .. }), "{err}");
        assert!(err.to_string().contains("symbolic link"), "{err}");
    }

    #[test]
    fn a_missing_secret_file_is_none_and_a_huge_one_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(read_private("credentials file", &dir.path().join("none.json"), 10).unwrap().is_none());
        let big = dir.path().join("big.json");
        fs::write(&big, "x".repeat(11)).unwrap();
        #[cfg(unix)]
        chmod(&big, 0o600);
        let err = read_private("credentials file", &big, 10).unwrap_err();
        assert!(err.to_string().contains("larger than 10 bytes"), "{err}");
        assert!(matches!(read_bounded(dir.path(), 10), Err(e) if e.to_string().contains("folder")));
    }

    #[cfg(unix)]
    #[test]
    fn a_config_writable_by_others_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.json");
        fs::write(&path, "{}").unwrap();
        chmod(&path, 0o664);
        let err = check_not_writable_by_others(&path, &fs::metadata(&path).unwrap()).unwrap_err();
        assert!(err.to_string().contains("chmod go-w"), "{err}");
        chmod(&path, 0o644);
        assert!(check_not_writable_by_others(&path, &fs::metadata(&path).unwrap()).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn writes_are_private_atomic_and_make_a_private_folder() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("credentials");
        let path = folder.join("ci.json");
        write_private(&path, b"first").unwrap();
        assert_eq!(mode(&folder), 0o700);
        assert_eq!(mode(&path), 0o600);
        write_private(&path, b"second").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"second");
        assert_eq!(mode(&path), 0o600);
        let names: Vec<_> = fs::read_dir(&folder).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["ci.json"], "no temporary file is left behind");
        assert_eq!(read_private("credentials file", &path, 100).unwrap().unwrap(), b"second");
    }
}
