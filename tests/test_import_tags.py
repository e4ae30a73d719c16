"""Suggested tags: site.yaml rules when there are any, else countries, people and organisations; bounded."""
from __future__ import annotations

from importing import imported, newsroom, posted, run_import  # noqa: F401 - fixture
from sitegen.importers.tagging import merge_tags, suggest_tags

TEXT = ("Russian President Vladimir Putin met Indian Prime Minister Narendra Modi in Tianjin. Putin’s visit "
        "follows talks in Beijing, where Chinese officials and NATO observers met. Modi said India and China "
        "would talk again. NATO said little. Putin left on Sunday. The Shanghai Cooperation Organisation met once.")


def test_without_rules_countries_people_and_organisations_named_most_come_out():
    tags = suggest_tags("Putin and Modi meet in China", TEXT, {})
    assert tags == ["China", "Vladimir Putin", "Narendra Modi", "India", "NATO"], "a headline mention counts 3"
    assert "Russia" not in tags and "Shanghai Cooperation Organisation" not in tags, "named once: not the topic"
    assert "Sunday" not in tags and "Prime Minister" not in " ".join(tags)


def test_rules_decide_alone_matching_whole_words_capitals_exactly_lowercase_in_any_case():
    rules = {"Ukraine": ("Ukraine", "Kyiv", "Zelenskyy"), "US": ("US",), "Truce": ("ceasefire",), "Asia": ("Tianjin",)}
    text = "Kyiv wants a Ceasefire, they told us. Zelenskyy agreed. Ukrainians hope."
    assert suggest_tags("Talks in Kyiv", text, rules) == ["Ukraine", "Truce"]


def test_given_tags_come_first_and_the_total_is_bounded_by_max_tags(newsroom):
    newsroom.write("site.yaml", newsroom.root.joinpath("site.yaml").read_text() + "max_tags: 3\n")
    run_import(newsroom, newsroom.write("d.txt", posted("Putin and Modi meet in China", TEXT + " (Punch)")),
               tags=("Asia", "World"))
    assert imported(newsroom)["Putin and Modi meet in China"].tags == ("Asia", "World", "China")
    run_import(newsroom, newsroom.write("e.txt", posted("Putin and Modi meet again", TEXT + " (Punch)")),
               tags=("Asia", "World", "Trade", "Energy"))
    assert imported(newsroom)["Putin and Modi meet again"].tags == ("Asia", "World", "Trade", "Energy")


def test_merge_keeps_one_tag_per_slug_and_every_given_tag():
    assert merge_tags(["Zürich", "A", "B"], ["zurich", "C", "D"], 2) == ("Zürich", "A", "B")
    assert merge_tags([], ["Russia", "russia", "China"], 5) == ("Russia", "China")


def test_site_rules_tag_imported_articles(newsroom):
    newsroom.write("site.yaml", newsroom.root.joinpath("site.yaml").read_text()
                   + "tagging:\n  Ukraine: [Ukraine, Kyiv, Zelenskyy]\n  Diplomacy: [summit, talks]\n")
    run_import(newsroom, newsroom.write("d.txt", posted("Kyiv hosts summit", "Zelenskyy welcomed guests. (Punch)")))
    assert imported(newsroom)["Kyiv hosts summit"].tags == ("Ukraine", "Diplomacy")
