import pytest

pytestmark = pytest.mark.django_db

HUGE = "9" * 30


@pytest.mark.parametrize(
    "path",
    [
        f"/sessions/pair/{HUGE}/",
        f"/sessions/meetings/{HUGE}/edit/",
        f"/sessions/meetings/{HUGE}/invite.ics",
        f"/sessions/logs/{HUGE}/edit/",
        f"/sessions/logs/{HUGE}/note/",
        f"/sessions/goals/{HUGE}/edit/",
        f"/sessions/pair/{HUGE}/fit-check/",
        f"/sessions/pair/{HUGE}/pulse/",
        f"/sessions/impact/{HUGE}/baseline/",
    ],
)
def test_an_absurd_id_is_a_plain_404(cast, client, path):
    client.force_login(cast.junior)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/sessions/pair/{pk}/logs/",
        "/sessions/pair/{pk}/goals/",
        "/sessions/pair/{pk}/agreement/",
    ],
)
def test_posts_with_garbage_change_nothing_and_do_not_crash(cast, client, path):
    client.force_login(cast.junior)
    response = client.post(
        path.format(pk=cast.pair.pk),
        {
            "held_on": "\x00",
            "minutes": "1e9",
            "direction": ["reverse", "forward"],
            "skills_reverse": ["a"],
            "skills_forward": ["a"],
            "meeting": "-1",
            "title": "x" * 5000,
        },
    )
    assert response.status_code in (200, 302, 400)
