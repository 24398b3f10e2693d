"""The pairing engine on hand-made cohorts: rules, capacities, locks, explanations (no database)."""

from __future__ import annotations

import random

import pytest

from pairing.engine import (
    CAPACITY_EXHAUSTED,
    NO_ELIGIBLE_PARTNER,
    ONLY_REPORTING_LINE,
    Flow,
    Person,
    Rules,
    Weights,
    evaluate,
    solve,
)

PYTHON, SQL, TIKTOK, BUDGETS = 1, 2, 3, 4


def junior(pid: int, **kwargs) -> Person:
    kwargs.setdefault("teach", {PYTHON: 3})
    return Person(id=pid, user_id=pid + 1000, name=kwargs.pop("name", f"Junior {pid}"), **kwargs)


def senior(pid: int, **kwargs) -> Person:
    kwargs.setdefault("learn", {PYTHON: 2})
    return Person(id=pid, user_id=pid + 1000, name=kwargs.pop("name", f"Senior {pid}"), **kwargs)


def pairs_of(result) -> set[tuple[int, int]]:
    return {(p.junior_id, p.senior_id) for p in result.proposals}


def test_it_pairs_each_junior_with_the_senior_who_wants_their_skill():
    juniors = [junior(1, teach={PYTHON: 3}), junior(2, teach={TIKTOK: 3})]
    seniors = [senior(10, learn={TIKTOK: 3}), senior(11, learn={PYTHON: 3})]
    result = solve(juniors, seniors)
    assert pairs_of(result) == {(1, 11), (2, 10)}
    assert result.total_score == 2 * 3 * 9
    assert result.unmatched_juniors == result.unmatched_seniors == ()


def test_it_prefers_one_more_pair_to_a_higher_score():
    # Greedy takes the 100-point pair and strands two people; the engine pairs everyone.
    juniors = [junior(1, teach={PYTHON: 3, SQL: 1}), junior(2, teach={PYTHON: 1})]
    seniors = [senior(10, learn={PYTHON: 3}), senior(11, learn={SQL: 1})]
    result = solve(juniors, seniors)
    assert pairs_of(result) == {(1, 11), (2, 10)}
    assert len(result.proposals) == 2


def test_it_explains_every_point_and_the_skills_flowing_each_way():
    j = junior(
        1, teach={PYTHON: 3, SQL: 1}, learn={BUDGETS: 3}, department="Tech", location="Lagos"
    )
    s = senior(
        10, learn={PYTHON: 2, SQL: 3}, teach={BUDGETS: 2}, department="finance", location="lagos"
    )
    (proposal,) = solve([j], [s]).proposals
    assert proposal.reverse == 3 * 2 + 1 * 3
    assert proposal.forward == 2 * 3
    assert dict(proposal.breakdown) == {
        "reverse": 27,
        "forward": 12,
        "forward_bonus": 2,
        "department": 1,
        "location": 0,
    }
    assert proposal.score == 42 == sum(points for _, points in proposal.breakdown)
    assert proposal.reverse_flows == (Flow(PYTHON, 3, 2), Flow(SQL, 1, 3))
    assert proposal.forward_flows == (Flow(BUDGETS, 2, 3),)


def test_hr_weights_change_the_score_and_the_choice():
    juniors = [junior(1, teach={PYTHON: 1}, department="Sales")]
    seniors = [
        senior(10, learn={PYTHON: 3}, department="Sales"),
        senior(11, learn={PYTHON: 1}, department="Legal"),
    ]
    assert pairs_of(solve(juniors, seniors)) == {(1, 10)}
    heavy_department = Weights(reverse=1, department=10)
    result = solve(juniors, seniors, weights=heavy_department)
    assert pairs_of(result) == {(1, 11)}
    assert result.total_score == 11


def test_it_never_pairs_people_in_the_same_reporting_line_and_says_why():
    boss = senior(10, learn={PYTHON: 3})
    report = junior(1, manager_chain=frozenset({boss.user_id}))
    result = solve([report], [boss])
    assert result.proposals == ()
    assert result.unmatched_juniors[0].reason == ONLY_REPORTING_LINE
    assert result.unmatched_seniors[0].reason == ONLY_REPORTING_LINE


def test_a_senior_in_the_juniors_chain_upwards_also_blocks_the_pair():
    j = junior(1)
    s = senior(10, manager_chain=frozenset({j.user_id}))
    assert solve([j], [s]).proposals == ()
    assert evaluate(j, s)[1] == ["Senior 10 is in Junior 1's reporting line"]


def test_unmatched_people_get_the_reason_that_applies():
    juniors = [junior(1), junior(2), junior(3, teach={TIKTOK: 1})]
    seniors = [senior(10)]
    result = solve(juniors, seniors)
    reasons = {u.person_id: u.reason for u in result.unmatched_juniors}
    assert len(result.proposals) == 1
    assert reasons[3] == NO_ELIGIBLE_PARTNER
    assert sorted(reasons.values()).count(CAPACITY_EXHAUSTED) == 1
    assert all(u.free_slots == 1 for u in result.unmatched_juniors)


def test_capacity_lets_a_senior_take_several_juniors_but_no_more():
    juniors = [junior(i) for i in range(1, 5)]
    result = solve(juniors, [senior(10, capacity=3)])
    assert len(result.proposals) == 3
    (left_out,) = result.unmatched_juniors
    assert left_out.reason == CAPACITY_EXHAUSTED
    assert left_out.person_id not in {p.junior_id for p in result.proposals}
    assert result.unmatched_seniors == ()


def test_two_people_with_spare_capacity_are_paired_only_once():
    # Both take two partners and like each other best: slot-repeating would pair them twice.
    juniors = [junior(1, capacity=2, teach={PYTHON: 3}), junior(2, teach={SQL: 1})]
    seniors = [senior(10, capacity=2, learn={PYTHON: 3, SQL: 1}), senior(11, learn={PYTHON: 1})]
    result = solve(juniors, seniors)
    assert sorted(pairs_of(result)) == [(1, 10), (1, 11), (2, 10)]
    assert result.total_score == 27 + 9 + 3


def test_locked_pairs_are_kept_even_when_ineligible_and_use_up_capacity():
    juniors = [junior(1), junior(2)]
    seniors = [senior(10, learn={TIKTOK: 1}), senior(11)]
    result = solve(juniors, seniors, rules=Rules(locked=((1, 10),)))
    assert {(p.junior_id, p.senior_id, p.locked) for p in result.proposals} == {
        (1, 10, True),
        (2, 11, False),
    }
    assert result.total_score == 0 + 18


def test_excluded_pairs_and_previous_partners_are_never_proposed():
    juniors = [junior(1)]
    seniors = [senior(10, learn={PYTHON: 3}), senior(11, learn={PYTHON: 1})]
    result = solve(juniors, seniors, rules=Rules(excluded=frozenset({(1, 10)})))
    assert pairs_of(result) == {(1, 11)}
    assert solve(juniors, seniors[:1], rules=Rules(excluded=frozenset({(1, 10)}))).proposals == ()


def test_optional_rules_narrow_who_is_eligible():
    j = junior(1, grade=2, department="Sales", utc_offset_hours=-5.0)
    near = senior(10, grade=5, department="Legal", utc_offset_hours=1.0)
    same_department = senior(11, grade=9, department="sales", utc_offset_hours=-5.0)
    small_gap = senior(12, grade=3, department="Legal", utc_offset_hours=-5.0)
    rules = Rules(min_grade_gap=3, must_differ_department=True, max_timezone_diff_hours=6)
    assert pairs_of(solve([j], [near, same_department, small_gap], rules=rules)) == {(1, 10)}
    tight = Rules(max_timezone_diff_hours=4)
    assert solve([j], [near], rules=tight).proposals == ()


def test_a_missing_grade_or_time_zone_does_not_break_a_rule():
    j = junior(1)
    s = senior(10, department="", grade=None, utc_offset_hours=None)
    rules = Rules(min_grade_gap=3, must_differ_department=True, max_timezone_diff_hours=1)
    assert evaluate(j, s, rules=rules)[1] == []
    assert len(solve([j], [s], rules=rules).proposals) == 1


def test_evaluate_says_every_broken_rule_in_plain_words():
    j = junior(1, name="Asha", teach={TIKTOK: 2}, grade=4, department="Sales", utc_offset_hours=9.0)
    s = senior(
        10,
        name="Robert",
        grade=5,
        department="SALES",
        utc_offset_hours=0.0,
        manager_chain=frozenset({j.user_id}),
    )
    rules = Rules(
        min_grade_gap=3,
        must_differ_department=True,
        max_timezone_diff_hours=4,
        excluded=frozenset({(1, 10)}),
    )
    proposal, breaks = evaluate(j, s, rules=rules)
    assert breaks == [
        "no skill flows from the junior to the senior",
        "Robert is in Asha's reporting line",
        "excluded by HR",
        "grade gap 1 is below the minimum 3",
        "same department",
        "time zones 9 h apart (max 4)",
    ]
    assert proposal.score == sum(points for _, points in proposal.breakdown)


def test_time_zones_are_compared_around_the_clock():
    j = junior(1, utc_offset_hours=12.0)
    s = senior(10, utc_offset_hours=-11.0)
    assert evaluate(j, s, rules=Rules(max_timezone_diff_hours=1))[1] == []
    assert evaluate(j, s, rules=Rules(max_timezone_diff_hours=0.5))[1] == [
        "time zones 1 h apart (max 0.5)"
    ]


def test_the_same_input_gives_the_same_answer_in_any_order():
    rng = random.Random(7)
    juniors = [
        junior(i, teach={rng.randint(1, 4): rng.randint(1, 3)}, capacity=rng.randint(1, 2))
        for i in range(1, 40)
    ]
    seniors = [
        senior(i, learn={rng.randint(1, 4): rng.randint(1, 3)}, capacity=rng.randint(1, 3))
        for i in range(100, 130)
    ]
    first = solve(juniors, seniors)
    shuffled_j, shuffled_s = juniors[:], seniors[:]
    rng.shuffle(shuffled_j)
    rng.shuffle(shuffled_s)
    assert solve(shuffled_j, shuffled_s) == first == solve(juniors, seniors)


def test_proposals_are_sorted_by_score_then_ids_and_progress_is_reported():
    juniors = [junior(2, teach={PYTHON: 1}), junior(1, teach={PYTHON: 3}), junior(3)]
    seniors = [
        senior(10, learn={PYTHON: 1}),
        senior(11, learn={PYTHON: 1}),
        senior(12, learn={PYTHON: 3}),
    ]
    seen: list[tuple[float, str]] = []
    result = solve(
        juniors, seniors, progress=lambda fraction, stage: seen.append((fraction, stage))
    )
    keys = [(-p.score, p.junior_id, p.senior_id) for p in result.proposals]
    assert keys == sorted(keys)
    assert seen[-1][0] == 1.0 and [f for f, _ in seen] == sorted(f for f, _ in seen)


def test_an_empty_side_gives_everyone_on_the_other_a_reason():
    result = solve([junior(1)], [])
    assert result.proposals == ()
    assert result.unmatched_juniors[0].reason == NO_ELIGIBLE_PARTNER


def test_negative_weights_are_refused():
    with pytest.raises(ValueError, match="reverse weight"):
        solve([junior(1)], [senior(10)], weights=Weights(reverse=-1))


def test_a_second_partner_never_costs_someone_their_only_one():
    # 15 juniors, 15 seniors; two seniors take 2 and every junior scores best with them. The
    # highest total would give those two a second junior each and leave two seniors alone.
    juniors = [junior(i, teach={PYTHON: 3, SQL: 1}) for i in range(1, 16)]
    popular = [senior(100 + i, capacity=2, learn={PYTHON: 3}) for i in range(2)]
    others = [senior(200 + i, learn={SQL: 1}) for i in range(13)]
    result = solve(juniors, popular + others)
    partners = {s.id: 0 for s in popular + others}
    for p in result.proposals:
        partners[p.senior_id] += 1
    assert all(count >= 1 for count in partners.values())
    assert len(result.proposals) == 15
    assert result.people_covered == 30
    assert result.unmatched_juniors == ()
    assert {u.person_id for u in result.unmatched_seniors} == {100, 101}


def test_more_pairs_win_over_a_higher_score_once_everyone_is_covered():
    juniors = [junior(1, capacity=2, teach={PYTHON: 3}), junior(2, capacity=2, teach={SQL: 1})]
    seniors = [senior(10, capacity=2, learn={PYTHON: 3, SQL: 1}), senior(11, learn={PYTHON: 1})]
    result = solve(juniors, seniors)
    assert sorted(pairs_of(result)) == [(1, 10), (1, 11), (2, 10)]
    assert result.people_covered == 4


def test_pairs_that_ended_are_never_proposed_again_and_evaluate_says_why():
    juniors = [junior(1)]
    seniors = [senior(10, learn={PYTHON: 3}), senior(11, learn={PYTHON: 1})]
    rules = Rules(never_again=frozenset({(1, 10)}))
    assert pairs_of(solve(juniors, seniors, rules=rules)) == {(1, 11)}
    assert evaluate(juniors[0], seniors[0], rules=rules)[1] == [
        "paired before: a pair that ended is never proposed again"
    ]


def test_a_top_up_keeps_active_pairs_and_pairs_only_people_with_free_capacity():
    juniors = [junior(1, teach={PYTHON: 3}), junior(2, teach={PYTHON: 1}), junior(3)]
    seniors = [senior(10, capacity=2, learn={PYTHON: 3}), senior(11), senior(12)]
    # Junior 1 and senior 10 are paired already; senior 10 has one seat left but is covered,
    # so the late joiners go to the seniors who have nobody first.
    rules = Rules(fixed=((1, 10),))
    result = solve(juniors, seniors, rules=rules)
    assert pairs_of(result) == {(2, 11), (3, 12)} or pairs_of(result) == {(2, 12), (3, 11)}
    assert all(not p.locked for p in result.proposals)
    assert result.people_covered == 6
    assert [(u.person_id, u.free_slots) for u in result.unmatched_seniors] == [(10, 1)]
    assert result.unmatched_juniors == ()


def test_a_fixed_pair_is_not_proposed_again_even_with_capacity_left():
    juniors = [junior(1, capacity=2)]
    seniors = [senior(10, capacity=2)]
    result = solve(juniors, seniors, rules=Rules(fixed=((1, 10),)))
    assert result.proposals == ()
    assert result.people_covered == 2
