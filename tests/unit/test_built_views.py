"""Built charts are reused per view and data version (ui.render.built), and a finished figure
sends exactly what the figure holds (figures.style.FinishedFigure)."""
import plotly.graph_objects as go

from figures.context import Context
from figures.style import FinishedFigure, finished


def test_a_view_is_built_once_per_inputs_language_mode_and_data_version():
    from ui.render import built

    calls = []

    def build():
        calls.append(1)
        return object()

    en = Context(lang="en", data_version="v1")
    first = built("test-view", en, (["madrid", "vienna"], 2020), build)
    assert built("test-view", en, (["madrid", "vienna"], 2020), build) is first
    assert len(calls) == 1
    for ctx, inputs in ((en, (["madrid"], 2020)), (Context(lang="fr", data_version="v1"), (["madrid", "vienna"], 2020)),
                        (Context(lang="en", mode="presenter", data_version="v1"), (["madrid", "vienna"], 2020)),
                        (Context(lang="en", data_version="v2"), (["madrid", "vienna"], 2020))):
        assert built("test-view", ctx, inputs, build) is not first
    assert len(calls) == 5


def test_the_view_cache_is_bounded():
    from ui.render import CACHED_VIEWS, _built_views, built

    ctx = Context(lang="en", data_version="bounded")
    for i in range(CACHED_VIEWS + 10):
        built("test-bounded", ctx, (i,), lambda: i)
    assert len(_built_views().items) <= CACHED_VIEWS


def test_a_finished_figure_sends_the_same_dict_once_computed():
    fig = go.Figure(go.Scatter(x=[2019, 2020], y=[1.5, 2.5], name="a"))
    fig.update_layout(title_text="t")
    expected = fig.to_dict()
    done = finished(fig)
    assert isinstance(done, FinishedFigure)
    assert done.to_dict() == expected
    assert done.to_dict() is done.to_dict()  # no deep copy per rerun
