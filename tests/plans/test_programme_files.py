"""Programmes travel as JSON: dump_programme, load_programme, the shipped templates and HR's
"Start from a template" page."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from mentoring.models import PlanStep, Programme
from mentoring.services.plan_files import TEMPLATES_DIR

TEMPLATES = sorted(TEMPLATES_DIR.glob("*.json"))


def _dump(slug: str) -> str:
    out = StringIO()
    call_command("dump_programme", slug, stdout=out)
    return out.getvalue()


def _load(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("load_programme", str(path), *args, stdout=out)
    return out.getvalue()


def test_at_least_two_templates_ship_with_the_product():
    names = {path.stem for path in TEMPLATES}
    assert {"digital-reverse-mentoring", "inclusion-and-perspectives"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_loading_a_template_then_dumping_it_gives_back_the_file(path):
    _load(path)
    slug = json.loads(path.read_text())["slug"]
    assert _dump(slug) == path.read_text(encoding="utf-8")


@pytest.mark.django_db
def test_each_template_has_prompts_for_both_directions_in_every_step():
    for path in TEMPLATES:
        _load(path)
    for step in PlanStep.objects.all():
        assert step.junior_prompt_lines and step.senior_prompt_lines, step.title
    kinds = set(PlanStep.objects.values_list("kind", flat=True))
    assert kinds == {"kickoff", "session", "midpoint", "close"}


@pytest.mark.django_db
def test_the_digital_plan_covers_its_topics_both_ways():
    _load(TEMPLATES_DIR / "digital-reverse-mentoring.json")
    plan = Programme.objects.get(slug="digital-reverse-mentoring")
    text = _dump(plan.slug).lower()
    for topic in ("social media", "data", "ai tools", "new ways of working"):
        assert topic in text
    for topic in ("strategy", "navigat", "leadership"):
        assert topic in text
    assert plan.plan_steps.order_by("-position").first().due_week <= 26


@pytest.mark.django_db
def test_loading_twice_makes_a_new_address_or_uses_the_one_given():
    path = TEMPLATES_DIR / "inclusion-and-perspectives.json"
    _load(path)
    assert "inclusion-and-perspectives-2" in _load(path)
    _load(path, "--slug", "spring-inclusion")
    assert Programme.objects.filter(slug="spring-inclusion").exists()
    with pytest.raises(CommandError, match="taken"):
        _load(path, "--slug", "spring-inclusion")


BAD_FILES = {
    "not json": (b"{name: nope", "not valid JSON (line 1"),
    "a list": (b"[]", "one JSON object"),
    "no name": (b'{"steps": []}', "name is required"),
    "javascript link": (
        json.dumps(
            {
                "name": "X",
                "steps": [
                    {
                        "title": "A",
                        "due_week": 1,
                        "resources": [{"title": "r", "url": "javascript:alert(1)"}],
                    }
                ],
            }
        ).encode(),
        "Step 1",
    ),
    "bad week": (
        json.dumps({"name": "X", "steps": [{"title": "A", "due_week": "soon"}]}).encode(),
        "due week",
    ),
    "bad kind": (
        json.dumps(
            {"name": "X", "steps": [{"title": "A", "due_week": 1, "kind": "party"}]}
        ).encode(),
        "kind of step",
    ),
    "binary": (b"\xff\xfe\x00garbage", "not UTF-8"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("content,message", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_bad_file_creates_nothing_and_says_why(tmp_path, content, message):
    path = tmp_path / "programme.json"
    path.write_bytes(content)
    with pytest.raises(CommandError, match="nothing was created") as caught:
        _load(path)
    assert message in str(caught.value)
    assert not Programme.objects.exists()


@pytest.mark.django_db
def test_load_programme_exits_with_1_on_a_bad_file_and_on_a_missing_one(tmp_path, capsys):
    from django.core.management import execute_from_command_line

    bad = tmp_path / "bad.json"
    bad.write_text('{"name": ""}')
    for path, message in ((bad, "name is required"), (tmp_path / "missing.json", "Cannot read")):
        with pytest.raises(SystemExit) as exit_:
            execute_from_command_line(["manage.py", "load_programme", str(path)])
        assert exit_.value.code == 1
        assert message in capsys.readouterr().err


@pytest.mark.django_db
def test_dump_of_an_unknown_programme_says_so():
    with pytest.raises(CommandError, match="No programme"):
        _dump("nope")


def test_hr_starts_a_programme_from_a_template_and_a_double_submit_makes_one(cast, login):
    client = login(cast.hr)
    page = client.get("/programmes/from-template/").content.decode()
    assert "Digital reverse mentoring" in page
    form = {"template": "digital-reverse-mentoring", "name": "Digital 2026"}
    first = client.post("/programmes/from-template/", form)
    second = client.post("/programmes/from-template/", form)
    assert first.status_code == second.status_code == 302
    programme = Programme.objects.get(name="Digital 2026")
    assert first["Location"] == second["Location"] == f"/programmes/{programme.slug}/plan/"
    assert programme.plan_steps.count() == 9
    assert (
        "confidential" in programme.agreement.lower() or "stays between us" in programme.agreement
    )
    plan = client.get(first["Location"]).content.decode()
    assert "Social media in practice" in plan


def test_an_unknown_template_is_refused(cast, login):
    before = Programme.objects.count()
    response = login(cast.hr).post("/programmes/from-template/", {"template": "../../etc/passwd"})
    assert response.status_code == 400
    assert Programme.objects.count() == before


@pytest.mark.parametrize("who", ["manager", "junior"])
def test_only_hr_starts_from_a_template(cast, login, who):
    before = Programme.objects.count()
    client = login(getattr(cast, who))
    assert client.get("/programmes/from-template/").status_code == 403
    client.post("/programmes/from-template/", {"template": "digital-reverse-mentoring"})
    assert Programme.objects.count() == before
