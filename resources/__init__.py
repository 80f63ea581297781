"""ChartBrief's shipped data: prompts, samples, grounding and fact lexicons, evaluation sets, the demo dataset
and the icon. No code: this file makes the folder the installable package ``chartbrief_resources``
(``pyproject.toml`` maps it), so the data travels inside the wheel and the frozen bundle and is found with
:mod:`importlib.resources` — see :data:`core.paths.RESOURCES`.
"""
