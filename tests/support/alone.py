"""Tests that bound how long something takes run alone when tests run in parallel.

Under pytest-xdist every test holds a shared lock on a file common to the run's
processes; a test marked ``alone`` takes it exclusively, so it starts once the
tests running in the other processes have ended, and none starts beside it.
A second lock, taken briefly by everyone and held by an ``alone`` test while it
waits, keeps a stream of other tests from starving it.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Tests (module, function) whose assertions bound a duration or count on
# wall-clock speed; tests may also be marked with @pytest.mark.alone.
ALONE = {
    ("tests/security/test_entities.py", "test_entities_expand_nothing_and_fetch_nothing"),
    ("tests/security/test_abuse_http.py", "test_slow_clients_cost_nothing_and_are_dropped"),
    ("tests/security/test_slow_hub_bodies.py", "test_slow_hub_clients_leave_feeds_answered"),
    ("tests/security/test_abuse_pages.py", "test_absurd_values_are_refused_at_the_door"),
    (
        "tests/security/test_abuse_pages.py",
        "test_a_tag_storm_and_a_far_future_page_change_nothing_for_others",
    ),
    ("tests/services/feed/test_render_failures.py", "test_the_time_bound_holds_inside_a_round"),
    (
        "tests/services/feed/test_render_once.py",
        "test_a_burst_of_a_hundred_submissions_causes_a_handful_of_renders",
    ),
    ("tests/services/feed/websub/test_client.py", "test_slow_answer_is_cut_off_at_the_deadline"),
    (
        "tests/services/feed/websub/test_flask_websub.py",
        "test_flask_websub_subscriber_gets_the_push_within_two_seconds",
    ),
    ("tests/services/feed/websub/test_hub.py", "test_slow_and_dead_subscribers_hold_up_nobody"),
    ("tests/services/ingest/test_ratelimit.py", "test_fails_open_and_fast_when_redis_is_down_or_hangs"),
    (
        "tests/services/rates/test_memory.py",
        "test_a_lost_announcement_is_made_up_for_within_the_poll_interval",
    ),
    *(
        ("tests/services/ingest/parsing/test_parsing_hostile.py", name)
        for name in (
            "test_absurdly_deep_nesting_is_refused_quickly",
            "test_deep_nesting_in_a_page_of_few_tags_builds_quickly",
            "test_formatting_elements_reopened_without_end_are_refused_quickly",
            "test_many_tags_without_a_closing_bracket_are_linear",
            "test_nested_elements_full_of_text_parse_in_linear_time",
        )
    ),
    *(
        ("tests/services/ingest/parsing/test_parsing_text.py", name)
        for name in (
            "test_a_long_hard_wrapped_paragraph_is_not_quadratic",
            "test_a_ten_thousand_character_line_parses_quickly",
        )
    ),
}


def listed_alone(nodeid: str) -> bool:
    module, _, rest = nodeid.partition("::")
    return (module, rest.split("[", 1)[0].split("@", 1)[0]) in ALONE


class RunLock:
    """The run's shared/exclusive lock, in ``directory`` (common to its processes)."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._turnstile = open(directory / "turnstile.lock", "a+")  # noqa: SIM115
        self._room = open(directory / "room.lock", "a+")  # noqa: SIM115

    @contextmanager
    def shared(self) -> Iterator[None]:
        fcntl.flock(self._turnstile, fcntl.LOCK_EX)
        fcntl.flock(self._turnstile, fcntl.LOCK_UN)
        fcntl.flock(self._room, fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(self._room, fcntl.LOCK_UN)

    @contextmanager
    def alone(self) -> Iterator[None]:
        fcntl.flock(self._turnstile, fcntl.LOCK_EX)
        try:
            fcntl.flock(self._room, fcntl.LOCK_EX)
        finally:
            fcntl.flock(self._turnstile, fcntl.LOCK_UN)
        try:
            yield
        finally:
            fcntl.flock(self._room, fcntl.LOCK_UN)
