"""The third-party forms the fixture tests read are vendored in the repository; a
checkout without them fails those tests with a message naming the folder, never the
collection of the suite."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
MODULES = [
    "langso/surveys/tests/test_fixture_forms.py",
    "langso/surveys/tests/test_fixture_xforms.py",
]


def test_missing_third_party_forms_fail_their_tests_and_nothing_else(tmp_path: Path) -> None:
    """With the folder gone, both modules are collected, the three tests that read the
    folder itself fail and name it, and no test errors."""
    missing = tmp_path / "third_party"
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "LANGSO_THIRD_PARTY_FIXTURES": str(missing),
    }
    # SpatiaLite in memory: a PostGIS test database would collide with this run's own.
    env.pop("DATABASE_URL", None)
    done = subprocess.run(  # noqa: S603  # this interpreter, our own test modules
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rfE", *MODULES],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-3000:]
    lines = done.stdout.splitlines()
    # "FAILED path::test - message": pytest adds the message when the line has room.
    failed = sorted(
        line.split(" - ", 1)[0].rsplit("::", 1)[-1] for line in lines if line.startswith("FAILED ")
    )
    assert failed == [
        "test_one_validate_run_agrees_with_validate_on_each_file",
        "test_the_fixtures_are_there",
        "test_the_fixtures_are_there_and_the_lists_name_them",
    ]
    assert not [line for line in lines if line.startswith("ERROR ")]
    assert str(missing / "pyxform-examples") in done.stdout
    assert str(missing / "odk-web-forms") in done.stdout


def test_the_vendored_forms_carry_their_licence_and_notice() -> None:
    """Each project's forms travel with its licence and a NOTICE naming where they came
    from."""
    root = ROOT / "tests" / "fixtures" / "third_party"
    licences = {
        "odk-web-forms": ("Apache License 2.0", "Apache License"),
        "pyxform-examples": ("BSD 2-Clause", "Redistribution and use in source and binary"),
    }
    for project, (named, text) in licences.items():
        notice = (root / project / "NOTICE").read_text(encoding="utf-8")
        assert "https://github.com/" in notice
        assert named in notice
        (licence,) = (root / project).glob("LICENSE*")
        assert text in licence.read_text(encoding="utf-8")
