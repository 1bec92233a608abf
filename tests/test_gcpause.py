import gc
import sys
import threading

import pytest

from collectlint.gcpause import gc_paused


@pytest.fixture(autouse=True)
def _collector_enabled_again():
    yield
    gc.enable()


def test_paused_inside_and_resumed_after():
    gc.enable()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_resumed_after_an_exception():
    gc.enable()
    with pytest.raises(ValueError), gc_paused():
        raise ValueError("inside")
    assert gc.isenabled()


def test_nested_blocks_leave_resuming_to_the_outermost():
    gc.enable()
    with gc_paused():
        with gc_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_disabled_before_stays_disabled():
    gc.disable()
    with gc_paused():
        pass
    assert not gc.isenabled()


def test_blocks_in_many_threads_leave_the_collector_on():
    gc.enable()
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible

    def pause_often():
        for _ in range(20_000):
            with gc_paused():
                pass

    try:
        threads = [threading.Thread(target=pause_often) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    assert gc.isenabled()


@pytest.fixture
def keeping():
    """The module, for a test that calls keep_builds(): conftest's autouse fixture undoes
    it afterwards, so the pytest process itself does not stay frozen."""
    from collectlint import gcpause

    assert not gcpause._keep
    return gcpause


def test_a_library_pause_freezes_nothing():
    gc.enable()
    before = gc.get_freeze_count()
    with gc_paused():
        built = [[i] for i in range(1000)]
    assert gc.get_freeze_count() == before
    assert gc.is_tracked(built)


def test_a_scanning_process_keeps_what_pauses_build_out_of_collection(keeping):
    gc.enable()
    keeping.keep_builds()
    frozen = gc.get_freeze_count()
    assert frozen > 0  # the modules and objects alive when the process declared itself
    with gc_paused():
        built = [[i] for i in range(1000)]
    assert gc.get_freeze_count() >= frozen + 1001  # the lists, and the list of them
    assert gc.isenabled()
    del built


def test_the_command_entry_point_declares_a_scanning_process(monkeypatch, keeping, capsys):
    from collectlint import cli

    monkeypatch.setattr("sys.argv", ["collectlint", "rules"])
    assert cli.run() == 0
    assert keeping._keep
    assert gc.get_freeze_count() > 0
    assert "HA901" in capsys.readouterr().out


def test_the_prefilter_leaves_little_for_the_collector_to_walk(linter):
    """Its table of the rules by trigger literal (~33,000 entries) lives as long as the
    pack: once the collector has seen them, none of its values is walked again."""
    table = linter.ruleset.prefilter._rules_by_literal
    assert len(table) > 10_000
    gc.collect()
    assert not any(gc.is_tracked(rules) for rules in table.values())
