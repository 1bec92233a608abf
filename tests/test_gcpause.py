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
