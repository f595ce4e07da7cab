//! Checks that the app's modules import one another without cycles: every `crate::…` and
//! `super::…` path in `app/src/**/*.rs` is an edge from the file's module to the module the path
//! names; the graph must be acyclic at every depth (files, and folders collapsed to their first
//! one, two, … segments), a parent module and its own children aside.

#[cfg(test)]
mod tests {
    use crate::workspace;
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::Path;

    /// A module path: `["pages", "monitor", "visits"]`; the crate root is `[]`.
    type Module = Vec<String>;

    fn modules(dir: &Path, prefix: &Module, out: &mut BTreeMap<Module, String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                let mut m = prefix.clone();
                m.push(name);
                modules(&path, &m, out);
            } else if let Some(stem) = name.strip_suffix(".rs") {
                let mut m = prefix.clone();
                if !matches!(stem, "mod" | "main" | "lib") {
                    m.push(stem.to_owned());
                }
                out.insert(m, std::fs::read_to_string(&path).unwrap());
            }
        }
    }

    fn is_ident(c: char) -> bool {
        c.is_ascii_alphanumeric() || c == '_'
    }

    /// The paths a source names after `crate::` or `super::`, as segments, with `use` groups
    /// (`crate::{a, b::c}`) expanded one level.
    fn named(src: &str, here: &Module) -> Vec<Module> {
        let mut out = Vec::new();
        let code: String = src
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        for (anchor, base) in [
            ("crate::", Vec::new()),
            ("super::", {
                let mut b = here.clone();
                b.pop();
                b
            }),
        ] {
            let mut rest = code.as_str();
            while let Some(i) = rest.find(anchor) {
                let before = rest[..i].chars().next_back();
                rest = &rest[i + anchor.len()..];
                if before.is_some_and(|c| is_ident(c) || c == ':') {
                    continue;
                }
                let mut prefix = base.clone();
                let mut tail = rest;
                loop {
                    let seg: String = tail.chars().take_while(|&c| is_ident(c)).collect();
                    if seg.is_empty() {
                        break;
                    }
                    prefix.push(seg.clone());
                    tail = &tail[seg.len()..];
                    if let Some(t) = tail.strip_prefix("::") {
                        tail = t;
                    } else {
                        break;
                    }
                }
                if let Some(group) = tail.strip_prefix('{') {
                    let group = &group[..group.find('}').unwrap_or(group.len())];
                    for item in group.split(',') {
                        let mut m = prefix.clone();
                        m.extend(
                            item.trim()
                                .split("::")
                                .map(|s| s.trim().to_owned())
                                .filter(|s| !s.is_empty() && s.chars().all(is_ident)),
                        );
                        out.push(m);
                    }
                } else {
                    out.push(prefix);
                }
            }
        }
        out
    }

    /// The deepest module `path` names.
    fn resolve(path: &Module, all: &BTreeMap<Module, String>) -> Module {
        let mut m = path.clone();
        while !all.contains_key(&m) {
            m.pop();
        }
        m
    }

    /// The import edges between modules, collapsed to their first `depth` segments.
    fn edges(all: &BTreeMap<Module, String>, depth: usize) -> BTreeSet<(Module, Module)> {
        let cut = |m: &Module| m[..m.len().min(depth)].to_vec();
        let mut out = BTreeSet::new();
        for (from, src) in all {
            for path in named(src, from) {
                let (a, b) = (cut(from), cut(&resolve(&path, all)));
                // A module and what it contains are one place; only siblings can form a cycle.
                if a.starts_with(&b) || b.starts_with(&a) {
                    continue;
                }
                out.insert((a, b));
            }
        }
        out
    }

    /// The strongly connected parts of the graph with more than one module: each holds a cycle.
    fn cycles(edges: &BTreeSet<(Module, Module)>) -> Vec<Vec<Module>> {
        let mut next: BTreeMap<&Module, Vec<&Module>> = BTreeMap::new();
        for (a, b) in edges {
            next.entry(a).or_default().push(b);
            next.entry(b).or_default();
        }
        // Tarjan's algorithm.
        struct Walk<'a> {
            next: BTreeMap<&'a Module, Vec<&'a Module>>,
            index: BTreeMap<&'a Module, usize>,
            low: BTreeMap<&'a Module, usize>,
            stack: Vec<&'a Module>,
            on_stack: BTreeSet<&'a Module>,
            found: Vec<Vec<Module>>,
        }
        fn visit<'a>(w: &mut Walk<'a>, n: &'a Module) {
            let i = w.index.len();
            w.index.insert(n, i);
            w.low.insert(n, i);
            w.stack.push(n);
            w.on_stack.insert(n);
            for m in w.next[n].clone() {
                if !w.index.contains_key(m) {
                    visit(w, m);
                    let low = w.low[n].min(w.low[m]);
                    w.low.insert(n, low);
                } else if w.on_stack.contains(m) {
                    let low = w.low[n].min(w.index[m]);
                    w.low.insert(n, low);
                }
            }
            if w.low[n] == w.index[n] {
                let mut part = Vec::new();
                while let Some(m) = w.stack.pop() {
                    w.on_stack.remove(m);
                    part.push(m.clone());
                    if m == n {
                        break;
                    }
                }
                if part.len() > 1 {
                    part.sort();
                    w.found.push(part);
                }
            }
        }
        let nodes: Vec<&Module> = next.keys().copied().collect();
        let mut w = Walk {
            next,
            index: BTreeMap::new(),
            low: BTreeMap::new(),
            stack: Vec::new(),
            on_stack: BTreeSet::new(),
            found: Vec::new(),
        };
        for n in nodes {
            if !w.index.contains_key(n) {
                visit(&mut w, n);
            }
        }
        w.found
    }

    fn show(c: &[Module]) -> String {
        c.iter()
            .map(|m| format!("crate::{}", m.join("::")))
            .collect::<Vec<_>>()
            .join(", ")
    }

    #[test]
    fn the_app_has_no_import_cycles() {
        let mut all = BTreeMap::new();
        modules(&workspace().join("app/src"), &Vec::new(), &mut all);
        assert!(all.len() > 40, "the app's modules ({} found)", all.len());
        let deepest = all.keys().map(Vec::len).max().unwrap();
        let cycles: Vec<String> = (1..=deepest)
            .flat_map(|d| {
                cycles(&edges(&all, d))
                    .into_iter()
                    .map(move |c| format!("depth {d}: {} import one another", show(&c)))
            })
            .collect();
        assert!(
            cycles.is_empty(),
            "import cycles in app/src:\n{}",
            cycles.join("\n")
        );
    }

    #[test]
    fn a_cycle_is_found() {
        let mut all = BTreeMap::new();
        let m = |s: &str| -> Module { s.split('/').map(str::to_owned).collect() };
        all.insert(Vec::new(), String::new());
        all.insert(m("a"), "use crate::b::X;".to_owned());
        all.insert(m("b"), "fn f() { crate::c::g() }".to_owned());
        all.insert(m("c"), "use crate::{a::Y, b};".to_owned());
        all.insert(m("d"), String::new());
        all.insert(m("d/e"), "use super::Z;".to_owned());
        assert_eq!(cycles(&edges(&all, 1)), vec![vec![m("a"), m("b"), m("c")]]);
        all.insert(m("c"), "use crate::d::e;".to_owned());
        assert!(cycles(&edges(&all, 2)).is_empty());
    }
}
