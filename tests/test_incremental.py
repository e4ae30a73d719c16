"""The oracle: any sequence of edits, built incrementally, gives byte-identical output to a cold build."""
from __future__ import annotations

import hashlib
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import NOW, SITE_YAML, Site, article
from sitegen.build import BuildOptions, build


def tree(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


TAGS = ["Ukraine", "Russia", "China", "Zürich", "Trade", "Energy"]
SOURCES = ["Al Jazeera", "AlJazeera", "Punch", "Japan Today", None]


def random_article(rng: random.Random, n: int) -> str:
    meta = {"tags": rng.sample(TAGS, rng.randint(0, 3))}
    source = rng.choice(SOURCES)
    if source:
        meta["source"] = source
    if rng.random() < 0.3:
        meta["summary"] = f"Summary {rng.randint(0, 99)}"
    date = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:00:00+00:00"
    body = "\n\n".join(f"Paragraph {rng.randint(0, 999)} of story {n}." for _ in range(rng.randint(1, 4)))
    return article(f"Story {n} v{rng.randint(0, 9)}", date, body, **meta)


EDITS = ["add", "delete", "rewrite", "rewrite", "touch", "template", "config", "static", "draft", "rename", "body",
         "body", "lead"]


def apply_edit(site, rng: random.Random, step: int, kind: str | None = None) -> str:
    content = site.root / "content"
    files = sorted(content.glob("*.md"))
    kind = kind or rng.choice(EDITS)
    if kind == "add" or not files:
        site.write(f"content/new-{step}.md", random_article(rng, 100 + step))
    elif kind == "delete" and len(files) > 3:
        rng.choice(files).unlink()
    elif kind == "touch":
        path = rng.choice(files)
        path.write_bytes(path.read_bytes())
    elif kind == "template":
        site.write("templates/article.html", '{% extends "default/article.html" %}'
                                             f'{{% block head %}}<meta name="v" content="{step}">{{% endblock %}}')
    elif kind == "config":
        site.write("site.yaml", f"title: Digest {step % 3}\nbase_url: https://example.org/\nper_page: {rng.randint(2, 5)}\n"
                                f"sources:\n  Al Jazeera: {{aliases: [AlJazeera]}}\n")
    elif kind == "static":
        site.write("static/note.txt", f"version {step % 2}")
    elif kind == "rename":  # a new URL for the article, the old page removed
        path = rng.choice(files)
        path.rename(path.with_name(f"renamed-{step}-{path.name}"))
    elif kind in ("body", "lead"):  # front matter kept: the build by the saved plan (planmemo)
        path = rng.choice(files)
        front, _, body = path.read_text().partition("\n---\n")
        sentence = f"Edited {rng.randint(0, 999)}."
        body = f"{sentence}\n\n{body}" if kind == "lead" else f"{body}\n{sentence}\n"  # lead: a new summary
        path.write_text(f"{front}\n---\n{body}")
    elif kind == "draft":
        path = rng.choice(files)
        text = path.read_text()
        path.write_text(text.replace("draft: true\n", "") if "draft: true" in text else
                        text.replace("title:", "draft: true\ntitle:", 1))
    else:
        rng.choice(files).write_text(random_article(rng, step))
    return kind


def assert_warm_equals_cold(site, cold_out, what) -> None:
    warm = build(site.root, BuildOptions(now=NOW))
    cold = build(site.root, BuildOptions(now=NOW, output=cold_out, use_cache=False))
    assert warm.ok and cold.ok, (warm.problems, cold.problems)
    assert tree(site.out) == tree(cold_out), what


def test_incremental_builds_match_cold_builds_after_random_edits(site):
    rng = random.Random(2026)
    for n in range(12):
        site.write(f"content/s{n}.md", random_article(rng, n))
    cold_out = site.root.parent / "cold"
    for step in range(25):  # bounded; bench/ can run longer sequences
        kinds = [apply_edit(site, rng, step) for _ in range(rng.randint(1, 3))]
        assert_warm_equals_cold(site, cold_out, f"step {step}: {kinds}")


@settings(max_examples=10 if settings().max_examples < 1000 else 300)  # each example builds up to ten times
@given(st.lists(st.tuples(st.sampled_from(EDITS), st.integers(0, 2**32)), min_size=1, max_size=5))
def test_any_sequence_of_edits_builds_like_a_cold_build(tmp_path_factory, edits):
    """Hypothesis chooses the edits (and shrinks a failing sequence to the fewest that still fail)."""
    site = Site(tmp_path_factory.mktemp("edits") / "site")
    site.write("site.yaml", SITE_YAML)
    rng = random.Random(0)
    for n in range(6):
        site.write(f"content/s{n}.md", random_article(rng, n))
    build(site.root, BuildOptions(now=NOW))
    for step, (kind, seed) in enumerate(edits):
        apply_edit(site, random.Random(seed), step, kind)
        assert_warm_equals_cold(site, site.root.parent / "cold", f"after {edits[:step + 1]}")


def test_the_cache_keeps_the_bodies_read_last_and_no_more(tmp_path, monkeypatch):
    from contextlib import closing

    from sitegen import cache as cache_module

    monkeypatch.setattr(cache_module, "RECENT_BODIES", 2)
    with closing(cache_module.BuildCache(tmp_path / "cache")) as memo:
        memo.put_parsed_and_markup([], [(f"k{i}", f"<p>{i}</p>", "", 1, "") for i in range(4)])
        reads = []
        real_row = memo._markup_row
        monkeypatch.setattr(memo, "_markup_row", lambda key, columns: reads.append(key) or real_row(key, columns))
        assert [memo.markup_html(k) for k in ("k0", "k1", "k0", "k2", "k0", "k3")] == \
            ["<p>0</p>", "<p>1</p>", "<p>0</p>", "<p>2</p>", "<p>0</p>", "<p>3</p>"]
        assert reads == ["k0", "k1", "k2", "k0", "k3"]  # k0 again once two newer ones had pushed it out
        assert len(memo._recent_html) == 2


def test_a_full_build_reads_summaries_and_names_in_bulk_as_they_are_one_at_a_time(site, monkeypatch):
    from contextlib import closing

    from sitegen import cache as cache_module

    build(site.root, BuildOptions(now=NOW, jobs=1))
    with closing(cache_module.BuildCache(site.root / ".sitegen-cache")) as memo:
        keys = [key for key, in memo.db.execute("SELECT key FROM markup")]
        bulk = memo.markup_digests(keys)
        assert keys and all(bulk.digest(k) == memo.markup_digest(k) and bulk.names(k) == memo.markup_names(k)
                            for k in keys)
        assert any(bulk.names(k) for k in keys)  # the site's bodies mention names
    # A full build asks for no body's summary or names alone: the views and search shards read them in bulk.
    asked = []
    for name in ("markup_digest", "markup_names"):
        monkeypatch.setattr(cache_module.BuildCache, name, lambda self, key, name=name: asked.append(name))
    site.write("site.yaml", SITE_YAML.replace("per_page: 2", "per_page: 3"))  # a full build, from the memo
    result = build(site.root, BuildOptions(now=NOW, jobs=1))
    assert result.ok and result.pages_rendered > 0 and not result.from_plan and asked == []
