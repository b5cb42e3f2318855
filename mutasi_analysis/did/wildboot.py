"""Work in progress: replaced by the implementation."""


def wild_cluster_bootstrap(*args, **kwargs):
    raise NotImplementedError("wild_cluster_bootstrap is not implemented yet")
