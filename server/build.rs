//! With the `embed-pwa` feature, the built PWA in `CHAFANG_EMBED_PWA_DIR` (which `cargo xtask
//! dist` sets) is compiled into the binary: this writes the list of its files, each by
//! `include_bytes!`, to `OUT_DIR/embedded_pwa.rs`, and asks Cargo to rebuild when a file or the
//! setting changes. Without the feature it does nothing.

use std::path::{Path, PathBuf};

fn files(dir: &Path, under: &Path, out: &mut Vec<(String, PathBuf)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files(&path, under, out);
        } else {
            let name = path
                .strip_prefix(under)
                .expect("under the root")
                .to_string_lossy()
                .replace('\\', "/");
            out.push((name, path));
        }
    }
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var_os("CARGO_FEATURE_EMBED_PWA").is_none() {
        return;
    }
    println!("cargo:rerun-if-env-changed=CHAFANG_EMBED_PWA_DIR");
    let dir = PathBuf::from(std::env::var("CHAFANG_EMBED_PWA_DIR").expect(
        "the embed-pwa feature needs CHAFANG_EMBED_PWA_DIR, the built PWA (`cargo xtask dist` sets it)",
    ));
    let dir = dir
        .canonicalize()
        .unwrap_or_else(|e| panic!("CHAFANG_EMBED_PWA_DIR {}: {e}", dir.display()));
    assert!(
        dir.join("index.html").is_file(),
        "CHAFANG_EMBED_PWA_DIR {} holds no index.html",
        dir.display()
    );
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut all = Vec::new();
    files(&dir, &dir, &mut all);
    let mut code = String::from("pub static FILES: &[(&str, &[u8])] = &[\n");
    for (name, path) in &all {
        println!("cargo:rerun-if-changed={}", path.display());
        code.push_str(&format!(
            "    ({name:?}, include_bytes!({:?})),\n",
            path.display().to_string()
        ));
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    std::fs::write(out.join("embedded_pwa.rs"), code).expect("writing embedded_pwa.rs");
}
