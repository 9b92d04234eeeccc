"""``python -m pipeline``: see :mod:`pipeline.main`."""

from pipeline.main import main

if __name__ == "__main__":
    main()
