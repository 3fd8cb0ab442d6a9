"""md(): stored text as literal Markdown, bare links broken invisibly."""

from __future__ import annotations

import re

from comptoir.ui.text import WORD_JOINER, md


def test_markdown_constructs_are_escaped():
    assert md("**x** [l](u) ![i](p) :red[x] # h") == (
        r"\*\*x\*\* \[l\]\(u\) \!\[i\]\(p\) \:red\[x\] \# h"
    )


def test_bare_links_and_addresses_are_broken_invisibly():
    shown = md("http://a.b www.c.d e@f.g")
    assert shown == rf"http\:{WORD_JOINER}//a\.b www{WORD_JOINER}\.c\.d e\@{WORD_JOINER}f\.g"
    assert not re.search(r"https?:\\?/|www\\?\.|\w@\w", shown.replace("\\", ""))


def test_amounts_and_plain_words_read_the_same():
    assert md("€12.50").replace("\\", "") == "€12.50"
    assert md(None) == ""
    assert md("line\nbreak") == "line break"
