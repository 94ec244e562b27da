"""The repository's build tools, run from the repository root: ``python -m tools.build_notebooks`` (lessons from
their sources), ``python -m tools.build_site`` (the site of the lessons with their outputs) and
``tools.gpu_report`` (the report ``data_scripts/gpu_check.sh`` assembles). Not part of the installed package;
``data_scripts/`` holds the measurement and asset scripts."""
