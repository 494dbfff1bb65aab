"""core.plain: the digest of a page's data is the same as with dataclasses.asdict, without its copy."""
import json
from dataclasses import asdict

from ldkit.core.plain import plain
from ldkit.core.roster import Member
from ldkit.model.company import TeamHistory, TeamPerson, TeamWeekRow


def _team() -> TeamHistory:
    return TeamHistory("robotics", "Robotics <R&D>", ["ada", "bob"],
                       [TeamWeekRow("2026-W49", 2, 1, 1, 2.5), TeamWeekRow("2026-W48", 2, 2, 0, 0.0)],
                       {"tutorial": 3, "other": 1},
                       [TeamPerson("ada", 3, 2.5, 1, 0.5, "people/ada/index.html", "Ada"),
                        TeamPerson("bob", 0, 0.0, 0, 0.0, "", "bob")],
                       latest=TeamWeekRow("2026-W49", 2, 1, 1, 2.5))


def test_plain_gives_what_asdict_gives_as_json():
    team = _team()
    assert json.dumps(plain(team), sort_keys=True) == json.dumps(asdict(team), sort_keys=True)
    assert json.dumps(plain([team, None, ("a", 1)])) == json.dumps([asdict(team), None, ["a", 1]])


def test_plain_keeps_named_tuples_and_leaves_other_values_alone():
    member = Member("ada", "Ada", "U1", "UTC", "ada@example.org", "robotics")
    assert plain({"m": member}) == {"m": list(member)}
    marker = object()
    assert plain([marker])[0] is marker  # not copied, not converted: the digest's JSON names it
