"""The trained `context` component: reproducible training, a saved model without training
text, the development set left out of training, arbitration over the rules' result, and (on
the real data) the shipped model's scores on the held-out split.

Every listing here is written for this file in the style of real ones."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
import spacy
from helpers import ROOT, run_vigil

from nlp.arbitration import arbitrate
from nlp.context_model import MODEL_DIR, cats_many
from nlp.training.labels import LABELS, exact_cats
from nlp.training.model import blank_pipeline, listing_doc_maker
from nlp.training.recipe import run
from nlp.training.save import SaveError, save
from nlp.training.train import evaluate, split, train, weights_digest
from nlp.training.weak_labels import build_records
from vigil import exit_codes

# Words that occur only in the training texts below: none may reach a saved model.
SECRET_WORDS = ("glorbnaxite", "vexxorium", "plinthquay", "zubrawicket", "quorflange")


def _offer(title: str, description: str, cls: str) -> dict[str, Any]:
    return {"title": title, "description": description, "source": "inhouse", "ref": title,
            "group": title, "cats": exact_cats(offer=True, guide=False, non_drug=False, classes=[cls])}


def _other(title: str, description: str, *, guide: bool) -> dict[str, Any]:
    return {"title": title, "description": description, "source": "inhouse", "ref": title,
            "group": title, "cats": exact_cats(offer=False, guide=guide, non_drug=not guide, classes=[])}


TINY = [
    _offer("Ketamine needles 5g glorbnaxite", "Clean shards, fast stealth shipping.", "dissociative"),
    _offer("Amnesia Haze 28g vexxorium", "Top shelf buds, vacuum sealed.", "cannabis"),
    _offer("Xanax 2mg bars x50", "Pressed bars, same day post. plinthquay", "benzodiazepine"),
    _offer("Speed paste 10g", "Wet amphetamine paste, 70%.", "stimulant"),
    _other("Fullz USA with DOB and SSN zubrawicket", "Fresh data, 20 records.", guide=False),
    _other("Netflix premium account 1 year", "Instant delivery, warranty.", guide=False),
    _other("How to grow mushrooms at home (PDF)", "Step by step guide quorflange.", guide=True),
    _other("Cocaine extraction e-book", "Learn the chemistry.", guide=True),
]


def _tiny_train(seed: int) -> Any:
    nlp = blank_pipeline()
    train(nlp, TINY, TINY[:4], make_doc=listing_doc_maker(nlp), seed=seed, epochs=2)
    return nlp


def test_training_is_reproducible():
    first, second = _tiny_train(seed=3), _tiny_train(seed=3)
    assert weights_digest(first) == weights_digest(second)
    assert first.get_pipe("context").to_bytes(exclude=["vocab"]) == \
        second.get_pipe("context").to_bytes(exclude=["vocab"])


def test_training_learns_the_tiny_set():
    nlp = blank_pipeline()
    train(nlp, TINY, TINY, make_doc=listing_doc_maker(nlp), seed=0, epochs=20)
    scores = evaluate(nlp, TINY, listing_doc_maker(nlp))
    assert scores.labels["OFFER"].f1 == 1.0
    assert scores.labels["NON_DRUG"].f1 == 1.0


def _text_files(directory: Path) -> str:
    return "".join((directory / n).read_text(encoding="utf-8") for n in ("config.cfg", "meta.json"))


def _all_bytes(directory: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file())


def test_saved_model_holds_no_training_strings_and_is_small(tmp_path):
    trained = _tiny_train(seed=0)
    assert all(w in trained.vocab.strings for w in SECRET_WORDS)  # training filled the vocab
    out = save(trained, tmp_path / "model", fresh=blank_pipeline)
    blob = _all_bytes(out).lower()
    assert not [w for w in SECRET_WORDS if w.encode() in blob]
    strings = set(json.loads((out / "vocab" / "strings.json").read_text(encoding="utf-8")))
    assert strings <= set(blank_pipeline().vocab.strings) | set(LABELS)
    assert sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) < 5_000_000
    # the saved weights are the trained ones
    loaded = spacy.load(out)
    assert cats_many(TINY, nlp=loaded) == cats_many(TINY, nlp=trained)


def test_save_refuses_to_replace_a_folder_that_is_not_a_model(tmp_path):
    (tmp_path / "notes.txt").write_text("keep me")
    with pytest.raises(SaveError, match="not a saved model"):
        save(_tiny_train(seed=0), tmp_path, fresh=blank_pipeline)
    assert (tmp_path / "notes.txt").read_text() == "keep me"


def test_shipped_model_holds_no_in_house_training_words(tmp_path):
    gold = ROOT / "tests" / "gold"
    tokenize = blank_pipeline().make_doc
    blank = set(blank_pipeline().vocab.strings)
    words = set()
    for name in ("inhouse.jsonl", "nondrug.jsonl"):
        for line in (gold / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            for token in tokenize(f"{row['title']} {row.get('description', '')}"):
                if len(token.text) >= 6 and token.text.isalpha() and token.text not in blank:
                    words.add(token.text)
    assert len(words) > 300
    strings = set(json.loads((MODEL_DIR / "vocab" / "strings.json").read_text(encoding="utf-8")))
    assert not words & strings
    # config and meta: no word beyond what an untrained saved pipeline (and its labels) holds
    blank_dir = tmp_path / "blank"
    blank_pipeline().to_disk(blank_dir)
    baseline = (_text_files(blank_dir) + " ".join(LABELS)).lower()
    shipped = _text_files(MODEL_DIR).lower()
    assert not [w for w in words if w.lower() in shipped and w.lower() not in baseline]
    assert sum(p.stat().st_size for p in MODEL_DIR.rglob("*") if p.is_file()) < 5_000_000


def test_the_shipped_weights_work_inside_the_extraction_pipeline():
    from nlp.doc import listing_doc
    from nlp.pipeline import load

    pipeline = load()
    names = pipeline.pipe_names
    assert names.index("offers") < names.index("context") < names.index("arbitration")
    docs = list(pipeline.pipe(listing_doc(pipeline, r) for r in TINY))
    standalone = cats_many(TINY)
    assert [dict(d.cats) for d in docs] == standalone
    assert docs[0]._.extraction["substances"]  # the rules still run
    assert standalone[1]["OFFER"] > 0.5 and standalone[5]["NON_DRUG"] > 0.5


# ------------------------------------------------------------------------------ exclusion


def _write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def _mini_data(tmp_path: Path) -> tuple[Path, Path]:
    real, gold = tmp_path / "real", tmp_path / "gold"
    real.mkdir()
    with (real / "agora2014_listings.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["list", "date", "vendor", "product", "price", "cat", "subcat", "subsubcat",
                    "feedback", "from", "to"])
        w.writerow(["a1", "2014-01-01", "v1", "Blue Dream 7g", "", "Drugs", "Cannabis", "Seeds", "", "", ""])
        w.writerow(["a2", "2014-01-01", "v2", "Adderall 30mg x20", "", "Drugs", "Stimulants",
                    "Prescription", "", "", ""])
        w.writerow(["a3", "2014-01-01", "v3", "adderall  30mg X20", "", "Drugs", "Stimulants",
                    "Prescription", "", "", ""])
        w.writerow(["a4", "2014-01-01", "v4", "Space cookies 10pc", "", "Drugs", "Cannabis",
                    "Edibles", "", "", ""])
    _write_jsonl(real / "hansa2017_category_listings.jsonl", [
        {"url": "h1", "title": "Carding guide 2017", "category": "Guides & Tutorials", "vendor": "x"},
        {"url": "h2", "title": "Silver ring 925", "category": "Jewellery", "vendor": "y"}])
    _write_jsonl(real / "anita2020_products.jsonl", [
        {"id": "p1", "name": "OG Kush 3.5g", "info": "Indoor.", "market": "cannahome", "vendor": "z"}])
    _write_jsonl(gold / "inhouse.jsonl", [
        {"id": "inhouse:en-1", "title": "MDMA crystal 1g", "description": "84%",
         "substances": [{"name": "MDMA", "class": "entactogen"}], "flags": [], "drug": True},
        {"id": "inhouse:en-2", "title": "Space cookies 10pc", "description": "",
         "substances": [{"name": "cannabis", "class": "cannabis"}], "flags": [], "drug": True}])
    _write_jsonl(gold / "nondrug.jsonl", [
        {"id": "inhouse:nd-1", "title": "Spotify family 12 months", "description": "",
         "substances": [], "flags": [], "drug": False}])
    return real, gold


def _refs(records: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(r["source"], r["ref"]) for r in records}


def test_without_a_dev_set_every_row_is_used(tmp_path):
    real, gold = _mini_data(tmp_path)
    refs = _refs(build_records(real, gold))
    assert {("agora2014", "a1"), ("agora2014", "a2"), ("hansa2017", "h1"), ("hansa2017", "h2"),
            ("anita2020", "p1"), ("inhouse", "inhouse:en-1")} <= refs
    assert ("agora2014", "a3") not in refs  # the same title as a2: kept once


def test_dev_rows_and_dev_titles_are_left_out(tmp_path):
    real, gold = _mini_data(tmp_path)
    _write_jsonl(gold / "dev" / "agora.jsonl", [{"id": "agora2014:a2", "source": "agora2014", "ref": "a2"}])
    _write_jsonl(gold / "dev" / "inhouse.jsonl", [
        {"id": "inhouse:dev-1", "source": "inhouse", "title": "Space Cookies 10pc"}])
    refs = _refs(build_records(real, gold))
    assert ("agora2014", "a2") not in refs and ("agora2014", "a3") not in refs  # row, and its title
    assert ("agora2014", "a4") not in refs and ("inhouse", "inhouse:en-2") not in refs  # dev title
    assert ("agora2014", "a1") in refs and ("inhouse", "inhouse:en-1") in refs


def test_weak_labels_know_only_what_the_source_says(tmp_path):
    real, gold = _mini_data(tmp_path)
    by_ref = {r["ref"]: r["cats"] for r in build_records(real, gold)}
    assert by_ref["a1"]["OFFER"] == 1 and by_ref["a1"]["CLASS_cannabis"] == 1
    assert by_ref["a1"]["CLASS_opioid"] == 0
    assert by_ref["a2"]["CLASS_stimulant"] == 1 and "CLASS_opioid" not in by_ref["a2"]
    assert by_ref["h1"]["GUIDE"] == 1 and by_ref["h2"]["NON_DRUG"] == 1
    assert "OFFER" not in by_ref["p1"] and "CLASS_cannabis" not in by_ref["p1"]
    assert by_ref["inhouse:en-1"]["CLASS_entactogen"] == 1 and by_ref["inhouse:en-1"]["GUIDE"] == 0


def test_the_held_out_split_shares_no_title_with_training():
    records = [{"title": f"Listing {i % 40}", "description": "", "group": f"g{i}", "source": "s",
                "ref": str(i), "cats": {}} for i in range(400)]
    train_records, held = split(records)
    assert held and train_records
    assert not {r["title"] for r in train_records} & {r["title"] for r in held}


def test_train_command_names_a_missing_file(tmp_path):
    real, gold = _mini_data(tmp_path)
    (real / "hansa2017_category_listings.jsonl").unlink()
    result = run_vigil("nlp", "train", "--real-data", str(real), "--gold", str(gold),
                       "--out", str(tmp_path / "m"))
    assert result.returncode == exit_codes.USAGE, result.stderr
    assert "hansa2017_category_listings.jsonl is missing" in result.stderr
    assert "Traceback" not in result.stderr


def test_evaluate_command_names_a_missing_model(tmp_path):
    result = run_vigil("nlp", "evaluate", "--model", str(tmp_path / "nowhere"))
    assert result.returncode == exit_codes.USAGE, result.stderr
    assert "nowhere is not a saved model" in result.stderr


def test_train_command_saves_a_model_that_loads(tmp_path):
    real, gold = _mini_data(tmp_path)
    out = tmp_path / "model"
    result = run_vigil("nlp", "train", "--real-data", str(real), "--gold", str(gold),
                       "--out", str(out), "--epochs", "2")
    assert result.returncode == 0, result.stderr
    assert "weights sha256" in result.stdout and "context: epoch 1" in result.stderr
    assert spacy.load(out).pipe_names == ["context"]


# ------------------------------------------------------------------------------ arbitration


def _hit(name: str, cls: str, text: str, confidence: float) -> dict[str, Any]:
    return {"name": name, "class": cls, "text": text, "start": 0, "end": len(text), "field": "title",
            "confidence": confidence}


NON_DRUG = {"OFFER": 0.05, "GUIDE": 0.02, "NON_DRUG": 0.97}
OFFER = {"OFFER": 0.98, "GUIDE": 0.01, "NON_DRUG": 0.02, "CLASS_cannabis": 0.9}


def test_a_collision_only_hit_moves_to_mentions_when_the_model_reads_a_non_drug_listing():
    result = {"substances": [_hit("DOB", "psychedelic", "DOB", 0.7)], "mentions": [], "flags": []}
    out = arbitrate(result, NON_DRUG)
    assert out["substances"] == [] and [m["name"] for m in out["mentions"]] == ["DOB"]
    assert result["substances"]  # the input is not modified


def test_an_unambiguous_hit_stays_whatever_the_model_says():
    for hit in (_hit("ketamine", "dissociative", "Ketamine", 0.95), _hit("LSD", "psychedelic", "LSD", 0.95)):
        result = {"substances": [hit], "mentions": [], "flags": []}
        assert arbitrate(result, NON_DRUG)["substances"] == result["substances"]
    # and a listing with one keeps its collision-prone names too (a catalogue in boilerplate)
    both = {"substances": [_hit("MDMA", "entactogen", "XTC", 0.95), _hit("MDMA", "entactogen", "X", 0.6)],
            "mentions": [], "flags": []}
    assert arbitrate(both, NON_DRUG)["substances"] == both["substances"]


def test_a_collision_stays_when_the_model_reads_an_offer():
    result = {"substances": [_hit("MDMA", "entactogen", "Tesla", 0.7)], "mentions": [], "flags": []}
    assert arbitrate(result, {"OFFER": 0.9, "NON_DRUG": 0.1})["substances"] == result["substances"]


def test_a_name_a_listing_rule_moved_comes_back_when_the_model_reads_an_offer():
    result = {"substances": [], "mentions": [_hit("cannabis", "cannabis", "Kush", 0.95)],
              "flags": ["non_drug"]}
    out = arbitrate(result, OFFER)
    assert [s["name"] for s in out["substances"]] == ["cannabis"] and out["flags"] == []
    # ... but not when the model's class disagrees, nor without a listing rule's flag
    assert arbitrate(result, {**OFFER, "CLASS_cannabis": 0.1})["substances"] == []
    assert arbitrate({**result, "flags": []}, OFFER)["substances"] == []


def test_an_alias_the_rules_did_not_accept_is_rescued_when_the_model_reads_an_offer_of_its_class():
    empty = {"substances": [], "mentions": [], "flags": []}
    weed = _hit("cannabis", "cannabis", "WEED", 0.95)
    out = arbitrate(empty, OFFER, [weed])
    assert [(s["name"], s["confidence"]) for s in out["substances"]] == [("cannabis", 0.5)]
    # not when the model reads another class, a weak offer, or a non-drug listing
    assert arbitrate(empty, {**OFFER, "CLASS_cannabis": 0.2}, [weed])["substances"] == []
    assert arbitrate(empty, {**OFFER, "OFFER": 0.5}, [weed])["substances"] == []
    assert arbitrate(empty, {**OFFER, "NON_DRUG": 0.6}, [weed])["substances"] == []
    # nor when the rules named it only to deny it, or a listing rule fired
    denied = {"substances": [], "mentions": [weed], "flags": []}
    assert arbitrate(denied, OFFER, [weed])["substances"] == []
    assert arbitrate({**empty, "flags": ["guide"]}, OFFER, [weed])["substances"] == []
    # nor in a listing that uses an everyday good's vocabulary
    assert arbitrate(empty, OFFER, [weed], everyday=True)["substances"] == []


def test_the_model_never_invents_a_substance():
    empty = {"substances": [], "mentions": [], "flags": []}
    assert arbitrate(empty, {**OFFER, "CLASS_opioid": 0.99}) == empty


# ------------------------------------------------------------------------------ real data


@pytest.mark.realdata
def test_shipped_model_scores_on_the_held_out_split(realdata):
    from nlp.context_model import load

    nlp = load()
    _, held = split(build_records(realdata, ROOT / "tests" / "gold"))
    scores = evaluate(nlp, held, listing_doc_maker(nlp))
    assert scores.labels["OFFER"].f1 >= 0.93
    assert scores.labels["NON_DRUG"].f1 >= 0.75
    assert scores.labels["CLASS_cannabis"].f1 >= 0.9 and scores.labels["CLASS_opioid"].f1 >= 0.9
    assert scores.score >= 0.7


@pytest.mark.realdata
def test_vigil_nlp_train_reproduces_the_shipped_weights(realdata):
    """Same data, same seed: the weights in nlp/model/context, trained with today's development
    set left out. (When the gold set or its dev/ folder change: `vigil nlp train`, ship again.)"""
    meta = json.loads((MODEL_DIR / "meta.json").read_text(encoding="utf-8"))["vigil_training"]
    done = run(realdata, ROOT / "tests" / "gold", None, seed=meta["seed"], epochs=meta["epochs"])
    assert done.dev_fingerprint == meta["dev_sha256"], \
        "tests/gold/dev changed since the shipped model was trained: run `vigil nlp train`"
    assert done.digest == meta["weights_sha256"]
