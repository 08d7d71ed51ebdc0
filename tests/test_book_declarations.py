"""Book-wide declarations (issue #19): a derive.yaml in a folder applies to every chapter
below it, up to the project's root; a chapter's sidecar and front matter win over it."""

from __future__ import annotations

import derive

CHAPTER = ("$$ y_k = \\frac{e^{z_k}}{\\sum_{j=1}^{K} e^{z_j}} $$\n\n"
           "$$ C = -\\sum_{k=1}^{K} t_k \\log y_k $$\n\n"
           "$$ \\frac{\\partial C}{\\partial z_i} = y_i - t_i $$\n")
SIMPLEX = 'derive:\n  assumptions:\n    - "\\\\sum_{k=1}^{K} t_k = 1"\n'


def _verdict(path) -> str:
    return derive.check(str(path), jobs=1, cache=False).equations[-1].links[0].verdict.value


def test_a_folder_declaration_applies_to_the_chapters_below_it(tmp_path):
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    chapter = tmp_path / "part1" / "ch1.md"
    chapter.parent.mkdir()
    chapter.write_text(CHAPTER, encoding="utf-8")
    assert _verdict(chapter) == "conditional"  # Σ t = 1 is not stated anywhere
    (tmp_path / "derive.yaml").write_text(SIMPLEX, encoding="utf-8")
    assert _verdict(chapter) == "proved"
    from derive.app.api import read

    doc = read(str(chapter))
    assert doc.folders and doc.folders[0][0].endswith("derive.yaml")


def test_the_search_stops_at_the_project_root(tmp_path):
    (tmp_path / "derive.yaml").write_text(SIMPLEX, encoding="utf-8")  # above the project
    project = tmp_path / "book"
    project.mkdir()
    (project / "pyproject.toml").write_text("", encoding="utf-8")
    chapter = project / "ch1.md"
    chapter.write_text(CHAPTER, encoding="utf-8")
    assert _verdict(chapter) == "conditional"


def test_a_broken_folder_declaration_is_an_error_located_in_it(tmp_path):
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    (tmp_path / "derive.yaml").write_text("derive: [unclosed\n", encoding="utf-8")
    chapter = tmp_path / "ch1.md"
    chapter.write_text(CHAPTER, encoding="utf-8")
    report = derive.check(str(chapter), jobs=1, cache=False)
    assert report.exit_code == 2
    assert any(e.file.endswith("derive.yaml") for e in report.errors)


def test_the_cache_key_depends_on_the_folder_declarations(tmp_path):
    from derive.app import cache

    base = dict(seed=0, timeout=20.0)
    assert cache.key("x", "a.md", **base) != cache.key(
        "x", "a.md", folders=(("derive.yaml", SIMPLEX),), **base)
