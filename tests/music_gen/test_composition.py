import pretty_midi
import pytest

from music_gen.arrangement import PROGRAMS
from music_gen.composition import NOTE_NAMES, compose, loop_steps
from music_gen.description import parse_description


@pytest.mark.parametrize("bpm", [50, 60, 66, 74, 87, 90, 100, 118, 120, 133, 150, 175, 200])
@pytest.mark.parametrize("duration", [5, 15, 35, 60])
def test_loop_fits_the_duration_with_a_small_tempo_nudge(bpm, duration):
    steps = loop_steps(bpm, duration)
    actual = steps * 15.0 / duration
    assert abs(actual - bpm) / bpm <= 0.04
    if abs(round(duration * bpm / 60 / 4) * 4 * 60 / duration - bpm) / bpm <= 0.04:
        assert steps % 16 == 0  # whole bars whenever the nudge allows it


def test_parts_follow_the_description():
    text = "A playful pop track at 110 BPM in a major key with marimba, flute and claps."
    piece = compose(parse_description(text), description=text, duration=20, seed=0)
    by_name = {i.name: i for i in piece.midi.instruments}
    assert by_name["marimba"].program == PROGRAMS["marimba"] and by_name["flute"].program == PROGRAMS["flute"]
    drums = by_name["drums"]
    assert drums.is_drum and any(n.pitch == 39 for n in drums.notes)  # hand claps
    assert piece.key.split()[0] in NOTE_NAMES and piece.key.endswith("major")
    for inst in piece.midi.instruments:
        assert inst.notes, inst.name
        assert all(0 <= n.start < n.end <= piece.duration_s for n in inst.notes), inst.name


def test_melody_repeats_its_motif():
    text = "A happy pop track at 120 BPM in a major key with synth lead, bass and drums."
    piece = compose(parse_description(text), description=text, duration=20, seed=4)  # 10 bars
    lead = next(i for i in piece.midi.instruments if i.name == "synth lead")
    bar_s = 240 / piece.bpm
    rhythms = [tuple(round((n.start % bar_s) / (bar_s / 16)) for n in lead.notes if int(n.start // bar_s) == b)
               for b in range(8)]
    assert rhythms[0] == rhythms[2] == rhythms[4] == rhythms[6]  # the motif opens every phrase half
    assert rhythms[0] != rhythms[3]  # and the cadence bar differs


def test_minor_mood_defaults_and_sevenths():
    text = "something spooky"
    piece = compose(parse_description(text), description=text, duration=10, seed=0)
    assert piece.key.endswith("minor")
    chill = "A chill jazz track at 84 BPM in a major key with electric piano, bass and drums."
    keys = compose(parse_description(chill), description=chill, duration=10, seed=0).midi.instruments
    epiano = next(i for i in keys if i.name == "electric piano")
    first = sorted(n.pitch for n in epiano.notes if n.start < 0.05)
    assert len(first) == 4  # seventh chords for chill


def test_midi_file_roundtrip(tmp_path):
    text = "dreamy lo-fi with piano, 80 bpm"
    piece = compose(parse_description(text), description=text, duration=15, seed=0)
    piece.midi.write(str(tmp_path / "a.mid"))
    back = pretty_midi.PrettyMIDI(str(tmp_path / "a.mid"))
    assert abs(back.get_end_time() - 15.0) < 0.05
    assert abs(back.get_tempo_changes()[1][0] - piece.bpm) < 0.01


def test_every_named_instrument_plays():
    from music_gen.description import INSTRUMENTS, MOODS

    for k, mood in enumerate(MOODS):
        for j in range(len(INSTRUMENTS)):
            trio = [INSTRUMENTS[(j + d * (k + 1)) % len(INSTRUMENTS)] for d in range(3)]
            if len(set(trio)) < 3:
                continue
            text = f"A {mood} pop track at 100 BPM in a minor key with {trio[0]}, {trio[1]} and {trio[2]}."
            piece = compose(parse_description(text), description=text, duration=5, seed=j)
            playing = {i.program for i in piece.midi.instruments if not i.is_drum and i.notes}
            has_drums = any(i.is_drum and i.notes for i in piece.midi.instruments)
            for name in trio:
                if name in ("drums", "claps"):
                    assert has_drums, text
                else:
                    assert PROGRAMS[name] in playing, (text, name)


def test_a_named_key_is_honoured_for_every_seed():
    text = "chill lo-fi in F# minor with piano"
    for seed in range(3):
        assert compose(parse_description(text), description=text, duration=5, seed=seed).key == "F# minor"
