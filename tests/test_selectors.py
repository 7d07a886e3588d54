"""Every citation carries W3C Web Annotation selectors: the quote with 32 code points of context
on each side (fewer at the text's ends), and its position. A client can find every quote again
in a copy of the article whose offsets moved, from the words and their context alone."""

from collections.abc import Iterator
from typing import Any

from fastapi.testclient import TestClient

from app.settings import PROJECT_ROOT
from tests.support.anchoring import reanchor
from tests.support.helpers import walk

SOURCE_ID = "haitiwire-2025-02-mss-support-office"
CONTEXT = 32


def cited_records(client: TestClient) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every citation of every kind of record, with where it was read."""
    reads = [
        "/facts?limit=500",
        "/missions?limit=500",
        "/actors?limit=500",
        "/citations?limit=500",
        "/missions/mss",
        f"/sources/{SOURCE_ID}",
    ]
    for path in reads:
        body = client.get(path).json()
        for citation in walk(body, {"source_id", "start", "end", "quote"}):
            yield path, citation


def test_every_citation_has_both_selectors_cut_from_its_source_text(client: TestClient) -> None:
    text = client.get(f"/sources/{SOURCE_ID}").json()["text"]
    seen = 0
    for path, citation in cited_records(client):
        by_words, by_position = citation["selectors"]
        start, end = citation["start"], citation["end"]
        assert by_words == {
            "type": "TextQuoteSelector",
            "exact": citation["quote"],
            "prefix": text[max(start - CONTEXT, 0) : start],
            "suffix": text[end : end + CONTEXT],
        }, (path, citation["quote"])
        assert by_position == {"type": "TextPositionSelector", "start": start, "end": end}
        seen += 1
    assert seen > 100


def test_context_is_shorter_only_at_the_ends_of_the_text(client: TestClient) -> None:
    text = client.get(f"/sources/{SOURCE_ID}").json()["text"]
    for _, citation in cited_records(client):
        prefix = citation["selectors"][0]["prefix"]
        suffix = citation["selectors"][0]["suffix"]
        assert len(prefix) == min(CONTEXT, citation["start"])
        assert len(suffix) == min(CONTEXT, len(text) - citation["end"])


def test_the_citation_list_names_every_cited_span_once(client: TestClient) -> None:
    listed = client.get("/citations", params={"limit": 500}).json()["items"]
    spans = [(c["source_id"], c["start"], c["end"]) for c in listed]
    assert len(spans) == len(set(spans))
    cited = {
        (c["source_id"], c["start"], c["end"])
        for fact in client.get("/facts", params={"limit": 500}).json()["items"]
        for c in fact["citations"]
    }
    assert cited <= set(spans)
    one = client.get("/citations", params={"source": "no-such-source"}).json()
    assert one["items"] == []


INSERTED = "\n\nEditor's note: this paragraph was added to a copy, about the trust fund.\n"


def edited_copy(text: str, repeated: str) -> tuple[str, list[int]]:
    """The article re-saved: every run of line breaks re-wrapped with indented blank lines,
    sentences parted by two spaces, a paragraph inserted at the top that repeats the words
    `repeated`, and one in the middle. Also gives, for each character of the text, where it
    stands in the copy."""
    out = [f"Republished copy. In short: {repeated}.\n\n"]
    size = len(out[0])
    where: list[int] = []
    middle = text.index("\n", len(text) // 2)
    for i, character in enumerate(text):
        if i == middle:
            out.append(INSERTED)
            size += len(INSERTED)
        where.append(size)
        if character == "\n":
            piece = "" if text[i - 1 : i] == "\n" else "\n\n  "
        elif character == " " and text[i - 1 : i] == ".":
            piece = "  "
        else:
            piece = character
        out.append(piece)
        size += len(piece)
    return "".join(out), where


def test_every_quote_is_found_again_in_an_edited_copy_from_its_words_alone(
    client: TestClient,
) -> None:
    original = (PROJECT_ROOT / "seed" / "mss-support-office-2025-02.txt").read_text("utf-8")
    assert client.get(f"/sources/{SOURCE_ID}").json()["text"] == original
    quotes = client.get("/citations", params={"limit": 500}).json()["items"]
    repeated = quotes[len(quotes) // 2]["quote"]
    copy, where = edited_copy(original, repeated)
    assert copy.count(repeated) == 2  # so its words alone cannot say which one it is
    moved = 0
    for path, citation in cited_records(client):
        by_words = citation["selectors"][0]
        found = reanchor(
            copy, exact=by_words["exact"], prefix=by_words["prefix"], suffix=by_words["suffix"]
        )
        # The very place the quote moved to, not only the same words somewhere else.
        assert found == (where[citation["start"]], where[citation["end"] - 1] + 1), (
            path,
            by_words["exact"],
        )
        moved += found[0] != citation["start"]
    assert moved > 100  # the offsets did move: only the words found them
