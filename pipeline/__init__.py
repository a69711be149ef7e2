"""What ``render.py`` does around manim and manim-slides, one module per concern:
``plan`` (what a command renders), ``build`` (rendering it: manim, manim-slides convert,
the cache), ``run`` (subprocesses, process groups, signals), ``install`` (all or nothing
into ``--out``), ``cluster`` (scene renders on a Dask cluster), ``cache``, ``handout``
(the PDF handout, pptx posters) and ``captions``, ``media``, ``outputs`` (captions from
the speaker notes). The command line itself is the click group in ``cli``."""
