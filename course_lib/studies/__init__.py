"""Studies: the benchmarks and experiment harnesses whose numbers the docs and the lessons quote.

They sit above the domains (they may use ``gan``, ``editing``, ``text2img`` and ``metrics``), and no domain imports
them: the training core, the metrics and the models never depend on a measurement. ``bench`` + ``tutorial`` (the
speed benchmark and its reference loop; ``python -m course_lib bench``), ``quality`` (time to quality), ``sweep``
(threads and oneDNN), ``stability`` (lesson 04's same-budget comparison), ``few_shot_runs`` and
``few_shot_report`` (lesson 08's table), ``encoders`` (lesson 07's encoder comparison).
"""
