"""The HR pairing board: htmx edits return only the board, stale edits change nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pairing.models import PairingRun, Proposal, Rule
from pairing.services import (
    BoardConflict,
    BoardError,
    compute_run,
    lock_proposal,
    pair_by_hand,
    swap_partners,
)
from tests.pairing.factories import junior, pairing_cohort, senior

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def cohort(db):
    return pairing_cohort(slug="spring")


@pytest.fixture
def two_pairs(cohort):
    """Two obvious pairs: Asha teaches Robert TikTok, Bea teaches Carl Figma."""
    asha = junior(
        cohort, "Asha Okafor", teaches={"TikTok": 3}, learns={"Negotiation": 2}, department="Data"
    )
    bea = junior(cohort, "Bea Chen", teaches={"Figma": 2}, department="Sales")
    robert = senior(
        cohort,
        "Robert Lindqvist",
        teaches={"Negotiation": 2},
        learns={"TikTok": 3},
        department="Marketing",
    )
    carl = senior(cohort, "Carl Evans", learns={"Figma": 3}, department="Sales")
    run = compute_run(cohort=cohort)
    return run, asha, bea, robert, carl


def _proposal(run, junior_enrolment) -> Proposal:
    return Proposal.objects.get(run=run, junior=junior_enrolment)


def test_hr_sees_proposals_with_explanations_and_totals(cast, login, two_pairs):
    run, *_ = two_pairs
    page = login(cast.hr).get(reverse("pairing:board", args=["spring", run.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Asha Okafor → Robert Lindqvist: TikTok (3x3)" in html
    assert "Robert Lindqvist → Asha Okafor: Negotiation (2x2)" in html
    assert "skills the junior gives 27" in html
    assert f'<span class="figure">{run.total_score}</span> total score' in html
    assert "<meter" in html and 'style="' not in html


def test_the_board_is_for_hr_only(cast, login, two_pairs):
    run, *_ = two_pairs
    for user in (cast.junior, cast.manager, cast.outsider):
        client = login(user)
        assert client.get(reverse("pairing:board", args=["spring", run.pk])).status_code == 403
        response = client.post(
            reverse("pairing:board_edit", args=["spring", run.pk, "lock"]),
            {"proposal": run.proposals.first().pk, "version": run.version},
        )
        assert response.status_code == 403
        client.logout()
    assert not Rule.objects.exists()


def test_a_run_of_another_cohort_or_a_bad_id_is_404(cast, login, two_pairs):
    run, *_ = two_pairs
    client = login(cast.hr)
    assert client.get(reverse("pairing:board", args=["autumn", run.pk])).status_code == 404
    assert client.get(reverse("pairing:board", args=["spring", run.pk + 999])).status_code == 404
    assert client.get(reverse("pairing:board", args=["nope", run.pk])).status_code == 404


def test_locking_by_htmx_returns_only_the_board_fragment(cast, login, two_pairs):
    run, asha, *_ = two_pairs
    proposal = _proposal(run, asha)
    response = login(cast.hr).post(
        reverse("pairing:board_edit", args=["spring", run.pk, "lock"]),
        {"proposal": proposal.pk, "version": run.version},
        **HX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="board">')
    assert "<html" not in html and 'id="board-filters"' not in html
    assert "Locked Asha Okafor and Robert Lindqvist" in html
    proposal.refresh_from_db()
    assert proposal.locked
    assert Rule.objects.filter(kind="lock", junior=asha).exists()


def test_filtering_by_htmx_returns_only_the_proposals(cast, login, two_pairs):
    run, *_ = two_pairs
    response = login(cast.hr).get(
        reverse("pairing:board", args=["spring", run.pk]), {"q": "bea"}, **HX
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="proposals"')
    assert "Bea Chen" in html and "Asha Okafor" not in html


def test_filters_narrow_by_department_score_and_lock(two_pairs):
    from pairing import selectors

    run, asha, bea, *_ = two_pairs

    def shown(**query):
        board = selectors.board(run, selectors.BoardFilters.from_query(query))
        return {p.junior_id for p in board.proposals}

    assert shown(department="marketing") == {asha.pk}
    assert shown(min_score="30") == {asha.pk}
    assert shown(max_score="30") == {bea.pk}
    assert shown(locked="yes") == set()
    assert shown(min_score="not a number") == {asha.pk, bea.pk}


def test_a_stale_version_changes_nothing_and_says_someone_else_changed_it(cast, login, two_pairs):
    run, asha, bea, *_ = two_pairs
    seen = run.version
    lock_proposal(run=run, proposal_id=_proposal(run, bea).pk, version=seen, by=cast.hr)
    response = login(cast.hr).post(
        reverse("pairing:board_edit", args=["spring", run.pk, "exclude"]),
        {"proposal": _proposal(run, asha).pk, "version": seen},
        **HX,
    )
    assert response.status_code == 200  # htmx would drop a 4xx fragment
    assert "Someone else changed this board" in response.content.decode()
    assert Proposal.objects.filter(run=run).count() == 2
    assert not Rule.objects.filter(kind="exclude").exists()


def test_without_javascript_a_stale_edit_is_a_409_page_and_changes_nothing(cast, login, two_pairs):
    run, asha, bea, *_ = two_pairs
    seen = run.version
    lock_proposal(run=run, proposal_id=_proposal(run, bea).pk, version=seen, by=cast.hr)
    response = login(cast.hr).post(
        reverse("pairing:board_edit", args=["spring", run.pk, "exclude"]),
        {"proposal": _proposal(run, asha).pk, "version": seen},
    )
    assert response.status_code == 409
    assert "Someone else changed this board" in response.content.decode()
    assert "<html" in response.content.decode()
    assert not Rule.objects.filter(kind="exclude").exists()


def test_two_editors_one_wins_the_other_gets_a_conflict(cast, two_pairs):
    run, asha, bea, *_ = two_pairs
    seen = run.version
    lock_proposal(run=run, proposal_id=_proposal(run, asha).pk, version=seen, by=cast.hr)
    with pytest.raises(BoardConflict):
        lock_proposal(run=run, proposal_id=_proposal(run, bea).pk, version=seen, by=cast.hr)
    assert not _proposal(run, bea).locked


def test_swapping_rescores_both_pairs_with_the_engine_and_warns_on_rule_breaks(
    cast, login, two_pairs
):
    run, asha, bea, robert, carl = two_pairs
    first, second = _proposal(run, asha), _proposal(run, bea)
    response = login(cast.hr).post(
        reverse("pairing:board_edit", args=["spring", run.pk, "swap"]),
        {"proposal": [first.pk, second.pk], "version": run.version},
        **HX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Swapped partners" in html
    assert "no skill flows from the junior to the senior" in html
    asha_now = Proposal.objects.get(run=run, junior=asha)
    assert asha_now.senior_id == carl.pk and asha_now.by_hand
    assert asha_now.warnings
    run.refresh_from_db()
    assert run.total_score == sum(Proposal.objects.filter(run=run).values_list("score", flat=True))


def test_a_locked_pair_cannot_be_swapped(cast, two_pairs):
    run, asha, bea, *_ = two_pairs
    lock_proposal(run=run, proposal_id=_proposal(run, asha).pk, version=run.version, by=cast.hr)
    run.refresh_from_db()
    with pytest.raises(BoardError):
        swap_partners(
            run=run,
            first_id=_proposal(run, asha).pk,
            second_id=_proposal(run, bea).pk,
            version=run.version,
            by=cast.hr,
        )


def test_pairing_two_free_people_by_hand(cast, login, cohort, two_pairs):
    run, asha, bea, robert, carl = two_pairs
    dan = junior(cohort, "Dan Free", teaches={"TikTok": 1})
    eve = senior(cohort, "Eve Free", learns={"TikTok": 2}, department="Data")
    client = login(cast.hr)
    board = client.get(reverse("pairing:board", args=["spring", run.pk])).content.decode()
    assert "Dan Free" in board and "Eve Free" in board
    response = client.post(
        reverse("pairing:board_edit", args=["spring", run.pk, "pair"]),
        {"junior": dan.pk, "senior": eve.pk, "version": run.version},
        **HX,
    )
    assert response.status_code == 200
    assert "Paired by hand: Dan Free and Eve Free score" in response.content.decode()
    assert Proposal.objects.get(run=run, junior=dan).senior_id == eve.pk


def test_pairing_by_hand_refuses_people_without_a_free_place(cast, two_pairs):
    run, asha, bea, robert, carl = two_pairs
    with pytest.raises(BoardError):
        pair_by_hand(run=run, junior_id=asha.pk, senior_id=carl.pk, version=run.version, by=cast.hr)


def test_a_bad_board_edit_is_a_clear_message_not_a_crash(cast, login, two_pairs):
    run, *_ = two_pairs
    client = login(cast.hr)
    url = reverse("pairing:board_edit", args=["spring", run.pk, "swap"])
    response = client.post(url, {"proposal": ["x"], "version": run.version}, **HX)
    assert "Tick exactly two pairs" in response.content.decode()
    assert client.post(url, {"proposal": ["x"], "version": run.version}).status_code == 422
    response = client.post(url, {"proposal": ["1", "2"], "version": "abc"}, **HX)
    assert "Someone else changed this board" in response.content.decode()
    assert (
        client.post(reverse("pairing:board_edit", args=["spring", run.pk, "nuke"]), {}).status_code
        == 404
    )


def test_excluding_removes_the_pair_and_a_rerun_never_proposes_it(cast, login, two_pairs):
    run, asha, bea, robert, carl = two_pairs
    client = login(cast.hr)
    client.post(
        reverse("pairing:board_edit", args=["spring", run.pk, "exclude"]),
        {"proposal": _proposal(run, asha).pk, "version": run.version},
        **HX,
    )
    assert not Proposal.objects.filter(run=run, junior=asha).exists()
    rerun = compute_run(cohort=run.cohort)
    assert not Proposal.objects.filter(run=rerun, junior=asha, senior=robert).exists()


def test_progress_polling_refreshes_the_page_once_the_run_is_done(cast, login, cohort):
    run = PairingRun.objects.create(
        cohort=cohort, progress=0.4, progress_label="solving", status="running"
    )
    client = login(cast.hr)
    url = reverse("pairing:run_progress", args=["spring", run.pk])
    waiting = client.get(url, **HX)
    assert "solving (40%)" in waiting.content.decode()
    assert 'hx-trigger="every 1s"' in waiting.content.decode()
    run.status = "done"
    run.save()
    assert client.get(url, **HX).headers["HX-Refresh"] == "true"


def test_board_queries_do_not_grow_with_the_cohort(
    cast, login, cohort, django_assert_max_num_queries
):
    client = login(cast.hr)

    def grow(n: int, offset: int) -> PairingRun:
        for i in range(n):
            junior(cohort, f"Junior {offset + i}", teaches={"TikTok": 2}, department=f"D{i % 3}")
            senior(cohort, f"Senior {offset + i}", learns={"TikTok": 2}, department="Board")
        return compute_run(cohort=cohort)

    run = grow(3, 0)
    with django_assert_max_num_queries(25):
        small = client.get(reverse("pairing:board", args=["spring", run.pk]))
    run = grow(40, 100)
    with django_assert_max_num_queries(25):
        big = client.get(reverse("pairing:board", args=["spring", run.pk]))
    assert small.status_code == big.status_code == 200
    assert big.content.decode().count('class="pair-names"') == 43


def test_hr_downloads_the_proposals_as_csv_with_formulas_neutralised(cast, login, cohort):
    junior(cohort, "=HYPERLINK(evil)", teaches={"TikTok": 3}, email="evil@example.com")
    senior(cohort, "Robert", learns={"TikTok": 3}, department="+Sales")
    run = compute_run(cohort=cohort)
    client = login(cast.hr)
    response = client.get(reverse("pairing:run_export", args=["spring", run.pk]))
    lines = response.content.decode().splitlines()
    assert response["Content-Type"].startswith("text/csv")
    assert lines[0].startswith("junior_name,junior_email")
    assert lines[1].startswith("'=HYPERLINK(evil),evil@example.com")
    assert "'+Sales" in lines[1] and "TikTok (3x3)" in lines[1]
    client.logout()
    assert (
        login(cast.junior).get(reverse("pairing:run_export", args=["spring", run.pk])).status_code
        == 403
    )
