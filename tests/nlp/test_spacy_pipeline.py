"""The extractor is a spaCy pipeline: components on the Doc, `spacy.load` of the package in a
blank process, `nlp.pipe` with several processes, all giving what `vigil extract` gives."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import spacy

import nlp
from nlp.doc import CONTRACT_KEYS, listing_doc, to_contract
from nlp.pipeline import CONFIG_PATH, PACKAGE_DIR, build, load, pipe

ROOT = Path(__file__).resolve().parents[2]

LISTINGS = [
    {"id": "a", "title": "Ketamin3 5g - top quality", "description": "Shards. 50 EUR. "
     "Wickr: k.shop77", "price": "50 EUR", "ships_from": "Netherlands", "date": "2024-05-01"},
    {"id": "b", "title": "100 x Xanax 2mg bars (pressed)", "ships_to": "EU"},
    {"id": "c", "title": "Fullz with DOB and SSN, fresh", "description": "USA only"},
    {"id": "d", "title": "3-MMC 10g", "description": "Kristalle, Versand aus Deutschland",
     "price": "€80"},
    {"id": "e", "title": "Isotonitazene 1g", "description": "Also have Brorphine. BTC only"},
    {"id": "f", "title": "Guide: how to make MDMA at home (PDF)"},
]


def _cli(records: list[dict]) -> list[dict]:
    lines = "".join(json.dumps(r) + "\n" for r in records)
    out = subprocess.run([sys.executable, "-m", "vigil", "extract"], input=lines.encode(),
                         capture_output=True, cwd=ROOT, check=True)
    return [json.loads(line) for line in out.stdout.splitlines()]


def test_results_live_on_the_doc() -> None:
    pipeline = load()
    doc = pipeline(listing_doc(pipeline, LISTINGS[3]))
    assert [s.label_ for s in doc.spans["substances"]] == ["3-MMC"]
    assert doc.spans["substances"][0].text == "3-MMC"
    assert [s.label_ for s in doc.spans["quantities"]] == ["10 g"]
    assert doc._.substances[0]["name"] == "3-MMC" and doc._.quantities == [
        {"value": 10.0, "unit": "g"}]
    assert doc._.extraction == to_contract(doc) == nlp.extract(LISTINGS[3])
    assert list(doc._.extraction) == list(CONTRACT_KEYS)
    # the working state is gone: the Doc serialises (what n_process relies on)
    assert spacy.tokens.Doc(pipeline.vocab).from_bytes(doc.to_bytes())._.substances == \
        doc._.substances


def test_components_declare_what_they_need_and_set() -> None:
    pipeline = load()
    analysis = pipeline.analyze_pipes()
    assert not any(analysis["problems"].values()), analysis["problems"]
    assert pipeline.get_pipe_meta("offers").requires == ["doc.spans", "doc._.quantities"]


def test_plain_text_is_a_listing_title() -> None:
    doc = load()("Selling 3mmc 5g and Fluetonitazene")
    assert [s["name"] for s in doc._.substances] == ["3-MMC"]
    assert [c["text"] for c in doc._.novel_candidates] == ["Fluetonitazene"]
    assert doc._.quantities == [{"value": 5.0, "unit": "g"}]


def test_package_is_built_from_the_config() -> None:
    packaged = spacy.util.load_config(PACKAGE_DIR / "config.cfg")
    fresh = build()
    assert packaged["nlp"]["pipeline"] == fresh.pipe_names
    # the tokenizer's rules are stored in the package: rebuild it when they change
    # (`python -c "from nlp.pipeline import package, PACKAGE_DIR; package(PACKAGE_DIR)"`)
    loaded = load()
    assert loaded.tokenizer.to_bytes() == fresh.tokenizer.to_bytes()
    # ... and so are the weights of the shipped context model (`vigil nlp train` repackages)
    from nlp.context_model import load as load_context_model

    shipped = load_context_model().get_pipe("context").to_bytes(exclude=["vocab"])
    assert loaded.get_pipe("context").to_bytes(exclude=["vocab"]) == shipped
    assert packaged["nlp"]["pipeline"] == spacy.util.load_config(CONFIG_PATH)["nlp"]["pipeline"]


def test_a_user_can_add_a_component() -> None:
    pipeline = load()

    @spacy.Language.component("test_count_substances")
    def count(doc):  # a user's own component after Vigil's
        doc.user_data["n_substances"] = len(doc.spans["substances"])
        return doc

    pipeline.add_pipe("test_count_substances")
    doc = pipeline(listing_doc(pipeline, LISTINGS[4]))
    assert doc.user_data["n_substances"] == 2


def test_spacy_load_in_a_blank_process_gives_what_vigil_extract_gives() -> None:
    """`spacy.load` of the package, in a process that imports nothing of Vigil itself
    beforehand: the factories come from the entry points."""
    script = (
        "import json, sys, spacy\n"
        f"pipe = spacy.load({str(PACKAGE_DIR)!r})\n"
        "from nlp.doc import listing_doc\n"
        "from vigil.cli.extract import record_date, with_result\n"
        "for line in sys.stdin:\n"
        "    r = json.loads(line)\n"
        "    doc = pipe(listing_doc(pipe, r, on=record_date(r)))\n"
        "    print(json.dumps(with_result(r, doc._.extraction), ensure_ascii=False))\n"
    )
    check = "import sys; assert 'nlp' not in sys.modules and 'vigil' not in sys.modules"
    lines = "".join(json.dumps(r) + "\n" for r in LISTINGS)
    out = subprocess.run([sys.executable, "-c", check + "\n" + script], input=lines.encode(),
                         capture_output=True, cwd="/", check=True)
    loaded = [json.loads(line) for line in out.stdout.splitlines()]
    assert loaded == _cli(LISTINGS)


def test_two_processes_give_the_same_results_in_order() -> None:
    records = LISTINGS * 40
    single = list(pipe(records))
    double = list(pipe(records, n_process=2, batch_size=16))
    assert double == single
    assert single[0] == nlp.extract(records[0])


def test_worker_processes_keep_tags_at_home_and_read_input_a_bounded_distance_ahead() -> None:
    """Tags (a line number, the whole record) never travel; input is read a few batches ahead."""
    from nlp.doc import listing_input
    from nlp.parallel import BATCHES_AHEAD, pipe_contracts
    from nlp.pipeline import shared

    records = LISTINGS * 60
    read = [0]

    def inputs():
        for number, record in enumerate(records):
            read[0] += 1
            yield (*listing_input(record), (number, object()))  # an object no pickle round-trips

    batch, workers = 8, 2
    ahead = []
    out = []
    for contract, (number, _tag) in pipe_contracts(shared(), inputs(), n_process=workers, batch_size=batch):
        ahead.append(read[0] - len(out))
        out.append((number, contract))
    assert [number for number, _ in out] == list(range(len(records)))
    assert [contract for _, contract in out] == list(pipe(records))
    assert max(ahead) <= (workers * BATCHES_AHEAD + 1) * batch


def test_an_error_in_a_worker_is_raised_in_the_caller() -> None:
    from nlp.doc import listing_input
    from nlp.parallel import pipe_contracts
    from nlp.pipeline import shared

    good = [(*listing_input(record), n) for n, record in enumerate(LISTINGS)]
    bad = (12345, {}, "bad")  # not a text: spaCy refuses to make a Doc of it, in the worker
    out = []
    with pytest.raises(ValueError, match=r"E1041|Expected a string"):
        for _contract, tag in pipe_contracts(shared(), iter([*good, bad]), n_process=2, batch_size=1):
            out.append(tag)
    assert out == list(range(len(LISTINGS)))  # everything before the bad input came out first


def test_vigil_extract_with_processes_matches_one_process(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in LISTINGS * 5))
    outs = []
    for n in ("1", "2"):
        result = subprocess.run([sys.executable, "-m", "vigil", "extract", "--in", str(src),
                                 "--processes", n], capture_output=True, cwd=ROOT, check=True)
        outs.append(result.stdout)
    assert outs[0] == outs[1] and outs[0].count(b"\n") == 30


def test_a_batch_collects_the_young_generation_rarely_and_restores_the_collector() -> None:
    import gc

    from nlp.pipeline import BATCH_GC_THRESHOLD

    before = gc.get_threshold()
    records = [{"id": str(i), "title": f"{i + 1}g cocaine"} for i in range(3)]
    batch = pipe(records)
    first = next(batch)
    during = gc.get_threshold()
    rest = list(batch)
    assert during[0] == max(before[0], BATCH_GC_THRESHOLD) and during[1:] == before[1:]
    assert gc.get_threshold() == before  # as it was once the batch is done
    assert [r["substances"][0]["name"] for r in [first, *rest]] == ["cocaine"] * 3
