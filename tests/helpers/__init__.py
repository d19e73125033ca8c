"""What several test modules share. Test modules import from here, never from one another
or from a conftest (tests/test_import_graph.py checks)."""
