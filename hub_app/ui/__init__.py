"""The resident's and the technician's screens: the only package that imports Qt."""
