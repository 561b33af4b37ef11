"""``python -m webui.cli``: the ``bvte`` command."""

from webui.cli import main

main()
