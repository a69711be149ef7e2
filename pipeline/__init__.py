"""What ``render.py`` does around manim and manim-slides, one module per concern
(``captions``, ``media`` and ``outputs``: captions from the speaker notes)."""
