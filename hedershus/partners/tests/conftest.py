"""The CMS's small page tree (with a Swedish help directory page) for the directory tests."""

from hedershus.cms.tests.conftest import _tree_ids, tree

__all__ = ["_tree_ids", "tree"]
