"""find_secrets skips a pattern when its required text is absent: every shape each pattern
accepts still carries that text, so every variant is still found."""

from __future__ import annotations

import random

from spacedoctor.sources.secrets import _NEEDS, _PATTERNS, find_secrets

_RNG = random.Random(5)


def _rand(n: int, alphabet: str) -> str:
    return "".join(_RNG.choice(alphabet) for _ in range(n))


LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
ALNUM = LETTERS + "0123456789"
UPPER_NUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def _variants() -> list[str]:
    out = ["hf_" + _rand(34, LETTERS), "api_org_" + _rand(34, LETTERS)]
    for mid in ("", "proj-", "svcacct-", "admin-"):
        out.append(f"sk-{mid}{_rand(24, ALNUM)}T3BlbkFJ{_rand(24, ALNUM)}")
    out += [f"sk-ant-{k}-{_rand(90, ALNUM)}" for k in ("api03", "admin01")]
    out += [p + _rand(16, UPPER_NUM) for p in ("AKIA", "ASIA")]
    out += [f"gh{c}_{_rand(36, ALNUM)}" for c in "pousr"]
    out += ["github_pat_" + _rand(82, ALNUM), "AIza" + _rand(35, ALNUM)]
    out += [f"xox{c}-{_rand(10, '0123456789')}-{_rand(24, ALNUM)}" for c in "baprs"]
    return out


def test_every_shape_is_found_with_its_required_text() -> None:
    assert len(_NEEDS) == len(_PATTERNS)
    for value in _variants():
        matching = [i for i, (_, pattern) in enumerate(_PATTERNS) if pattern.fullmatch(value)]
        assert matching, value
        for i in matching:
            assert any(n in value for n in _NEEDS[i]), value
        hits = find_secrets(f'KEY = "{value}"\n')
        assert [h.value for h in hits] == [value]
