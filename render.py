"""rnn-lecture's command line: ``python render.py COMMAND ...`` (or ``rnn-lecture COMMAND``).

::

    python render.py list [--durations] [--json]
    python render.py video   [SCENE...] [-q low|medium|high|4k] [--config FILE] [--seed N]
                             [--out DIR] [--jobs N] [--force]
    python render.py slides  [SCENE...] --to html|pptx|pdf [same options]
    python render.py lecture [SCENE...] [same options]
    python render.py batch LESSON... [--scene SCENE] [--to FORMAT] [--scheduler ADDRESS]
                             [-q Q] [--seed N] [--out DIR] [--jobs N] [--force]
    python render.py preview [SCENE...] [-q Q] [--config FILE] [--seed N] [--out DIR]
    python render.py check FILE
    python render.py train LESSON --out FILE [--epochs N] [--lr X] [--seed N]
    python render.py import FILE --out LESSON [--data LESSON] [--format torch|keras] [--seed N]

The module is thin: the commands are the click group in ``cli`` (one module per verb,
shared options as decorators), and the work is in ``pipeline`` (``plan``: what to
render; ``build``: each scene with ``manim`` and each deck with ``manim-slides
convert``, subprocesses in a scratch folder inside ``--out``; ``run``: subprocesses,
process groups and signals; ``install``: the finished files moved into place only
when every step has succeeded, so a failed run leaves ``--out`` as it was). Bad input
is exit status 2 and one line on stderr, with nothing written.

Ctrl-C (SIGINT), ``kill`` (SIGTERM) and a closed terminal (SIGHUP) all stop a run
the same way: every subprocess is ended with its whole process group, the scratch
folder and the folders the run created are removed, ``--out`` is left as it was,
one line goes to stderr and the exit status is 128 + the signal's number (130, 143,
129).

Output layout under ``--out`` (default ``out/``)::

    videos/<Scene>.mp4                      video and lecture
    videos/<Scene>.vtt, <Scene>.srt         its captions (the MP4 carries them too)
    slides/<Scene>.html + <Scene>_assets/   slides --to html (one deck per scene)
    slides/<Scene>.pptx, slides/<Scene>.pdf slides --to pptx / pdf
    lecture.html + lecture_assets/          lecture: every slide, in order
    lecture.pptx, lecture.pdf
    preview/<Scene>/slide-NN.png            preview: each slide's final frame (no video)
    <lesson>/...                            batch: one lecture per lesson file

HTML decks are self-contained: their ``*_assets`` folder holds the slide videos and
a copy of reveal.js (from ``build/reveal.js-<version>``, which ``make`` fetches with
npm), so they work offline.
"""

from __future__ import annotations

import sys

from cli import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
