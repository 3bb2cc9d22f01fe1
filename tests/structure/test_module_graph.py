"""No module of the Rust crates imports a module that imports it back.

A reader who follows one module's imports must not come back where they started: that is
what makes a module something to read on its own. The graph is built from the source text:
each file is a module, every `crate::a::b` and `super::c` path is an edge to the module that
defines it, and a facade (a `mod.rs` that re-exports its children) stands for its children.
Test modules (`mod tests` at a file's end) may import anything and are left out.
"""
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
CRATES = [ROOT / "crate" / "src", ROOT / "server" / "src"]


def modules(src):
    """Module path (tuple) -> source text without its test module, for every file."""
    found = {}
    for path in sorted(src.rglob("*.rs")):
        rel = path.relative_to(src).with_suffix("")
        parts = rel.parts
        if parts[-1] in ("lib", "main", "mod"):
            parts = parts[:-1]
        if (parts and parts[0] == "bin") or rel.parts == ("main",):
            continue  # other crates (binaries), which import this one
        text = path.read_text()
        text = re.split(r"#\[cfg\(test\)\]\s*(?:pub(?:\(crate\))?\s+)?mod tests", text)[0]
        text = re.sub(r"//[^\n]*", "", text)
        found[tuple(parts)] = text
    return found


def path_refs(text):
    """Every `crate::…` and `super::…` path, braces expanded one level."""
    refs = []
    for m in re.finditer(r"\b(crate|super)((?:::\w+)*)(::\{([^{}]*)\})?", text):
        if not m.group(2) and not m.group(4):
            continue  # `pub(super)`, or the word in a string
        head = [m.group(1)] + [p for p in m.group(2).split("::") if p]
        if m.group(4):
            for item in m.group(4).split(","):
                item = item.strip().split(" as ")[0].split("::")[0]
                if item and item != "self":
                    refs.append(head + [item])
            refs.append(head)
        else:
            refs.append(head)
    return refs


def edges(mods, root_exports):
    graph = {m: set() for m in mods}
    for mod, text in mods.items():
        for ref in path_refs(text):
            if ref[0] == "crate":
                target = ref[1:]
            else:
                target = list(mod[:-1]) + ref[1:]
            # the longest prefix that is a module
            best = None
            for n in range(len(target), 0, -1):
                if tuple(target[:n]) in mods:
                    best = tuple(target[:n])
                    break
            if best is None and ref[0] == "crate" and target and target[0] in root_exports:
                best = root_exports[target[0]]
            if best is None or best == mod or best == ():
                continue
            graph[mod].add(best)
    # a facade stands for its children
    for mod in list(graph):
        children = {k for k in mods if len(k) == len(mod) + 1 and k[:len(mod)] == mod}
        if children and mod != ():
            graph[mod] |= children
    for mod in graph:
        graph[mod].discard(mod)
        # a child's edge to its own facade is an edge to the siblings it re-exports (`pub use
        # kid::…`, `pub(crate) use kid::…`): what the facade defines itself is no sibling's
        expanded = set()
        for t in graph[mod]:
            kids = {k for k in mods if len(k) == len(t) + 1 and k[:len(t)] == t}
            if kids and mod in kids:
                expanded |= {k for k in kids - {mod} if re_exports(mods[t], k[-1])}
            else:
                expanded.add(t)
        graph[mod] = expanded
    return graph


def re_exports(facade_text, kid):
    """Whether a facade's text re-exports something of its child module `kid`."""
    return re.search(rf"\bpub(?:\([^)]*\))?\s+use\s+(?:self::)?{kid}::", facade_text) is not None


def root_exports(lib_text):
    """Names that the crate root re-exports -> the module that defines them."""
    exports = {}
    for m in re.finditer(r"pub use (\w+)(?:::(\w+))?::\{([^}]*)\}", lib_text):
        module = (m.group(1),) + ((m.group(2),) if m.group(2) else ())
        for name in m.group(3).split(","):
            name = name.strip()
            if name:
                exports[name] = module
    for m in re.finditer(r"pub use (\w+)::(\w+);", lib_text):
        exports[m.group(2)] = (m.group(1),)
    return exports


def cycles(graph):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted("::".join(c) for c in comp))

    for v in graph:
        if v not in index:
            visit(v)
    return out


def graph_of(src):
    mods = modules(src)
    return edges(mods, root_exports(mods.get((), "")))


def test_no_module_imports_one_that_imports_it_back():
    for src in CRATES:
        found = cycles(graph_of(src))
        assert not found, f"{src.relative_to(ROOT)}: modules that import each other: {found}"


def test_a_facade_stands_for_the_children_it_re_exports_only():
    mods = {
        ("e",): "mod a; mod b; pub(crate) use a::thing; pub struct Engine;",
        ("e", "a"): "use super::Engine;",
        ("e", "b"): "use super::Engine; use super::thing;",
    }
    graph = edges(mods, {})
    assert graph[("e", "b")] == {("e", "a")}, "b reaches a through what the facade re-exports"
    assert graph[("e", "a")] == set(), "the facade's own Engine is no sibling's"
    assert cycles(graph) == []


def test_the_check_sees_a_circle():
    # Two modules that name each other are a circle; a module alone is not.
    graph = {("a",): {("b",)}, ("b",): {("a",)}, ("c",): {("a",)}}
    assert cycles(graph) == [["a", "b"]]
    # And the crate's graph has the edges a reader sees: the device uses the store.
    assert ("store",) in graph_of(CRATES[0])[("device",)]
