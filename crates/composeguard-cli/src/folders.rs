//! A folder given to `check`: every project under it, each as docker compose finds the project
//! of a folder (its first compose file by compose's order of names, and that folder's override
//! file). Hidden folders, `node_modules` and symbolic links to folders are not entered; the
//! projects come in path order, so a run lists them the same way every time.

use std::path::{Path, PathBuf};

use composeguard_model::project::{COMPOSE_FILE_NAMES, OVERRIDE_FILE_NAMES};
/// How deep folders are entered below the one given.
const MAX_DEPTH: usize = 64;

/// The projects under `dir` (it included), each the files of one `docker compose -f … -f …`.
pub fn projects_under(dir: &Path) -> Vec<Vec<PathBuf>> {
    let mut projects = Vec::new();
    walk(dir, 0, &mut projects);
    projects
}

fn walk(dir: &Path, depth: usize, projects: &mut Vec<Vec<PathBuf>>) {
    // `check .` shows `web/compose.yaml`, not `./web/compose.yaml`
    let join = |name: &std::ffi::OsStr| if dir == Path::new(".") { PathBuf::from(name) } else { dir.join(name) };
    if let Some(main) = COMPOSE_FILE_NAMES.iter().map(|n| join(n.as_ref())).find(|p| p.is_file()) {
        let mut files = vec![main];
        files.extend(OVERRIDE_FILE_NAMES.iter().map(|n| join(n.as_ref())).find(|p| p.is_file()));
        projects.push(files);
    }
    if depth >= MAX_DEPTH {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    // (a name that is not UTF-8 is kept as it is, so that its folder is found and then reported
    // as a path composeguard cannot read, not skipped in silence)
    let mut folders: Vec<(std::ffi::OsString, PathBuf)> = entries
        .filter_map(Result::ok)
        // (a symbolic link's own type: a link to a folder is not followed)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| {
            let name = e.file_name();
            let skipped = name.as_encoded_bytes().starts_with(b".") || name == "node_modules";
            (!skipped).then(|| (name.clone(), join(&name)))
        })
        .collect();
    folders.sort();
    for (_, folder) in folders {
        walk(&folder, depth + 1, projects);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_project_under_a_folder_in_path_order() {
        let root = std::env::temp_dir().join(format!("composeguard-folders-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for (path, text) in [
            ("b/compose.yaml", ""),
            ("b/docker-compose.yml", ""),
            ("b/compose.override.yaml", ""),
            ("a/docker-compose.yml", ""),
            ("a/deep/er/compose.yml", ""),
            (".hidden/compose.yaml", ""),
            ("node_modules/x/compose.yaml", ""),
            ("c/notes.yaml", ""),
            ("compose.yaml", ""),
        ] {
            let p = root.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        let got: Vec<Vec<String>> = projects_under(&root)
            .into_iter()
            .map(|set| set.iter().map(|p| p.strip_prefix(&root).unwrap().to_string_lossy().to_string()).collect())
            .collect();
        let want: Vec<Vec<&str>> = vec![
            vec!["compose.yaml"],
            vec!["a/docker-compose.yml"],
            vec!["a/deep/er/compose.yml"],
            vec!["b/compose.yaml", "b/compose.override.yaml"],
        ];
        assert_eq!(got, want);
        let _ = std::fs::remove_dir_all(&root);
    }
}
