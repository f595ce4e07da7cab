//! Builds the PWA into `target/pwa-dist` without any downloaded binary: cargo builds
//! `chafang-app` for `wasm32-unknown-unknown`, wasm-bindgen runs as a library, `wasm-opt`
//! (from npm `binaryen` in `e2e/node_modules`) shrinks a release build when it is there, assets
//! get content-hashed names, `index.html` (the field bundle) and `staff.html` (the staff bundle,
//! built with the `staff` feature) and `sw.js` are filled in from their templates in `app/`
//! with those names and the precache list, and every text asset and the wasm get
//! precompressed `.gz` and `.br` siblings for the server to send as they are.

use crate::sh::Cmd;
use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// The stem wasm-bindgen gives its output, and of the hashed names.
const STEM: &str = "chafang";
/// The staff bundle's page, served by the server for `/office…` and `/unit…`.
const STAFF_SHELL: &str = "staff.html";
/// The citizen bundle's page (the public's complaint pages), served for `/complaint…` and
/// `/ballot…`; with its own small stylesheet, and never precached.
const CITIZEN_SHELL: &str = "citizen.html";
/// The ballot bundle's page (a report meeting's ballot), served for `/ballot…`.
const BALLOT_SHELL: &str = "ballot.html";
/// Icons copied as they are (source files under `app/icons/`).
const ICONS: [&str; 4] = [
    "icon-192.png",
    "icon-512.png",
    "icon-maskable-512.png",
    "apple-touch-icon.png",
];
/// Extensions that get `.gz` and `.br` siblings.
const COMPRESSED: [&str; 5] = ["js", "wasm", "css", "html", "webmanifest"];

/// Builds the PWA and returns the directory to serve (`<target>/pwa-dist`, or
/// `$CHAFANG_PWA_OUT`).
pub fn build(release: bool) -> Result<PathBuf> {
    let root = crate::workspace();
    let target = crate::target_dir();
    let app = root.join("app");

    crate::deps::wasm_target()?;
    // `CHAFANG_PWA_OUT` puts the output elsewhere (one dist per person sharing a work tree).
    let dist = std::env::var_os("CHAFANG_PWA_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| target.join("pwa-dist"));
    let scratch = append_ext(&dist, "bindgen");
    for dir in [&scratch, &dist] {
        if dir.exists() {
            fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))?;
        }
        fs::create_dir_all(dir)?;
    }
    let field = bundle(&root, &target, &scratch, &dist, Bundle::Field, release)?;
    let staff = bundle(&root, &target, &scratch, &dist, Bundle::Staff, release)?;
    let citizen = bundle(&root, &target, &scratch, &dist, Bundle::Citizen, release)?;
    let ballot = bundle(&root, &target, &scratch, &dist, Bundle::Ballot, release)?;

    // Only the field bundle is precached: it is what a monitor's phone needs offline. The
    // staff bundle loads when an office or unit address is opened.
    let mut precache = vec![
        "/".to_owned(),
        format!("/{}", field.js),
        format!("/{}", field.wasm),
    ];
    precache.extend(field.snippets.iter().map(|f| format!("/snippets/{f}")));
    let css = fs::read(app.join("style.css")).context("reading app/style.css")?;
    let css_name = format!("style-{}.css", short_hash(&css));
    fs::write(dist.join(&css_name), &css)?;
    precache.push(format!("/{css_name}"));

    fs::copy(
        app.join("manifest.webmanifest"),
        dist.join("manifest.webmanifest"),
    )
    .context("copying app/manifest.webmanifest")?;
    precache.push("/manifest.webmanifest".to_owned());
    fs::create_dir_all(dist.join("icons"))?;
    for icon in ICONS {
        fs::copy(app.join("icons").join(icon), dist.join("icons").join(icon))
            .with_context(|| format!("copying app/icons/{icon}"))?;
        precache.push(format!("/icons/{icon}"));
    }

    let template = fs::read_to_string(app.join("index.html")).context("reading app/index.html")?;
    for (file, built) in [("index.html", &field), (STAFF_SHELL, &staff)] {
        let page = fill(
            &template,
            &[
                ("{{JS}}", &built.js),
                ("{{WASM}}", &built.wasm),
                ("{{STYLE}}", &css_name),
            ],
        )?;
        fs::write(dist.join(file), &page)?;
    }

    citizen_page(&app, &dist, &citizen, CITIZEN_SHELL, None)?;
    citizen_page(
        &app,
        &dist,
        &ballot,
        BALLOT_SHELL,
        Some(("投诉举报 Complaints", "述职评议 Report meeting")),
    )?;

    // The cache name changes whenever any precached byte does: the list names the hashed
    // assets, and the unhashed files (shell, manifest, icons, snippets) are hashed in.
    let mut version = Sha256::new();
    for url in &precache {
        version.update(url.as_bytes());
        let file = if url == "/" { "index.html" } else { &url[1..] };
        version.update(fs::read(dist.join(file))?);
    }
    let cache_name = format!("{STEM}-{}", &hex::encode(version.finalize())[..16]);
    let sw = fs::read_to_string(app.join("sw.js")).context("reading app/sw.js")?;
    let sw = fill(
        &sw,
        &[
            ("__CACHE_NAME__", &cache_name),
            ("__PRECACHE__", &serde_json::to_string(&precache)?),
        ],
    )?;
    fs::write(dist.join("sw.js"), sw)?;

    let summary = precompress(&dist, release)?;
    print_summary(&dist, &summary, &cache_name);
    let first = citizen_first_load(&dist)?;
    println!(
        "pwa: the complaint page's first load: {} bytes brotli ({} gzip, {} raw): {}",
        first.brotli, first.gzip, first.raw, first.file
    );
    Ok(dist)
}

/// Writes `shell` (`citizen.html`, or the ballot bundle's `ballot.html` with its `title`) from
/// `app/citizen.html` with the bundle's names and the public pages' own hashed stylesheet
/// (`app/citizen.css`).
fn citizen_page(
    app: &Path,
    dist: &Path,
    built: &Built,
    shell: &str,
    title: Option<(&str, &str)>,
) -> Result<()> {
    let css = fs::read(app.join("citizen.css")).context("reading app/citizen.css")?;
    let css_name = format!("citizen-{}.css", short_hash(&css));
    fs::write(dist.join(&css_name), &css)?;
    let mut template =
        fs::read_to_string(app.join(CITIZEN_SHELL)).context("reading app/citizen.html")?;
    if let Some((from, to)) = title {
        template = template.replace(from, to);
    }
    let page = fill(
        &template,
        &[
            ("{{JS}}", &built.js),
            ("{{WASM}}", &built.wasm),
            ("{{STYLE}}", &css_name),
        ],
    )?;
    fs::write(dist.join(shell), page)?;
    Ok(())
}

/// What a first visit to the complaint page downloads, as served: `citizen.html`, the citizen
/// bundle's JS glue and wasm, and its stylesheet (each the `.br` the server sends a browser
/// that accepts it, `.gz` and raw beside). Read from a built dist directory.
pub fn citizen_first_load(dist: &Path) -> Result<CitizenLoad> {
    let html = fs::read_to_string(dist.join(CITIZEN_SHELL)).context("reading citizen.html")?;
    let mut files = vec![CITIZEN_SHELL.to_owned()];
    for (start, end) in [("import init from '/", "'"), ("href=\"/citizen-", "\"")] {
        if let Some(i) = html.find(start) {
            let rest = &html[i + start.len()..];
            let name = &rest[..rest.find(end).unwrap_or(0)];
            let name = if start.contains("citizen-") {
                format!("citizen-{name}")
            } else {
                name.to_owned()
            };
            files.push(name);
        }
    }
    if let Some(i) = html.find("module_or_path: '/") {
        let rest = &html[i + "module_or_path: '/".len()..];
        files.push(rest[..rest.find('\'').unwrap_or(0)].to_owned());
    }
    if files.len() != 4 {
        bail!("citizen.html does not name its js, wasm and css: {files:?}");
    }
    let mut load = CitizenLoad {
        file: files.join(" + "),
        raw: 0,
        gzip: 0,
        brotli: 0,
    };
    for f in &files {
        let path = dist.join(f);
        load.raw += fs::metadata(&path)?.len();
        load.gzip += fs::metadata(append_ext(&path, "gz"))?.len();
        load.brotli += fs::metadata(append_ext(&path, "br"))?.len();
    }
    Ok(load)
}

/// The complaint page's first load (`citizen_first_load`).
pub struct CitizenLoad {
    pub file: String,
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
}

/// The two builds of the app.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Bundle {
    /// Login and the monitor's pages: what a phone loads and keeps offline.
    Field,
    /// Everything, with the office's and the units' pages (the `staff` feature).
    Staff,
    /// The public's complaint pages alone (the `citizen` feature).
    Citizen,
    /// A report meeting's ballot alone (the `ballot` feature).
    Ballot,
}

impl Bundle {
    /// The stem of the bundle's hashed file names.
    fn stem(self) -> &'static str {
        match self {
            Bundle::Field => STEM,
            Bundle::Staff => "chafang-staff",
            Bundle::Citizen => "chafang-citizen",
            Bundle::Ballot => "chafang-ballot",
        }
    }
}

/// One built bundle's hashed file names, relative to the dist directory.
struct Built {
    js: String,
    wasm: String,
    snippets: Vec<String>,
}

/// Builds one bundle: cargo, wasm-bindgen into `scratch`, wasm-opt for a release, and hashed
/// copies of the glue, the wasm and any inline-JS snippets in `dist`.
fn bundle(
    root: &Path,
    target: &Path,
    scratch: &Path,
    dist: &Path,
    which: Bundle,
    release: bool,
) -> Result<Built> {
    let wasm = cargo_build(target, which, release)?;
    let stem = which.stem();
    let out = scratch.join(stem);
    fs::create_dir_all(&out)?;
    // wasm-bindgen writes `<stem>.js` and `<stem>_bg.wasm` (and `snippets/`, if any crate has
    // inline JS); the dist directory gets hashed copies.
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&wasm)
        .out_name(stem)
        .web(true)?
        .typescript(false)
        .debug(!release)
        .remove_name_section(release)
        .remove_producers_section(release)
        .generate(&out)
        .context("wasm-bindgen")?;
    let bg_wasm = out.join(format!("{stem}_bg.wasm"));
    if release {
        wasm_opt(root, &bg_wasm)?;
    }

    // Hashed names: the wasm first, because the JS glue names it.
    let wasm_bytes = fs::read(&bg_wasm)?;
    let wasm_name = format!("{stem}-{}_bg.wasm", short_hash(&wasm_bytes));
    fs::write(dist.join(&wasm_name), &wasm_bytes)?;

    let js = fs::read_to_string(out.join(format!("{stem}.js")))?;
    // The glue's default URL, used only if init is called without one.
    let js = js.replace(&format!("{stem}_bg.wasm"), &wasm_name);
    let js_name = format!("{stem}-{}.js", short_hash(js.as_bytes()));
    fs::write(dist.join(&js_name), &js)?;

    let snippets = out.join("snippets");
    let snippets = if snippets.exists() {
        copy_tree(&snippets, &dist.join("snippets"))?
    } else {
        Vec::new()
    };
    Ok(Built {
        js: js_name,
        wasm: wasm_name,
        snippets,
    })
}

/// Builds the app for wasm and returns the path of its `.wasm`. Cargo keeps both feature sets'
/// artifacts apart, so building one bundle does not invalidate the other.
fn cargo_build(target: &Path, which: Bundle, release: bool) -> Result<PathBuf> {
    let mut cmd = crate::cargo().args(["build", "-p", "chafang-app", "--target", WASM_TARGET]);
    if which == Bundle::Staff {
        cmd = cmd.args(["--features", "staff"]);
    }
    if which == Bundle::Citizen {
        cmd = cmd.args(["--features", "citizen"]);
    }
    if which == Bundle::Ballot {
        cmd = cmd.args(["--features", "ballot"]);
    }
    let (cmd, profile_dir) = if release {
        // `strip = true` would also drop the `target_features` section wasm-bindgen reads to
        // learn which wasm features it may use; debug info goes, and the name section is
        // removed by wasm-bindgen below.
        let cmd = cmd
            .args(["--profile", "wasm-release"])
            .env("CARGO_PROFILE_WASM_RELEASE_STRIP", "debuginfo");
        (cmd, "wasm-release")
    } else {
        (cmd, "debug")
    };
    cmd.run()?;
    let wasm = target
        .join(WASM_TARGET)
        .join(profile_dir)
        .join("chafang-app.wasm");
    if !wasm.exists() {
        bail!("cargo built no {}", wasm.display());
    }
    Ok(wasm)
}

/// Runs npm binaryen's `wasm-opt -Oz` in place, if `e2e/node_modules` has it.
fn wasm_opt(root: &Path, wasm: &Path) -> Result<()> {
    let bin = root.join("e2e/node_modules/.bin/wasm-opt");
    if !bin.exists() {
        println!(
            "pwa: {} not found (npm install in e2e/ brings it); skipping wasm-opt",
            bin.display()
        );
        return Ok(());
    }
    let out = wasm.with_extension("opt.wasm");
    Cmd::new(&bin)
        .arg("-Oz")
        // The features current rustc emits for wasm32-unknown-unknown.
        .args([
            "--enable-bulk-memory",
            "--enable-nontrapping-float-to-int",
            "--enable-sign-ext",
            "--enable-mutable-globals",
            "--enable-reference-types",
            "--enable-multivalue",
        ])
        .arg(wasm)
        .arg("-o")
        .arg(&out)
        .run()?;
    fs::rename(&out, wasm)?;
    Ok(())
}

/// The first 16 hex digits of the SHA-256 of `bytes`.
fn short_hash(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))[..16].to_owned()
}

/// Replaces each placeholder, failing if a template lacks one (a renamed placeholder would
/// otherwise ship unnoticed).
fn fill(template: &str, pairs: &[(&str, &str)]) -> Result<String> {
    let mut out = template.to_owned();
    for (key, value) in pairs {
        if !out.contains(key) {
            bail!("template has no {key}");
        }
        out = out.replace(key, value);
    }
    Ok(out)
}

/// Copies a directory tree, returning the copied files' paths relative to `to`.
fn copy_tree(from: &Path, to: &Path) -> Result<Vec<String>> {
    let mut files = Vec::new();
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type()?.is_dir() {
            for f in copy_tree(&entry.path(), &to.join(&name))? {
                files.push(format!("{name}/{f}"));
            }
        } else {
            fs::copy(entry.path(), to.join(&name))?;
            files.push(name);
        }
    }
    files.sort();
    Ok(files)
}

/// One row of the size summary.
struct Sizes {
    file: String,
    raw: usize,
    gzip: usize,
    brotli: usize,
}

/// Writes `.gz` and `.br` next to every compressible file in `dist`: the best compression for a
/// release; the fastest for a debug build, whose many-megabyte wasm would otherwise take
/// minutes at brotli's quality 11.
fn precompress(dist: &Path, best: bool) -> Result<Vec<Sizes>> {
    let mut rows = Vec::new();
    let mut files = vec![];
    collect_files(dist, &mut files)?;
    files.sort();
    for path in files {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !COMPRESSED.contains(&ext) {
            continue;
        }
        let raw = fs::read(&path)?;
        let gz = gzip(&raw, best)?;
        let br = brotli(&raw, best)?;
        fs::write(append_ext(&path, "gz"), &gz)?;
        fs::write(append_ext(&path, "br"), &br)?;
        rows.push(Sizes {
            file: path
                .strip_prefix(dist)
                .unwrap_or(&path)
                .display()
                .to_string(),
            raw: raw.len(),
            gzip: gz.len(),
            brotli: br.len(),
        });
    }
    Ok(rows)
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            collect_files(&entry.path(), out)?;
        } else {
            out.push(entry.path());
        }
    }
    Ok(())
}

fn append_ext(path: &Path, ext: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".");
    s.push(ext);
    PathBuf::from(s)
}

fn gzip(bytes: &[u8], best: bool) -> Result<Vec<u8>> {
    let level = if best {
        flate2::Compression::best()
    } else {
        flate2::Compression::fast()
    };
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), level);
    enc.write_all(bytes)?;
    Ok(enc.finish()?)
}

fn brotli(bytes: &[u8], best: bool) -> Result<Vec<u8>> {
    let quality = if best { 11 } else { 1 };
    let mut enc = brotli::CompressorWriter::new(Vec::new(), 4096, quality, 22);
    enc.write_all(bytes)?;
    enc.flush()?;
    Ok(enc.into_inner())
}

fn print_summary(dist: &Path, rows: &[Sizes], cache_name: &str) {
    println!("pwa: built {} (cache {cache_name})", dist.display());
    println!("{:<44} {:>10} {:>10} {:>10}", "file", "raw", "gzip", "br");
    let (mut raw, mut gz, mut br) = (0, 0, 0);
    for r in rows {
        println!(
            "{:<44} {:>10} {:>10} {:>10}",
            r.file, r.raw, r.gzip, r.brotli
        );
        raw += r.raw;
        gz += r.gzip;
        br += r.brotli;
    }
    println!("{:<44} {:>10} {:>10} {:>10}", "total", raw, gz, br);
}
