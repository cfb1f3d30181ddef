"""Shell scripts and RUN/CMD shell text split into simple commands with their lines, so checks can
see what a start script or a RUN line does (`exec uvicorn ...`, `cd /data`, `cp -n ...`).

This is a reader, not a shell: it splits on `;`, `&&`, `||`, `|`, `&`, newlines and parentheses,
removes quotes, expands variables it knows, drops redirections and heredoc bodies, and follows
`sh -c "..."` into its string. It never raises on malformed input: an unterminated quote simply
ends the word at the end of the text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ASSIGN = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=")
#: Words that open or close a compound command; the command after them is what runs.
_OPENERS = frozenset({"if", "then", "else", "elif", "do", "while", "until", "!", "{", "time"})
_CLOSERS = frozenset({"fi", "done", "}", "esac", ";;"})
#: Prefixes that run the rest of the line as the command.
_WRAPPERS = frozenset({"exec", "nohup"})
_MAX_DEPTH = 4


@dataclass(frozen=True)
class SimpleCommand:
    argv: tuple[
        str, ...
    ]  # words, quotes removed, known $VARS expanded; prefixes like exec/env stripped
    assignments: tuple[
        tuple[str, str], ...
    ]  # VAR=value words before the command (or `export VAR=value`)
    line: int  # 1-based line where the command starts, in the file it came from
    raw: str


# A word is kept as segments so that expansion can happen when the command runs, with the
# variables in effect at that point: (text, expandable). Single-quoted text is not expandable.
_Seg = tuple[str, bool]


@dataclass
class _Word:
    segs: list[_Seg]
    line: int
    start: int  # offset in the text, for `raw`
    quoted: bool = False


@dataclass
class _Op:
    op: str  # ";", "&&", "||", "|", "&", "\n", "(", ")", or "redir"
    line: int
    start: int


_Token = _Word | _Op


class _Lexer:
    def __init__(self, text: str, first_line: int) -> None:
        self.text = text
        self.i = 0
        self.line = first_line
        self.tokens: list[_Token] = []
        self.pending_heredocs: list[tuple[str, bool]] = []  # (delimiter, strip tabs)

    def run(self) -> list[_Token]:
        text = self.text
        n = len(text)
        while self.i < n:
            c = text[self.i]
            if c == "\\" and self.i + 1 < n and text[self.i + 1] == "\n":
                self.i += 2
                self.line += 1
            elif c == "\n":
                self.tokens.append(_Op("\n", self.line, self.i))
                self.i += 1
                self.line += 1
                if self.pending_heredocs:
                    self._skip_heredocs()
            elif c in " \t\r":
                self.i += 1
            elif c == "#":
                while self.i < n and text[self.i] != "\n":
                    self.i += 1
            elif c in ";&|()":
                self._operator()
            elif c in "<>":
                self._redirection()
            else:
                self._word()
        return self.tokens

    def _operator(self) -> None:
        text = self.text
        two = text[self.i : self.i + 2]
        if two in ("&&", "||", ";;"):
            op = two
        elif two == "&>":
            self.i += 2
            if self.i < len(text) and text[self.i] == ">":
                self.i += 1
            self.tokens.append(_Op("redir", self.line, self.i))
            return
        elif two == "|&":
            op = "|"
            self.i += 1
        else:
            op = text[self.i]
        self.tokens.append(_Op(";" if op == ";;" else op, self.line, self.i))
        self.i += len(op)

    def _redirection(self, fd_digits: bool = False) -> None:
        text = self.text
        start = self.i
        c = text[self.i]
        self.i += 1
        if c == "<" and text.startswith("<<", start):
            self.i += 1
            strip = False
            if self.i < len(text) and text[self.i] == "-":
                strip = True
                self.i += 1
            if self.i < len(text) and text[self.i] == "<":  # here-string <<<
                self.i += 1
                self.tokens.append(_Op("redir", self.line, start))
                return
            while self.i < len(text) and text[self.i] in " \t":
                self.i += 1
            word_start = len(self.tokens)
            self._word()
            if len(self.tokens) > word_start:
                tok = self.tokens.pop()
                if isinstance(tok, _Word):
                    delim = "".join(s for s, _ in tok.segs)
                    self.pending_heredocs.append((delim, strip))
            return
        while self.i < len(text) and text[self.i] in "<>&|":
            self.i += 1
        if (
            text[self.i - 1] == "&"
            and self.i < len(text)
            and (text[self.i].isdigit() or text[self.i] == "-")
        ):
            # 2>&1, >&-: the target is part of the operator
            while self.i < len(text) and (text[self.i].isdigit() or text[self.i] == "-"):
                self.i += 1
            return
        self.tokens.append(_Op("redir", self.line, start))

    def _skip_heredocs(self) -> None:
        text = self.text
        for delim, strip in self.pending_heredocs:
            while self.i < len(text):
                end = text.find("\n", self.i)
                body_line = text[self.i : end if end >= 0 else len(text)]
                self.i = end + 1 if end >= 0 else len(text)
                self.line += 1
                check = body_line.lstrip("\t") if strip else body_line
                if check.rstrip("\r") == delim:
                    break
        self.pending_heredocs = []

    def _word(self) -> None:
        text = self.text
        n = len(text)
        start = self.i
        line = self.line
        segs: list[_Seg] = []
        buf: list[str] = []
        quoted = False

        def flush(expandable: bool) -> None:
            if buf:
                segs.append(("".join(buf), expandable))
                buf.clear()

        while self.i < n:
            c = text[self.i]
            if c in " \t\r\n;&|()":
                break
            if c in "<>":
                if not segs and buf and all(ch.isdigit() for ch in buf):
                    buf.clear()  # `2>file`: the digits name a descriptor
                    self._redirection()
                    return
                break
            if c == "\\":
                if self.i + 1 < n:
                    nxt = text[self.i + 1]
                    if nxt == "\n":
                        self.line += 1
                    else:
                        flush(True)
                        segs.append((nxt, False))
                    self.i += 2
                else:
                    self.i += 1
            elif c == "'":
                flush(True)
                quoted = True
                end = text.find("'", self.i + 1)
                if end < 0:
                    end = n
                chunk = text[self.i + 1 : end]
                self.line += chunk.count("\n")
                segs.append((chunk, False))
                self.i = end + 1
            elif c == '"':
                flush(True)
                quoted = True
                self._double_quoted(segs)
            elif c == "$" and text.startswith("$(", self.i):
                end = _balanced(text, self.i + 1, "(", ")")
                chunk = text[self.i : end]
                self.line += chunk.count("\n")
                buf.append(chunk)
                self.i = end
            elif c == "`":
                end = text.find("`", self.i + 1)
                end = n if end < 0 else end + 1
                chunk = text[self.i : end]
                self.line += chunk.count("\n")
                buf.append(chunk)
                self.i = end
            elif c == "$" and text.startswith("${", self.i):
                end = _balanced(text, self.i + 1, "{", "}")
                buf.append(text[self.i : end])
                self.i = end
            else:
                buf.append(c)
                self.i += 1
        flush(True)
        if segs or quoted:
            self.tokens.append(_Word(segs, line, start, quoted))

    def _double_quoted(self, segs: list[_Seg]) -> None:
        text = self.text
        n = len(text)
        self.i += 1
        buf: list[str] = []
        while self.i < n:
            c = text[self.i]
            if c == '"':
                self.i += 1
                break
            if c == "\\" and self.i + 1 < n and text[self.i + 1] in '$`"\\\n':
                nxt = text[self.i + 1]
                if nxt == "\n":
                    self.line += 1
                elif nxt == "$":
                    if buf:
                        segs.append(("".join(buf), True))
                        buf.clear()
                    segs.append(("$", False))
                else:
                    buf.append(nxt)
                self.i += 2
                continue
            if c == "$" and text.startswith("$(", self.i):
                end = _balanced(text, self.i + 1, "(", ")")
                chunk = text[self.i : end]
                self.line += chunk.count("\n")
                buf.append(chunk)
                self.i = end
                continue
            if c == "\n":
                self.line += 1
            buf.append(c)
            self.i += 1
        segs.append(("".join(buf), True))


def _balanced(text: str, i: int, open_c: str, close_c: str) -> int:
    """Index just past the `close_c` matching the `open_c` at `i` (or the end of text)."""
    depth = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == open_c:
            depth += 1
        elif c == close_c:
            depth -= 1
            if depth == 0:
                return i + 1
        elif c == "'" and open_c == "(":
            end = text.find("'", i + 1)
            i = n if end < 0 else end
        elif c == "\\":
            i += 1
        i += 1
    return n


def expand(word: str, env: Mapping[str, str]) -> str:
    """$VAR, ${VAR}, ${VAR:-default} expanded from `env`; unknown variables are left as written."""
    return _expand(word, env, keep_unknown=True)


def _expand(word: str, env: Mapping[str, str], keep_unknown: bool) -> str:
    if "$" not in word:
        return word
    out: list[str] = []
    i = 0
    n = len(word)
    while i < n:
        c = word[i]
        if c == "\\" and i + 1 < n and word[i + 1] == "$" and not keep_unknown:
            out.append("$")
            i += 2
            continue
        if c != "$" or i + 1 >= n:
            out.append(c)
            i += 1
            continue
        if word[i + 1] == "{":
            end = _balanced(word, i + 1, "{", "}")
            body = word[i + 2 : end - 1] if word[end - 1 : end] == "}" else word[i + 2 : end]
            out.append(_expand_braced(body, word[i:end], env, keep_unknown))
            i = end
            continue
        m = _NAME.match(word, i + 1)
        if not m:
            out.append(c)
            i += 1
            continue
        name = m.group(0)
        if name in env:
            out.append(env[name])
        elif keep_unknown:
            out.append(word[i : m.end()])
        i = m.end()
    return "".join(out)


def _expand_braced(body: str, written: str, env: Mapping[str, str], keep_unknown: bool) -> str:
    m = _NAME.match(body)
    if not m:
        return written
    name = m.group(0)
    rest = body[m.end() :]
    value = env.get(name)
    if not rest:
        if value is not None:
            return value
        return written if keep_unknown else ""
    for op in (":-", ":=", "-", "="):
        if rest.startswith(op):
            alt = rest[len(op) :]
            if value is None or (op.startswith(":") and value == ""):
                return _expand(alt, env, keep_unknown)
            return value
    for op in (":+", "+"):
        if rest.startswith(op):
            alt = rest[len(op) :]
            if value is None:
                return written if keep_unknown else ""
            if op == ":+" and value == "":
                return ""
            return _expand(alt, env, keep_unknown)
    # ${VAR#pattern}, ${VAR%pattern}, ${#VAR}, ...: beyond a reader
    return written


def _word_text(word: _Word, env: Mapping[str, str]) -> str:
    return "".join(expand(s, env) if exp else s for s, exp in word.segs)


def _word_literal(word: _Word) -> str:
    return "".join(s for s, _ in word.segs)


def parse_script(
    text: str, first_line: int = 1, env: Mapping[str, str] | None = None
) -> list[SimpleCommand]:
    """The simple commands of `text`, in order, each with the line it starts on.

    `export VAR=value` and bare `VAR=value` commands update the variables later commands are
    expanded with; `VAR=value cmd` applies to that command only."""
    variables: dict[str, str] = dict(env or {})
    out: list[SimpleCommand] = []
    try:
        _parse_into(text, first_line, variables, out, 0)
    except RecursionError:  # pathological nesting: keep what was read
        pass
    return out


def _parse_into(
    text: str, first_line: int, variables: dict[str, str], out: list[SimpleCommand], depth: int
) -> None:
    tokens = _Lexer(text, first_line).run()
    current: list[_Word] = []
    redirect_next = False
    for tok in [*tokens, _Op("\n", 0, len(text))]:
        if isinstance(tok, _Op):
            if tok.op == "redir":
                redirect_next = True
                continue
            redirect_next = False
            if current:
                _emit(text, current, variables, out, depth, tok.start)
                current = []
            continue
        if redirect_next:
            redirect_next = False
            continue
        current.append(tok)


def _emit(
    text: str,
    words: list[_Word],
    variables: dict[str, str],
    out: list[SimpleCommand],
    depth: int,
    end: int,
) -> None:
    # Compound-command keywords: `if test ...; then cmd; fi` yields `test ...` and `cmd`.
    while words and not words[0].quoted and _word_literal(words[0]) in _OPENERS:
        words = words[1:]
    if words and not words[0].quoted and _word_literal(words[0]) in _CLOSERS:
        words = words[1:]
    if not words:
        return
    if _word_literal(words[0]) in ("for", "case", "select", "function"):
        return  # loop headers and function heads run nothing themselves
    line = words[0].line
    raw = text[words[0].start : end].strip()

    # Prefix assignments are expanded left to right, each seeing the ones before it; the
    # command's own words are expanded before any of them take effect (`A=1 echo $A`).
    assignments: list[tuple[str, str]] = []
    local = dict(variables)
    idx = 0
    while idx < len(words):
        m = _ASSIGN.match(_word_literal(words[idx]))
        if not m or (words[idx].segs and not words[idx].segs[0][1]):
            break  # a quoted first segment ('A=b') is a word, not an assignment
        full = _word_text(words[idx], local)
        assignments.append((m.group(1), full[len(m.group(0)) :]))
        local[m.group(1)] = assignments[-1][1]
        idx += 1
    rest = words[idx:]
    if not rest:
        variables.update(assignments)
        out.append(SimpleCommand((), tuple(assignments), line, raw))
        return
    argv = [_word_text(w, variables) for w in rest]

    # Wrappers that run the rest of the line: exec, nohup, env [-i] [-u N] [A=B ...].
    changed = True
    while changed and argv:
        changed = False
        if argv[0] in _WRAPPERS:
            argv = argv[1:]
            changed = True
        elif argv[0] in ("env", "/usr/bin/env"):
            argv = argv[1:]
            while argv:
                if argv[0] in ("-u", "--unset", "-C", "--chdir", "-S") and len(argv) > 1:
                    argv = argv[2:]
                elif argv[0].startswith("-"):
                    argv = argv[1:]
                elif m2 := _ASSIGN.match(argv[0]):
                    assignments.append((m2.group(1), argv[0][len(m2.group(0)) :]))
                    argv = argv[1:]
                else:
                    break
            changed = True
    if not argv:
        out.append(SimpleCommand((), tuple(assignments), line, raw))
        return

    if argv[0] in ("export", "declare", "typeset", "readonly") and not assignments:
        exported: list[tuple[str, str]] = []
        for word in argv[1:]:
            if word.startswith("-"):
                continue
            m3 = _ASSIGN.match(word)
            if m3:
                exported.append((m3.group(1), word[len(m3.group(0)) :]))
            elif _NAME.fullmatch(word) and word in variables:
                exported.append((word, variables[word]))
        variables.update(exported)
        out.append(SimpleCommand(tuple(argv), tuple(exported), line, raw))
        return

    inner = _shell_c_string(argv)
    if inner is not None and depth < _MAX_DEPTH:
        local_vars = dict(variables)
        local_vars.update(assignments)
        _parse_into(inner, line, local_vars, out, depth + 1)
        return
    out.append(SimpleCommand(tuple(argv), tuple(assignments), line, raw))


def _shell_c_string(argv: list[str]) -> str | None:
    """The script of `sh -c '...'` / `bash -lc "..."`, or None."""
    name = argv[0].rsplit("/", 1)[-1]
    if name not in ("sh", "bash", "dash", "zsh", "ash"):
        return None
    for i, word in enumerate(argv[1:], start=1):
        if not word.startswith("-") or word.startswith("--"):
            if word.startswith("--"):
                continue
            return None
        if "c" in word[1:] and i + 1 < len(argv):
            return argv[i + 1]
    return None
