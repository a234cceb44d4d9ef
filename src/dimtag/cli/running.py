"""A run of the command line: :func:`main` parses, dispatches to the verb through a table, and maps errors to exit codes."""

from __future__ import annotations

import argparse
import signal
from collections.abc import Callable, Sequence

from ..errors import DimtagError
from .console import cli_logging, say, silence_stdout
from .exits import EXIT_FAILED, EXIT_OK
from .labeling import cmd_export_tasks, cmd_import_labels, cmd_labels, cmd_merge
from .learning import cmd_audit, cmd_evaluate, cmd_extract, cmd_suggest, cmd_train
from .parser import build_parser
from .reporting import cmd_report, cmd_spark_report
from .serving import cmd_serve
from .signals import Terminated, signals_unwind
from .tagging import cmd_tag

__all__ = ["COMMANDS", "main"]

_LEARNING_VERBS = ("extract", "train", "evaluate", "audit", "suggest", "merge")

#: Each verb's command: what main() runs for it.
COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "tag": cmd_tag, "report": cmd_report, "spark-report": cmd_spark_report, "extract": cmd_extract, "train": cmd_train, "evaluate": cmd_evaluate,
    "audit": cmd_audit, "suggest": cmd_suggest, "merge": cmd_merge, "export-tasks": cmd_export_tasks,
    "import-labels": cmd_import_labels, "labels": cmd_labels, "serve": cmd_serve,
}


def _oserror(exc: OSError) -> str:
    reason = exc.strerror or str(exc)
    return reason if exc.filename is None else f"{exc.filename}: {reason}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = build_parser().parse_args(argv)
    if args.command in _LEARNING_VERBS and args.command != "extract":
        from ..learn import TRAIN_EXTRA_HINT, missing_train_extra

        missing = missing_train_extra()
        if missing:
            say(f"dimtag: error: '{args.command}' needs the train extra ({', '.join(missing)} missing): {TRAIN_EXTRA_HINT}")
            return EXIT_FAILED
    try:
        with signals_unwind(), cli_logging(args.command in ("train", "evaluate")):
            return COMMANDS[args.command](args)
    except DimtagError as exc:
        say(f"dimtag: error: {exc}")
        return EXIT_FAILED
    except KeyboardInterrupt:
        say("dimtag: interrupted")
        return 128 + signal.SIGINT
    except Terminated as exc:
        say(f"dimtag: stopped by {signal.Signals(exc.signum).name}")
        return 128 + exc.signum
    except BrokenPipeError:
        # The reader went away (| head): stop quietly, as Unix tools do.
        silence_stdout()
        return EXIT_OK
    except OSError as exc:
        # The environment failed us (a vanished folder, a read-only disk): one line, no traceback.
        say(f"dimtag: error: {_oserror(exc)}")
        return EXIT_FAILED
