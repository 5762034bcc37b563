"""The pipeline's parts, kept out of ``pipeline.py`` so that it reads as the studio's outline:

- ``run``: one search in progress (``Run``), the loop over ``stages.specs()`` and its records;
- ``loaders``: each built-in stage's model-holding object, made from the studio's settings;
- ``runners``: what each built-in stage does inside one search;
- ``weights``: how each backend says whether its weights are on disk (``init.py``'s table).

These sit at the pipeline's level: they import stage packages (lazily), never web or jobs.
"""
