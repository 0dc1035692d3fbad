"""The app as the packages build it: without the demo feature (no sandbox linked). On a machine
with no configuration it opens on the "not set up" screen, naming the file it looked for, and it
refuses --demo with a reason instead of opening anything."""

import subprocess
from pathlib import Path

import pytest

#: Where an installed kiosk looks when neither --config nor FACEKIOSK_CONFIG names a file.
DEFAULT_CONFIG = Path("/etc/facekiosk/kiosk.toml")


def test_without_a_configuration_the_kiosk_says_it_is_not_set_up(launch, production_binary):
    if DEFAULT_CONFIG.exists():
        pytest.skip(f"{DEFAULT_CONFIG} exists on this machine: the kiosk would use it")
    k = launch(app=production_binary, args=[], first_screen="misconfigured")
    problems = [el.text.strip() for el in k.find_all("li[data-problem]")]
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{DEFAULT_CONFIG}: no configuration yet"), problems
    assert not k.has_action("start")
    assert not k.find_all("[data-demo-banner]"), "a demo banner in a production build"
    k.shot("notSetUp", "zh-CN")
    k.set_language("en")
    k.shot("notSetUp", "en")


def test_demo_is_refused_by_a_build_without_it(production_binary, tmp_path):
    run = subprocess.run(
        [str(production_binary), "--demo", "--data-dir", str(tmp_path / "demo")],
        capture_output=True, text=True, timeout=60,
    )
    assert run.returncode == 2, run
    assert "built without the `demo` feature" in run.stderr, run.stderr
    assert not (tmp_path / "demo").exists(), "nothing of the demo was started"
