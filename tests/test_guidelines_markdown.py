"""Guideline Markdown renders to HTML that cannot run code in the reader's browser."""

from __future__ import annotations

import re

import pytest

from guidelines.markdown import render_markdown


def test_markdown_formatting_survives_sanitising():
    html = render_markdown("## positive\n\n**Happy** words, *mostly*.\n\n- one\n- two")
    assert "<h2>positive</h2>" in html
    assert "<strong>Happy</strong>" in html
    assert "<li>one</li>" in html


def test_script_tags_are_dropped_with_their_content():
    html = render_markdown("Before <script>alert('x')</script> after")
    assert "<script" not in html
    assert "alert" not in html
    assert "after" in html


def test_event_handler_attributes_are_removed():
    html = render_markdown('<img src="cat.png" onerror="alert(1)"> <b onclick="x()">b</b>')
    assert "onerror" not in html
    assert "onclick" not in html
    assert 'src="cat.png"' in html


@pytest.mark.parametrize(
    "source",
    [
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">click</a>',
        '<a href="JaVaScRiPt:alert(1)">click</a>',
        '<a href="  javascript:alert(1)">click</a>',
    ],
)
def test_javascript_links_lose_their_target(source):
    html = render_markdown(source).lower()
    assert not re.search(r"(href|src)=\"\s*javascript:", html)
    assert "click" in html


def test_data_urls_in_images_are_removed():
    html = render_markdown(
        '![x](data:image/svg+xml;base64,PHN2Zz4=) <img src="data:text/html,<script>1</script>">'
    )
    assert not re.search(r"src=\"\s*data:", html)
    assert "<img" in html


def test_raw_html_blocks_keep_only_safe_tags():
    source = (
        '<div style="position:fixed" class="x">\n<iframe src="https://evil.example"></iframe>\n'
        "<style>body{display:none}</style>\n<kbd>Ctrl</kbd>\n</div>\n"
    )
    html = render_markdown(source)
    assert "<iframe" not in html
    assert "<style" not in html
    assert "display:none" not in html
    assert "style=" not in html
    assert "<kbd>Ctrl</kbd>" in html


def test_links_get_safe_rel_attributes():
    html = render_markdown("[docs](https://example.org/guide)")
    assert 'href="https://example.org/guide"' in html
    assert 'rel="noopener nofollow"' in html


def test_an_empty_guideline_renders_to_nothing():
    assert render_markdown("   \n") == ""
