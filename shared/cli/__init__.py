"""The ``wegrow`` command line."""
