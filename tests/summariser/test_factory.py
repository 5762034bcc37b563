import pytest

from summariser import SummaryError, load_summariser


@pytest.mark.slow  # loads a MiniLM of its own
def test_auto_without_llm_settings_is_the_offline_minilm():
    summariser = load_summariser("auto", device="cpu")
    assert summariser.backend == "minilm"
    assert summariser.warnings == []
    result = summariser(documents=["Quick banana bread recipe with three ingredients."], tags=["baking"])
    assert result.backend == "minilm"


def test_an_unknown_backend_raises_naming_the_field():
    with pytest.raises(SummaryError, match="backend"):
        load_summariser("gpt-17")


def test_an_unknown_setting_raises_naming_it():
    with pytest.raises(SummaryError, match="temprature"):
        load_summariser("minilm", temprature=0.2)
