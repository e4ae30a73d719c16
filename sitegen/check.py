"""`sitegen check`: build the site into a temporary folder and look at every file of it.

Problems (exit 1): everything `sitegen build` reports (front matter, duplicate URLs, templates), a
link or image inside the site that leads nowhere (missing page, file or #anchor, or out of the
base path), a tag or source without its page, a feed or sitemap that is not well-formed XML, and,
with --external, links to other sites that do not answer. Warnings (problems with --strict): script
in hand-written article bodies, which is published as written, and front-matter keys that look like
misspelt known ones. `sitegen build --strict` runs the same checks (not --external) on the staged
site before its commit point, so a site that fails them never reaches build/.
"""
from __future__ import annotations

import datetime as dt
import difflib
import tempfile
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Mapping
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree
from defusedxml import DefusedXmlException

from sitegen.build import BuildOptions, build
from sitegen.planmemo import drop_plan
from sitegen.cache import CACHE_DIR, BuildCache
from sitegen.config import Config, load_config
from sitegen.content import KNOWN_KEYS, Article
from sitegen.errors import Problem, SiteError
from sitegen.external_links import TIMEOUT, check_external_links
from sitegen.htmlscan import risky_markup, start_tags
from sitegen.routes import Route, StaticFile, output_for, term_path
from sitegen.sitelinks import EXTERNAL, INTERNAL, LinkResolver, Reference, SiteOutput, SourceFinder, scan_page
from sitegen.slugs import slugify
from sitegen.statics import find_static_files
from sitegen.workers import default_jobs, map_in_workers

# Keys `sitegen import` writes, close to known ones on purpose ('sources' lists every outlet of 'source').
IMPORTER_KEYS = {"id", "import_hash", "sources"}


@dataclass(frozen=True, slots=True)
class CheckOptions:
    drafts: bool = False
    future: bool = False
    base_url: str | None = None
    external: bool = False
    timeout: float = TIMEOUT  # per external link
    use_cache: bool = True
    now: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class CheckReport:
    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...] = ()
    files: int = 0  # files of the built site looked at
    links: int = 0  # links and images inside the site followed
    external: int = 0  # links to other sites asked (with --external)

    def failed(self, strict: bool = False) -> bool:
        return bool(self.problems or strict and self.warnings)


def check_site(site_dir: Path | str, options: CheckOptions = CheckOptions()) -> CheckReport:
    """Build site_dir into a temporary folder (the site's build/ is not touched) and check the result."""
    site_dir = Path(site_dir).resolve()
    with tempfile.TemporaryDirectory(prefix="sitegen-check-") as tmp:
        out = Path(tmp) / "site"
        cache = BuildCache(site_dir / CACHE_DIR if options.use_cache else Path(tmp) / "cache")
        try:
            result = build(site_dir, BuildOptions(output=out, drafts=options.drafts, future=options.future,
                                                  base_url=options.base_url, now=options.now), cache)
            if not result.ok:
                return CheckReport(result.problems)
            files = {p.relative_to(out).as_posix(): p for p in out.rglob("*") if p.is_file()}
            site = SiteOutput(site_dir, _config(site_dir, options.base_url), result.routes,
                              tuple(find_static_files(site_dir)), files, cache.markup_html)
            return inspect_site(site, options)
        finally:
            cache.forget_manifest(out)  # the folder is gone: no rows about it in the site's cache
            drop_plan(cache, out)
            cache.close()


def strict_verifier(site_dir: Path, config: Config, routes: list[Route], statics: list[StaticFile],
                    body_html: Callable[[str], str]) -> Callable[[Mapping[str, Path]], None]:
    """For `build --strict`: checks the files of a site about to be committed (output path -> file
    holding its bytes) and raises SiteError with its problems and warnings alike."""
    def verify(files: Mapping[str, Path]) -> None:
        report = inspect_site(SiteOutput(site_dir, config, tuple(routes), tuple(statics), files, body_html),
                              CheckOptions())
        if report.failed(strict=True):
            raise SiteError([*report.problems, *report.warnings])
    return verify


def inspect_site(site: SiteOutput, options: CheckOptions) -> CheckReport:
    pages = _scan_pages(site.files)
    resolver = LinkResolver(site.config, site.files, {rel: ids for rel, (_, ids) in pages.items()})
    finder = SourceFinder(site)
    links, external, followed = _link_problems(pages, resolver, finder)
    problems = links + _xml_problems(site, resolver) + _term_problems(site)
    if options.external:
        problems += _external_problems(external, finder, options.timeout)
    articles = [r.context["article"] for r in site.routes if r.kind == "article"]
    warnings = _body_warnings(site, articles, finder) + _key_warnings(articles)
    return CheckReport(_merged(problems), tuple(sorted(warnings, key=_place)), len(site.files), followed,
                       len(external))


def _scan_pages(files: Mapping[str, Path]) -> dict[str, tuple[list[Reference], set[str]]]:
    """page -> (references, ids) for every HTML file, parsed in worker processes on big sites."""
    pages = sorted(rel for rel in files if rel.endswith(".html"))
    scanned = {}
    for chunk in map_in_workers(lambda part: [(rel, scan_page(rel, files[rel])) for rel in part], pages,
                                default_jobs(), chunk_size=100):
        scanned.update(chunk)
    return scanned


def _link_problems(pages: dict, resolver: LinkResolver, finder: SourceFinder) -> tuple[list, dict, int]:
    """Problems of internal links, the first place of every external one, and how many were followed."""
    found, external, followed = [], {}, 0
    for page, (references, _) in pages.items():
        for ref in references:
            kind, detail = resolver.judge(page, ref.url)
            followed += kind == INTERNAL
            if kind == EXTERNAL:
                external.setdefault(detail, ref)
            elif kind == INTERNAL and detail:
                path, line = finder.locate(page, ref.line, _needles(ref.url, resolver.prefix))
                what = "image" if ref.tag == "img" else "link"
                found.append(Problem(path, line, f"{what} {ref.url} leads nowhere: {detail}"))
    return found, external, followed


def _needles(url: str, prefix: str) -> list[str]:
    """How a URL may be written in a source, most telling first: a Markdown link or image, an HTML
    attribute, a site path without the prefix (templates write site.url('/path/')), the bare URL."""
    written = [f"]({url}", f"<{url}>", f'="{url}"', f"='{url}'", f"={url}"]
    if prefix != "/" and url.startswith(prefix):
        written.append(f"'/{url[len(prefix):]}'")
        written.append(f'"/{url[len(prefix):]}"')
    return written + [url]


def _xml_problems(site: SiteOutput, resolver: LinkResolver) -> list[Problem]:
    """Feeds, the sitemap and any XML from static/ must parse; the site's own pages they list must exist."""
    found = []
    for rel, path in site.files.items():
        if not rel.endswith(".xml"):
            continue
        shown = site.owner_of.get(rel) or f"(feed or sitemap {rel})"
        try:
            root = defusedxml.ElementTree.parse(path).getroot()
        except ParseError as exc:
            found.append(Problem(shown, exc.position[0], f"not well-formed XML: {str(exc).split(':')[0]}"))
            continue
        except DefusedXmlException as exc:
            found.append(Problem(shown, None, f"XML with entity declarations or a DTD ({exc})"))
            continue
        for url in _xml_urls(root):
            kind, reason = resolver.judge(rel, url)
            if kind == INTERNAL and reason:
                found.append(Problem(shown, None, f"lists {url}, which leads nowhere: {reason}"))
    return found


def _xml_urls(root) -> list[str]:
    """Sitemap <loc>s and Atom <link href>s."""
    urls = [e.text.strip() for e in root.iter() if isinstance(e.tag, str) and e.tag.endswith("}loc") and e.text]
    return urls + [e.get("href") for e in root.iter() if isinstance(e.tag, str) and e.tag.endswith("}link") and e.get("href")]


def _term_problems(site: SiteOutput) -> list[Problem]:
    found = []
    for route in site.routes:
        if route.kind != "article":
            continue
        article: Article = route.context["article"]
        terms = [("tag", "tags", name) for name in article.tags]
        terms += [("source", "source", article.source)] if article.source else []
        for kind, key, name in terms:
            if output_for(term_path(kind, slugify(name))) not in site.files:
                found.append(Problem(article.path, article.lines.get(key), f"{kind} '{name}' has no page"))
    return found


def _external_problems(external: dict, finder: SourceFinder, timeout: float) -> list[Problem]:
    found = []
    for url, failure in check_external_links(external, timeout).items():
        ref = external[url]
        path, line = finder.locate(ref.page, ref.line, [ref.url])
        found.append(Problem(path, line, f"external link {url} {failure}"))
    return found


def _body_warnings(site: SiteOutput, articles: list[Article], finder: SourceFinder) -> list[Problem]:
    """Script in article bodies: kept as the editor wrote it (hand-written HTML is trusted), but worth a look."""
    found = []
    for article in articles:
        for risk in risky_markup(start_tags(site.body_html(article.body_key)), {"script"}):
            line = finder.line_of(article.path, [risk.text])
            found.append(Problem(article.path, line, f"{risk.what} in the article body",
                                 "raw HTML is published as written and runs in readers' browsers"))
    return found


def _key_warnings(articles: list[Article]) -> list[Problem]:
    found = []
    for article in articles:
        for key in article.extra:
            close = difflib.get_close_matches(str(key), KNOWN_KEYS, n=1, cutoff=0.8)
            if close and key not in IMPORTER_KEYS:
                found.append(Problem(article.path, article.lines.get(key), f"unknown key '{key}' (did you mean "
                                                                           f"'{close[0]}'?); it does nothing"))
    return found


def _merged(problems: list[Problem]) -> tuple[Problem, ...]:
    """One line for a problem found on many pages (a broken link in a template), with the count."""
    counts = Counter(problems)
    return tuple(p if counts[p] == 1 else replace(p, message=f"{p.message} (on {counts[p]} pages)")
                 for p in sorted(counts, key=_place))


def _place(problem: Problem) -> tuple:
    return problem.path, problem.line or 0


def _config(site_dir: Path, base_url: str | None) -> Config:
    config = load_config(site_dir)
    return config.with_base_url(base_url) if base_url else config
