"""The shell reader: commands, lines, quotes, expansion, assignments, wrappers and sh -c."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from spacedoctor.sources.shell import SimpleCommand, expand, parse_script


def argvs(cmds: list[SimpleCommand]) -> list[tuple[str, ...]]:
    return [c.argv for c in cmds]


def test_operators_split_commands_and_keep_lines() -> None:
    cmds = parse_script("a 1 && b 2 || c; d | e & f\ng\n\nh", first_line=10)
    assert argvs(cmds) == [("a", "1"), ("b", "2"), ("c",), ("d",), ("e",), ("f",), ("g",), ("h",)]
    assert [c.line for c in cmds] == [10, 10, 10, 10, 10, 10, 11, 13]


def test_backslash_continuation_keeps_the_start_line() -> None:
    cmds = parse_script("uvicorn app:app \\\n  --host 0.0.0.0 \\\n  --port 7860\necho done")
    assert cmds[0].argv == ("uvicorn", "app:app", "--host", "0.0.0.0", "--port", "7860")
    assert cmds[0].line == 1
    assert cmds[1].line == 4


def test_comments_are_dropped_but_hash_inside_words_is_not() -> None:
    cmds = parse_script("# a comment\necho a#b 'c # d' # trailing\n")
    assert argvs(cmds) == [("echo", "a#b", "c # d")]
    assert cmds[0].line == 2


def test_quotes_and_expansion() -> None:
    env = {"HOME": "/home/user"}
    cmds = parse_script("""echo "$HOME/a b" '$HOME' ${HOME}/c $UNKNOWN \\$HOME""", env=env)
    assert cmds[0].argv == ("echo", "/home/user/a b", "$HOME", "/home/user/c", "$UNKNOWN", "$HOME")


def test_expand_forms() -> None:
    env = {"A": "1", "EMPTY": ""}
    assert expand("$A ${A} ${B:-dflt} ${B} $B", env) == "1 1 dflt ${B} $B"
    assert expand("${EMPTY:-x}|${EMPTY-x}|${A:+set}|${EMPTY:+set}", env) == "x||set|"
    assert expand("${B:-${A}/x}", env) == "1/x"
    assert expand("no vars", env) == "no vars"
    assert expand("$", env) == "$"


def test_export_and_bare_assignments_are_seen_by_later_commands() -> None:
    cmds = parse_script("export HF_HOME=/tmp/hf\nX=1\nmkdir -p $HF_HOME/$X\nexport X")
    assert cmds[0].assignments == (("HF_HOME", "/tmp/hf"),)
    assert cmds[1].argv == () and cmds[1].assignments == (("X", "1"),)
    assert cmds[2].argv == ("mkdir", "-p", "/tmp/hf/1")
    assert cmds[3].assignments == (("X", "1"),)


def test_prefix_assignment_applies_to_that_command_only() -> None:
    cmds = parse_script("A=1 B=$A run $A\necho $A")
    assert cmds[0].assignments == (("A", "1"), ("B", "1"))
    assert cmds[0].argv == ("run", "$A")
    assert cmds[1].argv == ("echo", "$A")


def test_wrappers_are_stripped() -> None:
    cmds = parse_script("exec env -i PORT=7860 nohup python app.py")
    assert cmds[0].argv == ("python", "app.py")
    assert cmds[0].assignments == (("PORT", "7860"),)
    assert parse_script("sudo chown user /app")[0].argv == ("sudo", "chown", "user", "/app")


def test_sh_c_is_followed() -> None:
    cmds = parse_script(
        """bash -c 'cd /app && exec uvicorn main:app --port "$PORT"'""", 5, {"PORT": "80"}
    )
    assert argvs(cmds) == [("cd", "/app"), ("uvicorn", "main:app", "--port", "80")]
    assert {c.line for c in cmds} == {5}
    assert argvs(parse_script('/bin/sh -ec "echo hi"')) == [("echo", "hi")]


def test_redirections_and_heredoc_bodies_are_not_words() -> None:
    text = "python app.py > /tmp/log 2>&1\ncat <<-EOF > /etc/x\n\tnot a command\n\tEOF\nnext"
    assert argvs(parse_script(text)) == [("python", "app.py"), ("cat",), ("next",)]
    assert parse_script(text)[2].line == 5


def test_compound_keywords() -> None:
    text = "if [ -d /data ]; then\n  mkdir -p /data/x\nelse\n  echo no\nfi"
    assert argvs(parse_script(text)) == [
        ("[", "-d", "/data", "]"),
        ("mkdir", "-p", "/data/x"),
        ("echo", "no"),
    ]


def test_unterminated_quote_ends_the_word() -> None:
    assert argvs(parse_script("echo 'abc")) == [("echo", "abc")]
    assert argvs(parse_script('echo "abc')) == [("echo", "abc")]


def test_command_substitution_is_one_word() -> None:
    cmds = parse_script("cd $(dirname $0) && python x.py")
    assert argvs(cmds) == [("cd", "$(dirname $0)"), ("python", "x.py")]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab $'\"\\\n;&|(){}<>#=-`*", max_size=60))
def test_never_raises(text: str) -> None:
    for cmd in parse_script(text, env={"a": "b"}):
        assert cmd.line >= 1
