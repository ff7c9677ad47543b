//! Where a catalogue may be published.
//!
//! The path of the ICML file can come from a snippet call in a page, which a content editor
//! writes; left free, it could overwrite any file PHP may write, or serve
//! `core/config/config.inc.php` (the database password). So a published catalogue must be
//! a `.xml` or `.xml.gz` file inside one of the folders the site allows (its `assets/`, or
//! an export folder the administrator configured). The path is resolved first — `..` and
//! symbolic links included — so a link inside `assets/` that leads elsewhere is refused too.
//! Only metadata is read here; nothing is opened or created.

use std::ffi::OsString;
use std::fs;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use super::Error;

/// The names a published catalogue may have.
const SUFFIXES: [&str; 2] = [".xml", ".xml.gz"];

/// `path` resolved (no `..`, no symbolic link), when it is a `.xml` or `.xml.gz` file inside
/// one of `folders` (resolved the same way); folders that do not exist yet below the nearest
/// existing one are allowed (they are created when the file is written), the file itself
/// must be absent or a regular file. Otherwise an [`Error::Path`] saying why.
pub fn published_path(path: &Path, folders: &[PathBuf]) -> Result<PathBuf, Error> {
    let refuse = |why: String| Error::Path(format!("the ICML file {path:?} is refused: {why}"));
    if path.as_os_str().as_bytes().contains(&0) {
        return Err(refuse("it contains a NUL byte".into()));
    }
    if !path.is_absolute() {
        return Err(refuse("it is not an absolute path".into()));
    }
    let name = path
        .file_name()
        .and_then(|name| name.to_str())
        .filter(|name| {
            SUFFIXES
                .iter()
                .any(|suffix| name.len() > suffix.len() && name.ends_with(suffix))
        })
        .ok_or_else(|| refuse("its name must end in .xml or .xml.gz".into()))?;
    let parent = path.parent().unwrap_or(path);
    let target = resolve_folder(parent).map_err(refuse)?.join(name);
    match fs::symlink_metadata(&target) {
        Ok(meta) if !meta.file_type().is_file() => {
            return Err(refuse(format!(
                "{} is a symbolic link or not a regular file",
                target.display()
            )));
        }
        Ok(_) => {}
        Err(error) if error.kind() == io::ErrorKind::NotFound => {}
        Err(error) => return Err(refuse(format!("{}: {error}", target.display()))),
    }
    let mut allowed = Vec::with_capacity(folders.len());
    for folder in folders {
        match resolve_folder(folder) {
            Ok(real) if target.starts_with(&real) => return Ok(target),
            Ok(real) => allowed.push(real.display().to_string()),
            Err(why) => allowed.push(format!("{} ({why})", folder.display())),
        }
    }
    Err(refuse(format!(
        "{} is outside the folders a catalogue may be published in: {}",
        target.display(),
        if allowed.is_empty() {
            "none given".to_string()
        } else {
            allowed.join(", ")
        }
    )))
}

/// The folder `folder` really is: the nearest existing folder resolved, with the missing
/// folders below it appended (which may not include `..`).
fn resolve_folder(folder: &Path) -> Result<PathBuf, String> {
    let mut existing = folder.to_path_buf();
    let mut missing: Vec<OsString> = Vec::new();
    let real = loop {
        match fs::canonicalize(&existing) {
            Ok(real) => break real,
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                let Some(name) = existing.file_name() else {
                    return Err("a folder it names with .. does not exist".into());
                };
                missing.push(name.to_os_string());
                existing.pop();
            }
            Err(error) => return Err(format!("{}: {error}", existing.display())),
        }
    };
    if !real.is_dir() {
        return Err(format!("{} is not a folder", real.display()));
    }
    Ok(missing
        .into_iter()
        .rev()
        .fold(real, |path, name| path.join(name)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    /// A site in a temporary folder: `assets/`, `feeds/`, `core/config/config.inc.php`,
    /// and links inside `assets/` that lead into `core/config/`.
    struct Site {
        root: PathBuf,
    }

    impl Site {
        fn new(name: &str) -> Site {
            let root = std::env::temp_dir().join(format!(
                "modretailcrm-location-{name}-{}",
                std::process::id()
            ));
            let _ = fs::remove_dir_all(&root);
            for folder in ["assets/modretailcrm", "feeds", "core/config"] {
                fs::create_dir_all(root.join(folder)).unwrap();
            }
            fs::write(
                root.join("core/config/config.inc.php"),
                "<?php $password = 'x';",
            )
            .unwrap();
            fs::write(root.join("core/config/schema.xml"), "<model/>").unwrap();
            symlink(root.join("core/config"), root.join("assets/linked")).unwrap();
            symlink(
                root.join("core/config/schema.xml"),
                root.join("assets/catalog.xml"),
            )
            .unwrap();
            Site { root }
        }

        fn path(&self, relative: &str) -> PathBuf {
            self.root.join(relative)
        }

        fn folders(&self) -> Vec<PathBuf> {
            vec![self.path("assets/"), self.path("feeds")]
        }

        fn check(&self, path: impl AsRef<Path>) -> Result<PathBuf, String> {
            published_path(path.as_ref(), &self.folders()).map_err(|e| e.to_string())
        }
    }

    impl Drop for Site {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.root);
        }
    }

    #[test]
    fn xml_files_in_the_allowed_folders_are_accepted_resolved() {
        let site = Site::new("accepted");
        let real = fs::canonicalize(&site.root).unwrap();
        assert_eq!(
            site.check(site.path("assets/modretailcrm/icml.xml")),
            Ok(real.join("assets/modretailcrm/icml.xml"))
        );
        assert_eq!(
            site.check(site.path("feeds/new/deeper/catalog.xml.gz")),
            Ok(real.join("feeds/new/deeper/catalog.xml.gz"))
        );
        assert_eq!(
            site.check(site.path("core/../assets/./icml.xml")),
            Ok(real.join("assets/icml.xml"))
        );
    }

    #[test]
    fn hostile_paths_are_refused_saying_why() {
        let site = Site::new("hostile");
        let cases = [
            ("assets/../core/config/config.inc.php", "must end in .xml"),
            ("assets/../core/config/schema.xml", "is outside the folders"),
            (
                "assets/modretailcrm/../../core/config/schema.xml",
                "is outside the folders",
            ),
            ("assets/linked/schema.xml", "is outside the folders"),
            ("assets/linked/new.xml", "is outside the folders"),
            ("assets/catalog.xml", "is a symbolic link"),
            (
                "assets/missing/../../core/config/x.xml",
                "names with .. does not exist",
            ),
            ("assets/modretailcrm", "must end in .xml"),
            ("assets/.xml", "must end in .xml"),
            ("core/config/new.xml", "is outside the folders"),
            ("assets/modretailcrm/icml.xml\0.php", "contains a NUL byte"),
        ];
        for (relative, why) in cases {
            let refused = site.check(site.path(relative)).unwrap_err();
            assert!(refused.contains(why), "{relative}: {refused}");
        }
        // Absolute paths elsewhere and relative paths: only metadata is read, nothing opened.
        assert!(
            site.check("/etc/passwd")
                .unwrap_err()
                .contains("must end in .xml")
        );
        assert!(
            site.check("/etc/catalog.xml")
                .unwrap_err()
                .contains("is outside the folders")
        );
        assert!(
            site.check("assets/icml.xml")
                .unwrap_err()
                .contains("not an absolute path")
        );
        // An allowed folder that does not exist yet is resolved through its nearest parent.
        let real = fs::canonicalize(&site.root).unwrap();
        assert_eq!(
            published_path(&site.path("new/feed.xml"), &[site.path("new")]).ok(),
            Some(real.join("new/feed.xml"))
        );
        assert!(
            published_path(&site.path("assets/icml.xml"), &[site.path("nowhere")])
                .unwrap_err()
                .to_string()
                .ends_with("nowhere")
        );
        assert_eq!(
            fs::read_to_string(site.path("core/config/config.inc.php")).unwrap(),
            "<?php $password = 'x';"
        );
    }
}
