"""Shortlist wording for the board and "why we matched you".

A participant reads only their own mark ("You asked for this pair") or, when each asked for
the other, "You both asked for each other"; never the partner's mark alone."""

from __future__ import annotations

from django import template

from pairing.services.shortlist import wish_for_viewer, wishes_for_pairs

register = template.Library()


@register.simple_tag
def asked_for_us(pair, viewer) -> str:
    wish = wish_for_viewer(pair, viewer)
    if wish == "both":
        return "You both asked for each other on the shortlist."
    if wish == "you":
        return "You asked for this pair on the shortlist."
    return ""


@register.simple_tag
def proposal_wishes(run, proposals) -> dict:
    """Who asked for each proposal on the page, in one query (HR's board only)."""
    pairs = [(p.junior_id, p.senior_id) for p in proposals]
    return wishes_for_pairs(run.cohort_id, pairs) if pairs else {}


@register.simple_tag
def wish_words(wishes: dict, proposal) -> str:
    wish = wishes.get(("like", proposal.junior_id, proposal.senior_id))
    if wish == "both":
        return "They both asked for each other."
    if wish == "junior":
        return f"{proposal.junior.user.full_name} asked for this pair."
    if wish == "senior":
        return f"{proposal.senior.user.full_name} asked for this pair."
    return ""


@register.simple_tag
def rather_not_words(wishes: dict, proposal) -> str:
    """Who marked a pair "rather not": HR's board only (the warning stored with the pair, which
    its members may read, never names them)."""
    mark = wishes.get(("rather_not", proposal.junior_id, proposal.senior_id))
    if mark == "both":
        return "They both marked each other “rather not” on the shortlist."
    if mark == "junior":
        return f"{proposal.junior.user.full_name} marked this pair “rather not” on the shortlist."
    if mark == "senior":
        return f"{proposal.senior.user.full_name} marked this pair “rather not” on the shortlist."
    return ""
