//! Checks that the documents stay true: ARCHITECTURE.md names only paths that exist, and the
//! README's test command is what CI runs.

#[cfg(test)]
mod tests {
    use crate::workspace;

    /// Backticked tokens that look like repository paths (contain a `/`, no spaces or URLs).
    fn named_paths(text: &str) -> Vec<String> {
        text.split('`')
            .skip(1)
            .step_by(2)
            .filter(|t| {
                t.contains('/')
                    && !t.contains(' ')
                    && !t.contains("://")
                    && !t.starts_with("../")
                    && !t.starts_with('/')
            })
            .filter(|t| {
                t.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_./-".contains(c))
            })
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn architecture_names_only_paths_that_exist() {
        let text = std::fs::read_to_string(workspace().join("ARCHITECTURE.md")).unwrap();
        let paths = named_paths(&text);
        assert!(
            paths.len() > 20,
            "the code map names the modules ({} paths found)",
            paths.len()
        );
        let missing: Vec<_> = paths
            .iter()
            .filter(|p| !workspace().join(p).exists())
            .collect();
        assert!(
            missing.is_empty(),
            "ARCHITECTURE.md names paths that do not exist: {missing:?}"
        );
    }

    #[test]
    fn readme_has_the_run_and_test_commands_and_ci_runs_the_test_one() {
        let readme = std::fs::read_to_string(workspace().join("README.md")).unwrap();
        let blocks: Vec<&str> = readme
            .split("```sh\n")
            .skip(1)
            .map(|b| b.split("```").next().unwrap().trim())
            .collect();
        assert_eq!(&blocks[..2], ["cargo xtask run", "cargo xtask test"]);
        let ci = std::fs::read_to_string(workspace().join(".ci/run")).unwrap();
        assert!(
            ci.lines().any(|l| l.trim() == "exec cargo xtask test"),
            "{ci}"
        );
    }

    #[test]
    fn path_tokens_are_recognised() {
        let found = named_paths(
            "see `server/src/db.rs` and `cargo test` and `https://x/y` and `../shared/DESIGN.md`",
        );
        assert_eq!(found, vec!["server/src/db.rs".to_owned()]);
    }
}
