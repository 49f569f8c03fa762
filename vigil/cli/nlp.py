"""`vigil nlp train` and `vigil nlp evaluate`: the trained `context` component of the extractor.

Training reads the real data in place and the project's gold labels, leaves out the
development set (`<gold>/dev`), and writes a spaCy pipeline directory that holds weights and
labels only (docs/extraction.md, "The context model"). Progress goes to stderr.
"""

from __future__ import annotations

import re
import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from vigil import exit_codes
from vigil.cli.common import ConfigDirOption, fail, settings
from vigil.settings import PROJECT_ROOT

if TYPE_CHECKING:
    from vigil.cli.progress import Board

app = typer.Typer(help="The extractor's trained context model.", no_args_is_help=True)

RealDataOption = Annotated[Path | None, typer.Option(
    "--real-data", help="Folder of the real data (env VIGIL_REALDATA; default ../shared/real-data).")]
GoldOption = Annotated[Path, typer.Option(
    "--gold", help="Gold-set folder (inhouse.jsonl, nondrug.jsonl, realdata.jsonl; dev/ is left out).")]


def _default_realdata() -> Path:
    from vigil.evaluation import default_realdata_dir  # lazy: the scorer is not needed for --help

    return default_realdata_dir()


def _default_model() -> Path:
    from nlp.context_model import MODEL_DIR

    return MODEL_DIR


class EpochLog:
    """The trainer's progress lines (nlp/training writes them to a text stream) as a live row:
    epochs done of the most, with the last loss and held-out score; other lines go above it."""

    EPOCH = re.compile(r"epoch (\d+): (.*)")

    def __init__(self, board: Board, epochs: int) -> None:
        self.board = board
        self.epochs = epochs
        self.pending = ""

    def write(self, text: str) -> int:
        self.pending += text
        *lines, self.pending = self.pending.split("\n")
        for line in lines:
            found = self.EPOCH.search(line)
            if found:
                self.board.update("context", total=self.epochs, epochs=int(found[1]), note=found[2])
            elif line.strip():
                self.board.say(line)
        return len(text)

    def flush(self) -> None:
        """Lines are shown as they complete."""


@app.command("train")
def train_command(
    real_data: RealDataOption = None,
    gold: GoldOption = PROJECT_ROOT / "tests" / "gold",
    out: Annotated[Path | None, typer.Option(
        "--out", help="Where to write the model (default: the shipped nlp/model/context).")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same weights).")] = 0,
    epochs: Annotated[int, typer.Option("--epochs", min=1, max=200,
                                        help="Most epochs (early stop on the held-out split).")] = 12,
) -> None:
    """Train the context model and save it without any training text.

    The component (textcat_multilabel: OFFER, GUIDE, NON_DRUG, CLASS_*) learns from the gold
    labels and weak labels of the real data; per-label P/R/F1 on the held-out split are printed.

    Exit codes: 0 ok, 2 bad input (a missing or malformed file, named)."""
    from nlp.training.recipe import run
    from nlp.training.save import SaveError
    from nlp.training.weak_labels import TrainingDataError
    from vigil.cli.progress import Board, choose_mode

    real = real_data or _default_realdata()
    target = out or _default_model()
    board = Board(choose_mode(), unit="epochs")
    try:
        with board:
            log = EpochLog(board, epochs) if board.mode == "rich" else sys.stderr
            done = run(real, gold, target, seed=seed, epochs=epochs, progress=log)
            if board.mode == "rich":  # an early stop ends the bar at the epochs run
                ran = len(done.result.history)
                board.finish("context", total=ran, epochs=ran, note=f"best epoch {done.result.best_epoch}")
    except (TrainingDataError, SaveError) as exc:
        fail(str(exc), exit_codes.USAGE)
    typer.echo(f"held-out split ({done.n_held_out} records; trained on {done.n_train}), "
               f"best epoch {done.result.best_epoch}:")
    typer.echo(done.result.scores.table())
    typer.echo(f"weights sha256 {done.digest}")
    typer.echo(f"saved to {target}")
    if out is None:  # the shipped model: the packaged extraction pipeline takes its weights
        from nlp.pipeline import PACKAGE_DIR, package

        package(PACKAGE_DIR)
        typer.echo(f"packaged the extraction pipeline in {PACKAGE_DIR}")


@app.command("evaluate")
def evaluate_command(
    real_data: RealDataOption = None,
    gold: GoldOption = PROJECT_ROOT / "tests" / "gold",
    model: Annotated[Path | None, typer.Option(
        "--model", help="Model directory (default: the shipped nlp/model/context).")] = None,
    config_dir: ConfigDirOption = None,
) -> None:
    """Score a saved context model, and the rules alone against rules + model.

    Per-label P/R/F1 and listing figures on the held-out split; substance F1 and non-drug false
    positives on the gold set.

    Exit codes: 0 ok, 2 bad input (a missing model or data file, named)."""
    from nlp.context_model import load
    from nlp.pipeline import assemble, extractor, rules_only
    from nlp.training.compare import rules_vs_model
    from nlp.training.model import listing_doc_maker
    from nlp.training.train import evaluate, split
    from nlp.training.weak_labels import TrainingDataError, build_records
    from vigil.evaluation import GoldSetError
    from vigil.evaluation import evaluate as evaluate_gold

    real = real_data or _default_realdata()
    directory = model or _default_model()
    if not (directory / "config.cfg").is_file():
        fail(f"{directory} is not a saved model (no config.cfg)", exit_codes.USAGE)
    try:
        records = build_records(real, gold)
    except TrainingDataError as exc:
        fail(str(exc), exit_codes.USAGE)
    nlp = load(directory)
    _, held_out = split(records)
    typer.echo(f"held-out split ({len(held_out)} records):")
    typer.echo(evaluate(nlp, held_out, listing_doc_maker(nlp)).table())
    rates = settings(config_dir=config_dir).rates
    plain = partial(extractor(rules_only()), rates=rates)
    with_model = partial(extractor(assemble(nlp)), rates=rates)
    rules, both, changed = rules_vs_model(held_out, plain, with_model)
    typer.echo(f"rules alone:   {rules.line()}")
    typer.echo(f"rules + model: {both.line()} ({changed} listings changed)")
    for name, fn in (("rules alone", plain), ("rules + model", with_model)):
        try:
            report = evaluate_gold(gold, fn, realdata_dir=real)
        except GoldSetError as exc:
            fail(f"gold set: {exc}", exit_codes.USAGE)
        typer.echo(f"gold set, {name}: substance F1 {report.substances.f1:.3f}, "
                   f"non-drug false positives {report.nondrug_fp_rate.value:.3f}")


def register(root: typer.Typer) -> None:
    """Add the `nlp` command group to the root app."""
    root.add_typer(app, name="nlp")
