"""The prompt lists passages in the summariser's reading order, labelled by kind."""
from summariser import Passage
from summariser._prompt import build_messages


def test_passages_are_listed_transcript_first_and_labelled():
    passages = [Passage("SAVE THIS", "caption", "v1", 1.0), Passage("LINK IN BIO", "caption", "v1", 2.0),
                Passage("AI side income #AI", "description", "v1"), Passage("My AI secret", "title", "v1"),
                Passage("and it pays my rent", "transcript", "v1", 3.0),
                Passage("I use AI tools", "transcript", "v1", 0.0), "a plain document"]
    user = build_messages(passages, ["AI"])[1]["content"]
    lines = [line for line in user.splitlines() if line.startswith("[")]
    assert lines == ["[1] transcript (video v1): I use AI tools and it pays my rent",
                     "[2] transcript: a plain document",
                     "[3] title (video v1): My AI secret",
                     "[4] description (video v1): AI side income #AI",
                     "[5] on-screen text (not spoken) (video v1): SAVE THIS / LINK IN BIO"]
    assert "Hashtags: #AI" in user
