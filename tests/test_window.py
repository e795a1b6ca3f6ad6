"""The flow's bounded read-ahead (`flows.window.bounded_map`) and its grouping of batches
into tasks (`flows.window.guided_groups`)."""

from concurrent.futures import Future

import pytest

from flows.window import bounded_map, guided_groups


class Recorder:
    """A submit function whose futures finish when collected; it records how many were
    submitted and not yet collected at the most."""

    def __init__(self):
        self.pending, self.most = 0, 0

    def __call__(self, item):
        self.pending += 1
        self.most = max(self.most, self.pending)
        recorder = self

        class Collected(Future):
            def result(self, timeout=None):
                recorder.pending -= 1
                if isinstance(item, Exception):
                    raise item
                return item * 10

        return Collected()


@pytest.mark.parametrize("ahead", [1, 2, 5])
def test_results_in_order_with_at_most_ahead_in_flight(ahead):
    submit = Recorder()
    assert list(bounded_map(submit, range(7), ahead)) == [n * 10 for n in range(7)]
    assert submit.most == min(ahead, 7) + (ahead < 7)  # the next one goes in as one is collected
    assert submit.pending == 0


def test_items_are_submitted_lazily():
    submit = Recorder()
    results = bounded_map(submit, iter(range(100)), ahead=3)
    assert submit.most == 0  # nothing before the first result is asked for
    assert next(results) == 0 and submit.most == 4


def test_no_items_and_a_failure():
    assert list(bounded_map(Recorder(), [], ahead=4)) == []
    with pytest.raises(ValueError, match="bad batch"):
        list(bounded_map(Recorder(), [1, ValueError("bad batch"), 3], ahead=2))


@pytest.mark.parametrize("count", [0, 1, 5, 16, 83])
def test_guided_groups_keep_every_item_in_order_and_end_in_ones(count):
    groups = guided_groups(list(range(count)), largest=4, share=4)
    assert [item for group in groups for item in group] == list(range(count))
    sizes = [len(group) for group in groups]
    assert all(1 <= size <= 4 for size in sizes)
    assert sizes == sorted(sizes, reverse=True)  # the large ones first, the ones at the end
    assert sizes[-4:] == [1] * min(count, 4)
    if count >= 16:
        assert len(groups) < count  # a run of many batches has fewer tasks than batches
