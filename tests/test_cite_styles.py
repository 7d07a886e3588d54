"""GET /facts/{id}/cite?style=...: one sentence a journalist can paste into an article, in plain
text, Markdown or HTML, that keeps the qualifier's meaning and never credits a source with a
figure this API calculated."""

import html
import re
from typing import Any

from fastapi.testclient import TestClient

from app.domain.vocabulary import QUALIFIER_WORDS, Qualifier
from tests.support.editing import Editor, personnel_fact
from tests.support.helpers import assert_problem

MULTIPLIERS = {"million": 1e6, "billion": 1e9}
# A number as an article writes it, with what may stand before it: "$110.8 million", "6,000".
NUMBER = re.compile(
    r"(?P<before>[\w ]{0,20}?)\$?(?P<digits>\d[\d,]*(?:\.\d+)?)(?:\s(?P<scale>million|billion))?"
)


def facts(client: TestClient) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = client.get("/facts", params={"limit": 500}).json()["items"]
    return items


def sentence(client: TestClient, fact_id: str) -> str:
    response = client.get(f"/facts/{fact_id}/cite", params={"style": "sentence"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return response.text.strip()


def numbers_in(text: str) -> list[tuple[float, str]]:
    """Every number the text states, scaled ("$110.8 million" is 110800000), with the words
    just before it."""
    found = []
    for match in NUMBER.finditer(text):
        value = float(match["digits"].replace(",", ""))
        value *= MULTIPLIERS.get(match["scale"] or "", 1)
        found.append((value, match["before"].strip().lower()))
    return found


def every_qualifier_word() -> dict[str, str]:
    return {word: qualifier for qualifier, words in QUALIFIER_WORDS.items() for word in words}


def test_each_sentence_states_the_records_number_with_its_qualifiers_meaning(
    client: TestClient,
) -> None:
    words_of = every_qualifier_word()
    checked = 0
    for fact in facts(client):
        quantity = fact["quantity"]
        if quantity is None or quantity["value"] is None:
            continue
        text = sentence(client, fact["id"])
        stated = [(v, before) for v, before in numbers_in(text) if v == quantity["value"]]
        assert stated, (fact["id"], text)
        _, before = stated[0]
        said = {q for word, q in words_of.items() if before.endswith(word)}
        qualifier = quantity["qualifier"] or Qualifier.exact
        if qualifier == Qualifier.exact:
            assert said == set(), (fact["id"], text)  # never "about 1,000" for "1,000"
        else:
            assert said == {qualifier}, (fact["id"], text)  # "over 6,000", never "6,000"
        checked += 1
    assert checked >= 8


def test_a_sentence_never_gives_a_figure_the_source_does_not(client: TestClient) -> None:
    for fact in facts(client):
        quantity = fact["quantity"]
        if quantity is None or quantity["value"] is not None:
            continue
        text = sentence(client, fact["id"])
        if quantity["unit"] == "USD":
            assert "$" not in text and "million" not in text, (fact["id"], text)
        summary_numbers = {v for v, _ in numbers_in(fact["summary"])}
        assert {v for v, _ in numbers_in(text)} <= summary_numbers, (fact["id"], text)


def test_a_derived_figure_is_calculated_from_the_source_never_credited_to_it(
    client: TestClient,
) -> None:
    derived = [fact for fact in facts(client) if fact["derived"]]
    assert derived
    for fact in derived:
        text = sentence(client, fact["id"])
        assert "calculated from figures reported by" in text, text
        assert "according to" not in text and " reported." not in text, text
        for term in fact["derivation"]["derived_from"]:
            value = client.get(f"/facts/{term}").json()["quantity"]["value"]
            assert value in {v for v, _ in numbers_in(text)}, (term, text)


def test_the_sentence_names_who_the_source_says_claims_it(client: TestClient) -> None:
    text = sentence(client, "hti-displacement-recent-weeks-2025-02")
    assert text.startswith("Over 6,000 people were displaced")
    assert text.endswith("according to UN reports cited by HaitiWire (haitiwire.com).")
    publisher = client.get("/sources").json()["items"][0]["publisher"]
    for fact in facts(client):
        text = sentence(client, fact["id"])
        assert publisher in text, text
        assert text.count("according to") <= 1, text


def test_no_sentence_quotes_a_title_read_from_a_page_address(client: TestClient) -> None:
    source = client.get("/sources").json()["items"][0]
    assert source["title_derived"] and source["title"]
    for fact in facts(client):
        for style in ("sentence", "markdown", "html"):
            text = client.get(f"/facts/{fact['id']}/cite", params={"style": style}).text
            assert source["title"] not in text, (fact["id"], style)


def test_markdown_and_html_link_the_publisher_and_the_record(client: TestClient) -> None:
    fact_id = "mss-funding-received"
    plain = sentence(client, fact_id)
    source_url = client.get(f"/facts/{fact_id}").json()["citations"][0]["source_url"]
    markdown = client.get(f"/facts/{fact_id}/cite", params={"style": "markdown"})
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert f"](<{source_url}>)" in markdown.text
    assert re.search(
        r"\[Mission Facts\]\(<http://[^>]+/facts/mss-funding-received>\)", markdown.text
    )
    page = client.get(f"/facts/{fact_id}/cite", params={"style": "html"})
    assert page.headers["content-type"].startswith("text/html")
    assert f'<a href="{html.escape(source_url)}">' in page.text
    # The words are the plain sentence's: only the links differ.
    assert re.sub(r"<[^>]+>", "", page.text).startswith(html.escape(plain[:-1]))
    body = client.get(f"/facts/{fact_id}/cite").json()
    assert (body["sentence"], body["markdown"]) == (plain, markdown.text.strip())
    assert body["html"] == page.text.strip()


def test_markdown_and_html_escape_what_the_text_holds(editor: Editor) -> None:
    editor.with_source()
    fact = personnel_fact(
        "test-escaped-summary",
        kind="mission.challenge",
        summary="Test fixture: *not bold* [not a link](javascript:x) <script>x</script>.",
    )
    del fact["quantity"], fact["date"]
    assert editor.post("/facts", fact).status_code == 201
    markdown = editor.client.get("/facts/test-escaped-summary/cite?style=markdown").text
    assert r"\*not bold\*" in markdown and r"\[not a link\]" in markdown
    assert "<script>" not in markdown.replace(r"\<script\>", "")
    page = editor.client.get("/facts/test-escaped-summary/cite?style=html").text
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_styles_are_closed_and_text_answers(client: TestClient) -> None:
    text = client.get("/facts/mss-funding-received/cite", params={"style": "text"})
    assert text.text == client.get("/facts/mss-funding-received/cite?format=text").text
    assert_problem(client.get("/facts/mss-funding-received/cite?style=tweet"), 422)
    assert_problem(client.get("/facts/mss-funding-received/cite?style=html&format=json"), 422)
    assert_problem(client.get("/facts/no-such-fact/cite?style=sentence"), 404)
