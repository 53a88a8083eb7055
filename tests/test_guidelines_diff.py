"""Word diffs between guideline versions and the labels whose sections changed."""

from __future__ import annotations

import re
from html import unescape

from hypothesis import given, settings
from hypothesis import strategies as st

from guidelines.diff import changed_labels, diff_html, diff_stats, sections
from guidelines.diff_rendered import markdown_blocks, rendered_diff_html
from labeling.values import schema_labels, value_labels
from tests.factories import RATING_SCHEMA, SINGLE_SCHEMA

LABELS = ["positive", "negative", "neutral"]


def test_changed_words_are_marked_inline():
    html = diff_html("Mark sad texts.", "Mark sad or angry texts.")
    assert html == "Mark sad <ins>or angry </ins>texts."


def test_removed_words_are_struck():
    html = diff_html("Always label sarcasm.", "Label sarcasm.")
    assert "<del>Always label</del>" in html
    assert "<ins>Label</ins>" in html


def test_diff_text_is_escaped_before_marking():
    html = diff_html("a", "a <script>alert(1)</script>")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_identical_texts_have_no_marks():
    assert "<ins>" not in diff_html("same text", "same text")
    assert not diff_stats("same text", "same text").changed


def test_diff_stats_count_words_not_spaces():
    stats = diff_stats("one two", "one two three four")
    assert (stats.inserted, stats.deleted) == (2, 0)


def test_sections_split_on_headings_but_not_inside_code_fences():
    text = "intro\n# positive\nhappy\n```\n# not a heading\n```\n## negative\nsad"
    assert [heading for heading, _ in sections(text)] == ["positive", "negative"]


def test_only_labels_whose_section_changed_are_reported():
    old = "# positive\nhappy\n# negative\nsad\n# neutral\nneither"
    new = "# positive\nhappy\n# negative\nsad or angry\n# neutral\nneither"
    assert changed_labels(old, new, LABELS) == ["negative"]


def test_a_new_section_counts_as_a_change_for_its_label():
    assert changed_labels(
        "# positive\nhappy", "# positive\nhappy\n# Neutral cases\nfacts", LABELS
    ) == ["neutral"]


def test_a_label_must_be_named_as_a_whole_word():
    assert changed_labels("", "# Nonpositive remarks\nx", LABELS) == []


def test_edits_outside_label_sections_change_no_label():
    old = "# General\nRead the whole text.\n# positive\nhappy"
    new = "# General\nRead the whole text twice.\n# positive\nhappy"
    assert changed_labels(old, new, LABELS) == []


def test_rating_schemas_use_scale_points_as_labels():
    assert schema_labels(RATING_SCHEMA) == ["1", "2", "3", "4", "5"]
    assert schema_labels(SINGLE_SCHEMA) == LABELS


def test_value_labels_reads_every_kind():
    assert value_labels({"label": "a"}) == ("a",)
    assert value_labels({"labels": ["a", "b", "a"]}) == ("a", "b")
    assert value_labels({"rating": 4}) == ("4",)
    assert value_labels({"spans": [{"start": 0, "end": 1, "label": "PER"}]}) == ("PER",)
    assert value_labels(None) == ()


def test_one_edit_in_a_long_repetitive_guideline_is_marked_exactly():
    old = "# positive\nhappy\n" + "Read the whole text. " * 3000
    new = old.replace("happy", "happy or glad")
    html = diff_html(old, new)
    assert html.count("<ins>") == 1
    assert "happy<ins> or glad</ins>" in html


def test_a_rewritten_long_block_is_shown_as_one_replacement():
    old = " ".join(f"w{i}" for i in range(3000))
    new = " ".join(f"v{i}" for i in range(3000))
    html = diff_html(old, new)
    assert (html.count("<del>"), html.count("<ins>")) == (1, 1)
    assert diff_stats(old, new).inserted == 3000


def test_line_changes_keep_unchanged_lines_whole():
    assert diff_html("a\nb\nc\n", "a\nB\nc\n") == "a\n<del>b</del><ins>B</ins>\nc\n"


def _side(html: str, drop: str) -> str:
    """Rebuild one side of a diff: remove the other side's marks with their text, unescape."""
    kept = re.sub(rf"<{drop}>.*?</{drop}>", "", html, flags=re.DOTALL)
    return unescape(re.sub(r"</?(ins|del)>", "", kept))


PIECES = st.sampled_from(["a", "b", " ", "<", "&", ">", ".", "\n", "# ", "word", "label", "\r"])
TEXT = st.lists(PIECES, max_size=30).map("".join)


@settings(max_examples=200, deadline=None)
@given(old=TEXT, new=TEXT)
def test_the_diff_rebuilds_both_versions_exactly(old, new):
    html = diff_html(old, new)
    assert _side(html, "ins") == old
    assert _side(html, "del") == new
    assert "<script" not in html.replace("&lt;script", "")


def test_the_rendered_diff_marks_changed_blocks_and_keeps_unchanged_ones_plain():
    html = rendered_diff_html(
        "# Title\n\nKeep me.\n\nOld *rule*.", "# Title\n\nKeep me.\n\nNew **rule**."
    )
    assert html.startswith("<h1>Title</h1>\n<p>Keep me.</p>")
    assert (
        '<del class="diff-block diff-removed"><p class="diff-tag">Removed</p><p>Old <em>rule</em>.</p>'
        in html
    )
    assert (
        '<ins class="diff-block diff-added"><p class="diff-tag">Added</p><p>New <strong>rule</strong>.</p>'
        in html
    )


def test_the_rendered_diff_keeps_fenced_code_with_blank_lines_as_one_block():
    assert markdown_blocks("a\n\n```\nx\n\ny\n```\n\nb") == ["a", "```\nx\n\ny\n```", "b"]
