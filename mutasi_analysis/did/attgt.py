"""Work in progress: replaced by the implementation."""


def att_gt(*args, **kwargs):
    raise NotImplementedError("att_gt is not implemented yet")
