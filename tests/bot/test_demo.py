"""`siteloop demo`, the README's first command, as a newcomer runs it."""

from tests.cli import environment, run_siteloop


def test_the_demo_plays_over_the_real_http_path_and_prints_a_readable_transcript(tmp_path):
    result = run_siteloop("demo", env=environment(tmp_path, COLUMNS="100"), cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    transcript = result.stdout
    assert "07:30 Bob Nguyen (concrete crew)  #tower-a" in transcript
    assert "#tower-a (only Bob Nguyen (concrete crew) sees)" in transcript
    assert "Ann Tran (site manager)'s Home tab" in transcript
    assert "forged signature → HTTP 401" in transcript
    assert "GET /healthz → HTTP 200 (database ok, scheduler running)" in transcript
    assert "\x1b[" not in transcript, "colour codes when the output is not a terminal"
    assert result.stderr == ""
    assert list(tmp_path.iterdir()) == [], "the demo leaves no files behind"
