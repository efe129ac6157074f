#!/usr/bin/env python3
"""Print the longest Rust functions of the workspace; fail if one is over the limit (issue #19.6).

Every `.rs` file outside `target/`, `node_modules/` and hidden directories is read; string, raw
string, byte string, character literals and (nested) comments are blanked out first, so a brace or
the word `fn` inside them does not count. A function's length is counted in lines from its `fn`
line to the line of its closing brace (a function nested in another counts in both).

Usage: python3 scripts/long-functions.py [--top N] [--max LINES] [ROOT]
       python3 scripts/long-functions.py --self-test   (the lexer on tricky literals and comments)
Exit status: 0 when every function has at most LINES lines (default 150), 1 otherwise.
"""

import argparse
import os
import re
import sys

SKIP_DIRS = {"target", "node_modules"}
FN_RE = re.compile(r"\bfn\s+([A-Za-z_][A-Za-z0-9_]*)")


def _is_ident(ch):
    return ch.isalnum() or ch == "_"


def _blank(chars, start, end):
    """Replace chars[start:end] by spaces, keeping line breaks (so line numbers stay)."""
    for k in range(start, end):
        if chars[k] != "\n":
            chars[k] = " "


def _skip_block_comment(src, i):
    """Index just past the block comment that starts at i (block comments nest in Rust)."""
    depth = 0
    n = len(src)
    while i < n:
        if src.startswith("/*", i):
            depth += 1
            i += 2
        elif src.startswith("*/", i):
            depth -= 1
            i += 2
            if depth == 0:
                return i
        else:
            i += 1
    return n


def _skip_string(src, i):
    """Index just past the (escaped) string whose opening quote is at i."""
    n = len(src)
    i += 1
    while i < n:
        if src[i] == "\\":
            i += 2
        elif src[i] == '"':
            return i + 1
        else:
            i += 1
    return n


def _raw_string_end(src, i):
    """If a raw string (r"..", r#".."#, with an optional b/c prefix) starts at i, its end."""
    j = i
    if src[j] in "bc" and j + 1 < len(src) and src[j + 1] == "r":
        j += 1
    if src[j] != "r":
        return None
    j += 1
    hashes = 0
    while j < len(src) and src[j] == "#":
        hashes += 1
        j += 1
    if j >= len(src) or src[j] != '"':
        return None  # a raw identifier (r#type) or a plain identifier
    close = '"' + "#" * hashes
    end = src.find(close, j + 1)
    return len(src) if end < 0 else end + len(close)


def _char_literal_end(src, i):
    """If a character literal starts at the quote at i, its end; None for a lifetime or label."""
    n = len(src)
    if i + 1 < n and src[i + 1] == "\\":
        # The escaped character is at i + 2 (it may be a quote); `\u{..}` and `\x..` run on.
        j = i + 3
        while j < n and src[j] != "'" and src[j] != "\n":
            j += 1
        return j + 1 if j < n and src[j] == "'" else None
    if i + 2 < n and src[i + 2] == "'" and src[i + 1] != "\n":
        return i + 3
    return None


def clean(src):
    """The source with comments and literals blanked out (same length, same line breaks)."""
    chars = list(src)
    i = 0
    n = len(src)
    while i < n:
        ch = src[i]
        prev_ident = i > 0 and _is_ident(src[i - 1])
        if src.startswith("//", i):
            end = src.find("\n", i)
            end = n if end < 0 else end
        elif src.startswith("/*", i):
            end = _skip_block_comment(src, i)
        elif ch in "rbc" and not prev_ident and _raw_string_end(src, i) is not None:
            end = _raw_string_end(src, i)
        elif ch in "bc" and not prev_ident and src.startswith('"', i + 1):
            end = _skip_string(src, i + 1)
        elif ch == "b" and not prev_ident and src.startswith("'", i + 1):
            end = _char_literal_end(src, i + 1) or i + 1
        elif ch == '"':
            end = _skip_string(src, i)
        elif ch == "'":
            end = _char_literal_end(src, i)
            if end is None:
                i += 1  # a lifetime or a loop label
                continue
        else:
            i += 1
            continue
        _blank(chars, i, end)
        i = max(end, i + 1)
    return "".join(chars)


def functions(path):
    """(length, path, line, name) of every function with a body in the file."""
    with open(path, encoding="utf-8", errors="replace") as f:
        text = clean(f.read())
    line_starts = [0]
    for m in re.finditer("\n", text):
        line_starts.append(m.end())

    def line_of(offset):
        lo, hi = 0, len(line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if line_starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1

    found = []
    for m in FN_RE.finditer(text):
        # The body opens at the first `{` outside the signature's parentheses/brackets; a `;`
        # first means a declaration without a body (trait method, extern fn).
        depth = 0
        j = m.end()
        body = None
        while j < len(text):
            c = text[j]
            if c in "([":
                depth += 1
            elif c in ")]":
                depth -= 1
            elif depth == 0 and c == ";":
                break
            elif depth == 0 and c == "{":
                body = j
                break
            j += 1
        if body is None:
            continue
        braces = 0
        k = body
        while k < len(text):
            if text[k] == "{":
                braces += 1
            elif text[k] == "}":
                braces -= 1
                if braces == 0:
                    break
            k += 1
        first, last = line_of(m.start()), line_of(k)
        found.append((last - first + 1, path, first, m.group(1)))
    return found


SELF_TEST = r"""fn a() {
    let s = "}{ fn x() {";
    let r = r#"}"{ fn y() {"#;
    let b = br"}";
    let c = '}';
    let e = '\'';
    let v = '\u{7D}';
    let q = '"';
    let l: &'static str = "x";
    'outer: loop { break 'outer; }
    // } fn z() {
    /* /* } */ } fn w() { */
    let u = b'{';
}
trait T {
    fn decl(&self);
    fn def(&self) {
        let r#type = 1;
    }
}
fn b<'a>(x: &'a str) -> impl Fn() -> u8 + 'a where u8: Copy {
    || 1
}
"""


def self_test():
    """Checks the lexer on literals, lifetimes and comments that contain braces or `fn`."""
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "t.rs")
        with open(path, "w", encoding="utf-8") as f:
            f.write(SELF_TEST)
        got = sorted((name, line, length) for length, _, line, name in functions(path))
    want = [("a", 1, 14), ("b", 21, 3), ("def", 17, 3)]
    if got != want:
        print(f"long-functions self-test failed: got {got}, want {want}", file=sys.stderr)
        return 1
    print("long-functions self-test: ok")
    return 0


def rust_files(root):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(
            d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")
        )
        for name in sorted(filenames):
            if name.endswith(".rs"):
                yield os.path.join(dirpath, name)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=10, help="how many to print (default 10)")
    parser.add_argument("--max", type=int, default=150, help="longest allowed (default 150)")
    default_root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    parser.add_argument("root", nargs="?", default=default_root)
    parser.add_argument("--self-test", action="store_true", help="test the lexer and exit")
    args = parser.parse_args()
    if args.self_test:
        return self_test()

    root = os.path.normpath(args.root)
    results = []
    for path in rust_files(root):
        results.extend(functions(path))
    results.sort(key=lambda r: (-r[0], r[1], r[2]))
    print(f"longest functions (limit {args.max} lines):")
    for length, path, line, name in results[: args.top]:
        print(f"{length:5d}  {os.path.relpath(path, root)}:{line}  {name}")
    over = [r for r in results if r[0] > args.max]
    if over:
        print(f"long-functions: {len(over)} function(s) over {args.max} lines:", file=sys.stderr)
        for length, path, line, name in over:
            print(f"  {os.path.relpath(path, root)}:{line} {name} ({length} lines)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
