"""Markdown rendering is reused and cached (a conversation page renders up to 100 messages), with no
state leaking from one text into the next."""

from __future__ import annotations

import threading

import markdown as markdown_lib

from mentora.core import markdown
from mentora.core.markdown import render_markdown


def test_a_text_is_rendered_once_then_served_from_the_cache(monkeypatch):
    markdown._render.cache_clear()
    converted: list[str] = []
    real_convert = markdown_lib.Markdown.convert
    monkeypatch.setattr(markdown_lib.Markdown, "convert",
                        lambda self, source: converted.append(source) or real_convert(self, source))
    assert render_markdown("**once**") == render_markdown("**once**") == "<p><strong>once</strong></p>"
    assert converted == ["**once**"]


def test_reference_links_of_one_text_do_not_leak_into_the_next():
    markdown._render.cache_clear()
    assert 'href="https://example.com"' in render_markdown("[site][ref]\n\n[ref]: https://example.com")
    assert "href" not in render_markdown("[site][ref]")


def test_each_thread_renders_with_its_own_converter():
    results: list[str] = []
    threads = [threading.Thread(target=lambda n=n: results.append(str(render_markdown(f"*thread {n}*"))))
               for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == sorted(f"<p><em>thread {n}</em></p>" for n in range(8))


def test_output_stays_sanitised():
    assert str(render_markdown("# Title\\n\\n<script>alert(1)</script>[x](javascript:alert(1))")).count("script") == 0
    assert render_markdown("# Title") == "<h3>Title</h3>"
