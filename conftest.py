"""Repository root marker: pytest puts this folder on sys.path, so the packages import without installing."""
