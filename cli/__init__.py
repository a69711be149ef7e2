"""rnn-lecture's command line: a click group, one module per verb (as manim-slides does).

::

    render.py list [SCENE...] [--durations] [--json]
    render.py video   [SCENE...] [-q low|medium|high|4k] [--config FILE] [--seed N]
                      [--out DIR] [--jobs N] [--force]
    render.py slides  [SCENE...] --to html|pptx|pdf [same options]
    render.py lecture [SCENE...] [same options]
    render.py batch LESSON... [--scheduler ADDRESS] [same options]
    render.py preview [SCENE...] [-q Q] [--config FILE] [--seed N] [--out DIR]
    render.py check FILE
    render.py train LESSON --out FILE [--epochs N] [--lr X] [--seed N]
    render.py import FILE --out LESSON [--data LESSON] [--format torch|keras] [--seed N]

``rnn-lecture`` (the console script) is the same command. Everything is parsed and
checked first: bad input is exit status 2 and one line on stderr, with nothing
written. The verbs hand the work to ``pipeline`` (``plan``: what to render;
``build``: rendering it; ``run``: subprocesses and signals; ``install``: all or
nothing into ``--out``). Exit status: 0 ok, 1 a failed render, 2 bad input,
128 + N when stopped by signal N (130 SIGINT, 143 SIGTERM, 129 SIGHUP).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import click

from cli.batch import batch
from cli.check import check
from cli.importing import import_
from cli.lecture import lecture
from cli.listing import list_
from cli.preview import preview
from cli.slides import slides
from cli.train import train
from cli.video import video
from pipeline.plan import PROG
from pipeline.run import SIGNALS, CliError, Interrupted

__all__ = ["group", "main", "script"]

EPILOG = """\b
outputs under --out (default out/):
  videos/<Scene>.mp4                       video, lecture
  slides/<Scene>.html|.pptx|.pdf           slides (an HTML deck comes with <Scene>_assets/)
  lecture.html|.pptx|.pdf, lecture_assets/ lecture
  preview/<Scene>/slide-NN.png             preview
  <lesson>/...                             batch: one lecture per lesson

\b
examples:
  python render.py video ForwardPropagation --config my.toml
  python render.py slides Unfolding --to html,pdf -q high
  python render.py lecture --jobs 2
  python render.py batch a.toml b.toml --out course"""


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    no_args_is_help=False,
    epilog=EPILOG,
)
def group() -> None:
    """Render the RNN lecture: videos, slides, decks."""


for command in (list_, video, slides, lecture, batch, preview, check, train, import_):
    group.add_command(command)


def main(argv: Sequence[str] | None = None, prog: str = PROG) -> int:
    """Run the CLI; return its exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments (default: ``sys.argv[1:]``).
    prog : str
        How help and error lines name the command.

    Returns
    -------
    int
        0 ok, 1 a failed render, 2 bad input, 128 + N when stopped by signal N (130
        SIGINT, 143 SIGTERM, 129 SIGHUP).
    """
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        with SIGNALS.installed():
            with group.make_context(prog, args) as ctx:
                code = group.invoke(ctx)
            return int(code or 0)
    except click.exceptions.Exit as e:  # --help
        return e.exit_code
    except click.ClickException as e:  # a usage error (exit 2): one line
        message = " ".join(e.format_message().split())
        print(f"{prog}: error: {message}", file=sys.stderr)
        return e.exit_code
    except CliError as e:
        print(f"{prog}: error: {e}", file=sys.stderr)
        return e.code
    except Interrupted as e:
        print(f"{prog}: interrupted by {e.name}; nothing was written", file=sys.stderr)
        return e.code
    except KeyboardInterrupt:
        print(f"{prog}: interrupted by SIGINT; nothing was written", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `render.py list | head`: the reader has gone, quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def script() -> None:
    """The ``rnn-lecture`` console script."""
    sys.exit(main(prog="rnn-lecture"))
